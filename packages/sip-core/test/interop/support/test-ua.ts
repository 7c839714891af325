/**
 * A minimal user agent on the transaction and transport layers, enough to
 * answer and place calls against SIPp: INVITE / ACK / BYE, CANCEL, and the
 * UAS core's 2xx retransmission until the ACK comes (RFC 3261 §13.3.1.4).
 */
import { SystemClock, type Clock, type ClockTimer } from '../../../src/clock.js';
import { SipRequest, type SipResponse, parseUri } from '../../../src/index.js';
import type { ServerTransaction, TransactionUser } from '../../../src/transaction/transaction-handles.js';
import { TransactionLayer } from '../../../src/transaction/transaction-layer.js';
import { createResponse, createTag } from '../../../src/transaction/transaction-messages.js';
import { TransportLayer } from '../../../src/transport/transport-layer.js';
import type { Destination, MessageSource, Transport } from '../../../src/transport/transport.js';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

export interface UaCounters {
  invites: number;
  /** Dialogs confirmed by the ACK of our 2xx (UAS) or by our ACK (UAC). */
  confirmed: number;
  byes: number;
  cancelled: number;
  completed: number;
  failed: number;
  twoXxRetransmissions: number;
}

interface PendingAck {
  readonly ok: SipResponse;
  readonly tx: ServerTransaction;
  interval: number;
  timer: ClockTimer | undefined;
  readonly giveUpAt: number;
}

/** A test UA: answers INVITE with 180 then 200 (after `answerDelay` ms), BYE and CANCEL; places calls. */
export class TestUa implements TransactionUser {
  readonly clock: Clock;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly counters: UaCounters = {
    invites: 0,
    confirmed: 0,
    byes: 0,
    cancelled: 0,
    completed: 0,
    failed: 0,
    twoXxRetransmissions: 0,
  };
  /** Delay before the 200 to an INVITE, ms (a function: drawn per call). */
  answerDelay: number | (() => number) = 0;
  readonly #pendingAcks = new Map<string, PendingAck>();
  readonly #answerTimers = new Map<string, ClockTimer>();
  /** Our To tag per Call-ID, reused in the answers to a CANCEL (RFC 3261 §9.2). */
  readonly #toTags = new Map<string, string>();

  constructor(transports: Transport[], clock: Clock = new SystemClock()) {
    this.clock = clock;
    this.transport = new TransportLayer({ transports });
    this.transactions = new TransactionLayer({ clock, transport: this.transport, user: this });
    this.transport.setReceiver(this.transactions);
  }

  listen(): Promise<void> {
    return this.transport.listen();
  }

