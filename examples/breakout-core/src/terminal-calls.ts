/**
 * The calls web terminals place: the core's side of the Web Terminal port
 * (`TerminalCallControl` of `@sipbreakout/web-terminal`) for an outgoing
 * call. A terminal's call is an MO call of its number: a new INVITE from the
 * core (a UAC, RFC 3261 §13.2) to the callee at the mobile next hop, the
 * number as caller ID (P-Asserted-Identity, RFC 3325 §9.1), and the media
 * through rtpengine: the terminal's WebRTC offer (ICE, DTLS-SRTP, rtcp-mux)
 * becomes plain RTP/AVP toward the mobile side, the callee's plain answer
 * becomes WebRTC style for the terminal. Without a media relay a terminal's
 * call is refused: WebRTC SDP never reaches the mobile side.
 */
import type { Logger } from 'pino';
import { SDP_TOWARD_MOBILE, type NgClient } from '@sipbreakout/media';
import { ConfigError } from '@sipbreakout/service-kit';
import {
  createTag,
  parseUri,
  resolveSipUri,
  SipRequest,
  type ClientInvite,
  type Destination,
  type Dialog,
  type DialogLayer,
  type SipUri,
} from '@sipbreakout/sip-core';
import type { SdpOutcome, TerminalCallControl, TerminalCallEvents, TerminalCallRef } from '@sipbreakout/web-terminal';

/** What a terminal is told when the core has no media relay. */
export const NO_MEDIA_RELAY_REASON =
  'terminal calls need a media relay (mediaRelay.ng): WebRTC media is never passed to the mobile side as it is';

/** The ng commands a terminal's call uses. */
export type TerminalMediaRelay = Pick<NgClient, 'offer' | 'answer' | 'delete'>;

/** Options of {@link TerminalCalls}. */
export interface TerminalCallsOptions {
  readonly layer: DialogLayer;
  /** `sip.mobile.nextHop`: where a terminal's call goes, with the callee's number in the Request-URI. */
  readonly nextHop: string;
  /** `sip.domain`: the host of the caller's URI (From, P-Asserted-Identity). */
  readonly domain: string;
  /** The media relay's ng client (`mediaRelay.ng` set); undefined: every terminal call is refused. */
  readonly mediaRelay: TerminalMediaRelay | undefined;
  /** What the hub is told about the calls (the callee rings, the call ended from the SIP side). */
  readonly events: Pick<TerminalCallEvents, 'remoteRinging' | 'callEnded'>;
  readonly log: Logger;
  /** Timer C (RFC 3261 §16.6 step 11) of the INVITE, ms: how long the callee may ring (default 180,000). */
  readonly timerCMs?: number;
}

/** One terminal call, from the INVITE on. */
interface TerminalCall {
  readonly number: string;
  readonly callId: string;
  readonly terminal: string;
  /** The SIP Call-ID and From tag: the media session's keys in rtpengine. */
  readonly sipCallId: string;
  readonly fromTag: string;
  invite: ClientInvite | undefined;
  dialog: Dialog | undefined;
  ended: boolean;
}

/** The key of a terminal's call: its number and the terminals' call id. */
const keyOf = (ref: { readonly number: string; readonly callId: string }): string => `${ref.number} ${ref.callId}`;

/** An E.164 number, `+` optional (the form the Web Terminal API carries). */
const E164 = /^\+?\d{1,15}$/;

/** The outgoing calls of web terminals. */
export class TerminalCalls implements Pick<TerminalCallControl, 'startOutgoing' | 'hangup'> {
  readonly #o: TerminalCallsOptions;
  readonly #nextHop: SipUri;
  readonly #destination: Destination;
  readonly #calls = new Map<string, TerminalCall>();

  constructor(options: TerminalCallsOptions) {
    this.#o = options;
    const parsed = parseUri(options.nextHop);
    if (!parsed.ok || parsed.uri.kind !== 'sip')
      throw new ConfigError(
        'CONFIG_ERR_BAD_VALUE',
        `sip.mobile.nextHop = ${JSON.stringify(options.nextHop)}: not a SIP URI`,
        { key: 'sip.mobile.nextHop' },
      );
    this.#nextHop = parsed.uri;
    this.#destination = resolveSipUri(parsed.uri);
  }