  async close(): Promise<void> {
    for (const p of this.#pendingAcks.values()) p.timer?.cancel();
    for (const t of this.#answerTimers.values()) t.cancel();
    this.transactions.close();
    await this.transport.close();
  }

  /** Dialogs waiting for the ACK of their 2xx. */
  get pendingAcks(): number {
    return this.#pendingAcks.size;
  }

  onRequest(request: SipRequest, tx: ServerTransaction): void {
    switch (request.method) {
      case 'INVITE': {
        this.counters.invites++;
        const toTag = createTag();
        this.#toTags.set(request.callId, toTag);
        tx.onEvent((e) => {
          if (e.kind === 'terminated') this.#toTags.delete(request.callId);
        });
        tx.respond(createResponse(request, 180, { toTag }));
        const answer = (): void => {
          this.#answerTimers.delete(request.callId);
          if (tx.state !== 'Proceeding') return;
          const ok = createResponse(request, 200, {
            toTag,
            headers: [
              [
                'Contact',
                `<sip:uas@${tx.source.local.host}:${tx.source.local.port};transport=${tx.source.protocol.toLowerCase()}>`,
              ],
              ['Content-Type', 'application/sdp'],
            ],
            body: Buffer.from(SDP),
          });
          tx.respond(ok);
          this.#retransmitUntilAck(request.callId, ok, tx);
        };
        const delay = typeof this.answerDelay === 'number' ? this.answerDelay : this.answerDelay();
        if (delay <= 0) answer();
        else this.#answerTimers.set(request.callId, this.clock.setTimer(delay, answer));
        return;
      }
      case 'CANCEL': {
        const toTag = this.#toTags.get(request.callId) ?? createTag();
        tx.respond(createResponse(request, 200, { toTag }));
        const invite = tx.cancels;
        // RFC 3261 §9.2: a CANCEL of an INVITE not yet answered ends it with 487.
        if (invite !== undefined && invite.state === 'Proceeding') {
          this.#answerTimers.get(request.callId)?.cancel();
          this.#answerTimers.delete(request.callId);
          invite.respond(createResponse(invite.request, 487, { toTag }));
          this.counters.cancelled++;
        }
        return;
      }
      case 'BYE':
        this.counters.byes++;
        this.#stopRetransmitting(request.callId);
        tx.respond(createResponse(request, 200));
        return;
      default:
        tx.respond(createResponse(request, request.method === 'OPTIONS' ? 200 : 501, { toTag: createTag() }));
    }
  }

  onAck(ack: SipRequest): void {
    if (this.#pendingAcks.has(ack.callId)) {
      this.#stopRetransmitting(ack.callId);
      this.counters.confirmed++;
    }
  }

  /** RFC 3261 §13.3.1.4: the UAS core retransmits the 2xx at T1, doubling up to T2, until the ACK or 64·T1. */
  #retransmitUntilAck(callId: string, ok: SipResponse, tx: ServerTransaction): void {
    const t = this.transactions.timers;
    const pending: PendingAck = { ok, tx, interval: t.t1, timer: undefined, giveUpAt: this.clock.now() + 64 * t.t1 };
    this.#pendingAcks.set(callId, pending);
    const arm = (): void => {
      pending.timer = this.clock.setTimer(pending.interval, () => {
        if (this.clock.now() >= pending.giveUpAt) {
          this.#pendingAcks.delete(callId);
          this.counters.failed++;
          return;
        }
        this.counters.twoXxRetransmissions++;
        if (tx.state === 'Accepted') tx.respond(ok);
        else void this.transactions.sendStatelessResponse(ok, tx.source).catch(() => undefined);
        pending.interval = Math.min(2 * pending.interval, t.t2);
        arm();
      });
    };
    if (tx.source.protocol === 'UDP') arm();
    else pending.timer = this.clock.setTimer(64 * t.t1, () => this.#pendingAcks.delete(callId));
  }

  #stopRetransmitting(callId: string): void {
    const p = this.#pendingAcks.get(callId);
    if (p === undefined) return;
    p.timer?.cancel();
    this.#pendingAcks.delete(callId);
  }

  /**
   * Places one call: INVITE, ACK the 2xx (again for each retransmission),
   * then BYE after `holdMs`. Resolves with the final status of the INVITE
   * and whether the BYE got its 200.
   */
  call(
    destination: Destination,
    options: { holdMs?: number; user?: string; onInvite?: (invite: SipRequest) => void } = {},
  ): Promise<{ status: number; byeStatus?: number }> {
    const host = destination.serverName ?? destination.host;
    const target = `sip:${options.user ?? 'service'}@${host}:${destination.port}`;
    const uriResult = parseUri(target);
    if (!uriResult.ok) throw new Error(uriResult.error.message);
    const local = this.transport.transport(destination.protocol)?.sentBy ?? { host: '127.0.0.1', port: 0 };
    const callId = `${createTag()}@127.0.0.1`;
    const fromTag = createTag();
    const headers: Array<[string, string]> = [
      ['Max-Forwards', '70'],
      ['From', `<sip:tester@127.0.0.1>;tag=${fromTag}`],
      ['To', `<${target}>`],
      ['Call-ID', callId],
      ['CSeq', '1 INVITE'],
      ['Contact', `<sip:tester@${local.host}:${local.port};transport=${destination.protocol.toLowerCase()}>`],
      ['Content-Type', 'application/sdp'],
    ];
    const invite = new SipRequest({ method: 'INVITE', uri: uriResult.uri, headers, body: Buffer.from(SDP) });
    options.onInvite?.(invite);
    return new Promise((resolve) => {
      let settled = false;
      let acked: SipRequest | undefined;
      const finish = (result: { status: number; byeStatus?: number }): void => {
        if (settled) return;
        settled = true;
        if (result.byeStatus === 200 || (result.status >= 300 && result.status < 700 && result.status !== 408))
          this.counters.completed++;
        else this.counters.failed++;
        resolve(result);
      };
      this.transactions.sendRequest(invite, {
        destination,
        onEvent: (event) => {
          if (event.kind === 'timeout' || event.kind === 'transportError') finish({ status: 408 });
          if (event.kind !== 'response') return;
          const r = event.response;
          if (r.status < 200) return;
          if (r.status >= 300) {
            finish({ status: r.status });
            return;
          }
          // RFC 3261 §13.2.2.4: the UAC core ACKs each 2xx, outside the transaction.
          if (acked === undefined) {
            acked = new SipRequest({
              method: 'ACK',
              uri: uriResult.uri,
              headers: [
                ['Max-Forwards', '70'],
                ['From', invite.headers.get('From') ?? ''],
                ['To', r.headers.get('To') ?? ''],
                ['Call-ID', callId],
                ['CSeq', '1 ACK'],
              ],
            });
            void this.transactions.sendStateless(acked, destination).catch(() => undefined);
            this.counters.confirmed++;
            this.clock.setTimer(options.holdMs ?? 0, () =>
              this.#bye(invite, r, destination, (byeStatus) => finish({ status: 200, byeStatus })),
            );
          } else {
            void this.transport.sendRequest(acked, destination).catch(() => undefined);
          }
        },
      });
    });
  }

  #bye(invite: SipRequest, ok: SipResponse, destination: Destination, done: (status: number) => void): void {
    const bye = new SipRequest({
      method: 'BYE',
      uri: invite.uri,
      headers: [
        ['Max-Forwards', '70'],
        ['From', invite.headers.get('From') ?? ''],
        ['To', ok.headers.get('To') ?? ''],
        ['Call-ID', invite.callId],
        ['CSeq', '2 BYE'],
      ],
    });
    this.transactions.sendRequest(bye, {
      destination,
      onEvent: (event) => {
        if (event.kind === 'response' && event.response.status >= 200) done(event.response.status);
        else if (event.kind === 'timeout' || event.kind === 'transportError') done(408);
      },
    });
  }

  /** The source a message from `destination` would have, for answering statelessly. */
  static sourceOf(destination: Destination): MessageSource {
    return {
      protocol: destination.protocol,
      host: destination.host,
      port: destination.port,
      local: { host: '127.0.0.1', port: 0 },
    };
  }
}