  /** How many terminal calls are set up or in progress. */
  get size(): number {
    return this.#calls.size;
  }

  /**
   * Places the terminal's call: the media relay's offer (WebRTC → RTP/AVP),
   * the INVITE to the callee at the next hop, and, on its 2xx, the relay's
   * answer (RTP/AVP → WebRTC) for the terminal. Any failure ends what was
   * started (the relay's session deleted) and resolves with the reason.
   */
  async startOutgoing(
    request: TerminalCallRef & { readonly callee: string; readonly sdp: string },
  ): Promise<SdpOutcome> {
    const relay = this.#o.mediaRelay;
    if (relay === undefined) return { ok: false, reason: NO_MEDIA_RELAY_REASON };
    if (!E164.test(request.callee))
      return { ok: false, reason: `callee ${JSON.stringify(request.callee)} is not an E.164 number` };
    if (!E164.test(request.number))
      return { ok: false, reason: `number ${JSON.stringify(request.number)} is not an E.164 number` };
    const key = keyOf(request);
    if (this.#calls.has(key)) return { ok: false, reason: `call ${request.callId} already exists` };
    const call: TerminalCall = {
      number: request.number,
      callId: request.callId,
      terminal: request.terminal,
      sipCallId: `${createTag()}${createTag()}`,
      fromTag: createTag(),
      invite: undefined,
      dialog: undefined,
      ended: false,
    };
    this.#calls.set(key, call);
    const log = this.#o.log.child({ terminalCall: request.callId, callId: call.sipCallId });

    let offer: Uint8Array;
    try {
      offer = (
        await relay.offer({
          callId: call.sipCallId,
          fromTag: call.fromTag,
          sdp: request.sdp,
          options: SDP_TOWARD_MOBILE.offer,
        })
      ).sdp;
    } catch (error) {
      this.#calls.delete(key);
      log.warn({ err: error }, 'media relay refused the terminal offer');
      return { ok: false, reason: `the media relay refused the offer: ${(error as Error).message}` };
    }
    if (call.ended) {
      await this.#deleteMedia(call, log);
      return { ok: false, reason: 'the terminal left the call' };
    }

    const answered = await this.#invite(call, request.callee, offer, log);
    if (!answered.ok) {
      // A call the terminal left was forgotten, and its session deleted, by hangup already.
      if (!call.ended) this.#finish(call, log);
      return answered;
    }
    const { dialog, sdp } = answered;
    try {
      const forTerminal = await relay.answer({
        callId: call.sipCallId,
        fromTag: call.fromTag,
        toTag: dialog.id.remoteTag,
        sdp,
        options: SDP_TOWARD_MOBILE.answer,
      });
      if (call.ended) return { ok: false, reason: 'the terminal left the call' };
      return { ok: true, sdp: new TextDecoder().decode(forTerminal.sdp) };
    } catch (error) {
      log.warn({ err: error }, 'media relay refused the callee answer');
      this.#end(call, log);
      return { ok: false, reason: `the media relay refused the answer: ${(error as Error).message}` };
    }
  }

  /**
   * The terminal leaves its call: a call still ringing is cancelled (RFC
   * 3261 §9.1), an answered one ended with BYE (§15.1.1); the relay's
   * session is deleted. A call it does not know is ignored.
   */
  hangup(request: TerminalCallRef & { readonly cause: 'bye' | 'stream-lost' }): void {
    const call = this.#calls.get(keyOf(request));
    if (call === undefined) return;
    this.#end(call, this.#o.log.child({ terminalCall: request.callId, callId: call.sipCallId, cause: request.cause }));
  }

  /** Sends the INVITE and resolves with the confirmed dialog and the callee's SDP, or a failure. */
  #invite(
    call: TerminalCall,
    callee: string,
    sdp: Uint8Array,
    log: Logger,
  ): Promise<{ ok: true; dialog: Dialog; sdp: Uint8Array } | { ok: false; reason: string }> {
    const h = this.#nextHop;
    const transport = h.params.get('transport');
    const uri = parseUri(
      `${h.scheme}:${callee}@${h.host}${h.port === undefined ? '' : `:${h.port}`}${typeof transport === 'string' ? `;transport=${transport}` : ''}`,
    );
    if (!uri.ok) return Promise.resolve({ ok: false, reason: `callee ${callee}: no SIP URI at the next hop` });
    const caller = `sip:${call.number}@${this.#o.domain}`;
    const invite = new SipRequest({
      method: 'INVITE',
      uri: uri.uri,
      headers: [
        ['From', `<${caller}>;tag=${call.fromTag}`],
        ['To', `<sip:${callee}@${this.#o.domain}>`],
        ['Call-ID', call.sipCallId],
        ['P-Asserted-Identity', `<${caller}>`],
        ['Content-Type', 'application/sdp'],
      ],
      body: sdp,
    });
    return new Promise((resolve) => {
      const client = this.#o.layer.invite(invite, {
        destination: this.#destination,
        timerC: this.#o.timerCMs ?? 180_000,
      });
      call.invite = client;
      client.onEvent((event) => {
        switch (event.kind) {
          case 'provisional':
            if (event.response.status === 180 || event.response.status === 183)
              this.#o.events.remoteRinging({ number: call.number, callId: call.callId });
            return;
          case 'answered': {
            call.dialog = event.dialog;
            this.#watch(call, event.dialog, log);
            if (call.ended) {
              // The terminal left while the 2xx was on its way: the dialog is ended at once (§15).
              void event.dialog.bye().catch(() => undefined);
              resolve({ ok: false, reason: 'the terminal left the call' });
              return;
            }
            if (event.response.body.length === 0) {
              log.warn('the callee answered without SDP');
              this.#end(call, log);
              resolve({ ok: false, reason: 'the callee answered without SDP' });
              return;
            }
            resolve({ ok: true, dialog: event.dialog, sdp: event.response.body });
            return;
          }
          case 'rejected':
            log.info({ status: event.response.status }, 'terminal call rejected');
            resolve({ ok: false, reason: `${event.response.status} ${event.response.reason}` });
            return;
          case 'extraAnswer':
            return;
        }
      });
    });
  }

  /** The callee's side of an answered call: its BYE ends the terminal's call; what else it asks is declined. */
  #watch(call: TerminalCall, dialog: Dialog, log: Logger): void {
    dialog.onEvent((event) => {
      if (event.kind === 'bye') {
        log.info('the callee hung up');
        this.#finish(call, log);
        this.#o.events.callEnded({ number: call.number, callId: call.callId });
      } else if (event.kind === 'request') {
        // Renegotiation toward a terminal is not part of an outgoing call here: refused, the call unchanged (RFC 3261 §14.2).
        const method = event.request.request.method;
        event.request.respond(method === 'INVITE' || method === 'UPDATE' ? 488 : 501);
      } else if (event.kind === 'terminated' && !call.ended) {
        this.#finish(call, log);
        this.#o.events.callEnded({ number: call.number, callId: call.callId });
      }
    });
  }

  /** Ends the call from our side: CANCEL while it rings, BYE once answered; then forgets it. */
  #end(call: TerminalCall, log: Logger): void {
    if (call.ended) return;
    call.ended = true;
    if (call.dialog !== undefined && !call.dialog.terminated)
      call.dialog.bye().then(
        (response) => log.info({ status: response.status }, 'BYE answered'),
        (error: unknown) => log.warn({ err: error }, 'BYE failed'),
      );
    else if (call.invite !== undefined && call.dialog === undefined) call.invite.cancel();
    this.#finish(call, log);
  }

  /** Forgets the call and deletes its media session. */
  #finish(call: TerminalCall, log: Logger): void {
    call.ended = true;
    if (this.#calls.get(keyOf(call)) === call) this.#calls.delete(keyOf(call));
    void this.#deleteMedia(call, log);
  }

  /** Deletes the call's media session in rtpengine (a failure is logged: rtpengine times the session out). */
  async #deleteMedia(call: TerminalCall, log: Logger): Promise<void> {
    try {
      await this.#o.mediaRelay?.delete({ callId: call.sipCallId, fromTag: call.fromTag });
    } catch (error) {
      log.warn({ err: error }, 'media relay delete failed');
    }
  }
}
