/**
 * The driver of one dialog (RFC 3261 §12–§15): sends requests within it
 * (BYE, re-INVITE, UPDATE, INFO, …), ACKs the 2xx of its INVITEs
 * (§13.2.2.4), retransmits the 2xx of INVITEs it answers until their ACK
 * (§13.3.1.4), and checks and hands up the requests the peer sends in it
 * (§12.2.2, §14.2, §15.1.2).
 */
import type { SipRequest, SipResponse } from '../message.js';
import type {
  ClientTransaction,
  ClientTransactionEvent,
  ServerTransaction,
} from '../transaction/transaction-handles.js';
import { createResponse } from '../transaction/transaction-messages.js';
import type { TransportProtocol } from '../transport/transport.js';
import { DialogError } from './dialog-error.js';
import type { DialogContext, DialogEvent, DialogRequestOptions, DialogTerminationCause } from './dialog-types.js';
import { IncomingRequest, type ResponseOptions } from './incoming-request.js';
import {
  type DialogState,
  acceptRemoteCSeq,
  confirmDialog,
  nextLocalSeq,
  refreshTarget,
  terminateDialog,
} from './dialog-state.js';
import { createInDialogRequest, createSuccessAck } from './in-dialog-request.js';
import { ReinviteTimerC, sendReinviteCancel } from './reinvite-timer-c.js';
import { SentAcks } from './sent-acks.js';
import { type SessionUuids, withSessionId } from './session-uuids.js';
import { type SuccessHooks, UnacknowledgedSuccesses } from './unacknowledged-successes.js';

/** One dialog. Created by the {@link DialogLayer}; never by the user. */
export class Dialog {
  #state: DialogState;
  readonly #context: DialogContext;
  #listener: ((event: DialogEvent) => void) | undefined;
  /** The 2xx responses we sent to INVITEs of this dialog, until their ACK (§13.3.1.4). */
  readonly #successes: UnacknowledgedSuccesses;
  /** The ACKs we sent for the 2xx responses to our INVITEs (§13.2.2.4). */
  readonly #acks: SentAcks;
  /** An INVITE we sent in this dialog is waiting for its final response (§14.1). */
  #clientInvitePending = false;
  /** An INVITE the peer sent in this dialog is waiting for our final response (§14.2). */
  #serverInvitePending = false;
  /** Requests the peer sent in this dialog that have no final response yet (answered 487 on its BYE, §15.1.2). */
  readonly #unanswered = new Set<IncomingRequest>();
  /** How the dialog is reported ended when we send BYE. */
  #byeCause: DialogTerminationCause = 'LocalBye';
  /** The transport of the dialog's initial INVITE, for our Contact. */
  readonly protocol: TransportProtocol;
  /** Set by the UAS core while the initial INVITE is unanswered: ends it with 487 on a BYE (§15.1.2). */
  onEarlyBye: (() => void) | undefined;
  /**
   * @internal Set by the UAS core while the initial INVITE is unanswered:
   * whether a PRACK matches a reliable provisional response still
   * unacknowledged (RFC 3262 §3), which it then stops retransmitting.
   */
  onPrack: ((prack: SipRequest) => boolean) | undefined;
  /**
   * The Session-ID (RFC 7989) written on every request and response this
   * dialog sends that does not carry one already: BYE, re-INVITE, ACK,
   * relayed requests and responses, and the answers the dialog gives by
   * itself (200 to BYE, 481, 491, 500). Plain strings; undefined writes none.
   */
  sessionId: SessionUuids | undefined;

  /** @internal */
  constructor(state: DialogState, context: DialogContext, protocol: TransportProtocol) {
    this.#state = state;
    this.#context = context;
    this.protocol = protocol;
    this.#acks = new SentAcks(context);
    this.#successes = new UnacknowledgedSuccesses(context, () => {
      // §13.3.1.4: the dialog is confirmed but the session is ended with a BYE.
      if (!this.terminated) {
        this.#byeCause = 'AckTimeout';
        void this.request('BYE').catch(() => undefined);
      }
    });
  }

  /** The dialog state (RFC 3261 §12), as plain data. */
  get state(): DialogState {
    return this.#state;
  }

  /** The dialog ID. */
  get id(): DialogState['id'] {
    return this.#state.id;
  }

  /** True when terminated. */
  get terminated(): boolean {
    return this.#state.name === 'Terminated';
  }

  /** Sets who hears the dialog's events; undefined: nobody (requests are then answered 488/501). */
  onEvent(listener: ((event: DialogEvent) => void) | undefined): void {
    this.#listener = listener;
  }

  /**
   * Sends a request within the dialog (RFC 3261 §12.2.1.1) and resolves with
   * its final response: a timeout resolves as a 408, a transport failure as
   * a 503 (§8.1.3.1). A 481 or 408 ends the dialog (§12.2.1.2). BYE ends it
   * at once (§15.1.1). A 2xx to a re-INVITE is ACKed unless `deferAck`.
   * With `timerC`, a re-INVITE without a final response that long after it
   * was sent or after its last provisional response is cancelled (§9.1)
   * and resolves as a 408 that leaves the dialog up (the peer is there: it
   * sent the provisional response); a 2xx that still comes is ACKed.
   */
  request(method: string, options: DialogRequestOptions = {}): Promise<SipResponse> {
    if (method === 'ACK' || method === 'CANCEL')
      throw new DialogError('DIALOG_ERR_BAD_METHOD', `${method} is not sent with request()`);
    if (this.terminated) throw new DialogError('DIALOG_ERR_TERMINATED');
    if (method === 'INVITE') {
      if (this.#state.name !== 'Confirmed') throw new DialogError('DIALOG_ERR_NOT_CONFIRMED');
      if (this.#clientInvitePending || this.#serverInvitePending) throw new DialogError('DIALOG_ERR_REQUEST_PENDING');
    }
    const next = nextLocalSeq(this.#state);
    this.#state = next.state;
    const refresh = method === 'INVITE' || method === 'UPDATE';
    const headers = withSessionId(options.headers, this.sessionId);
    const built = createInDialogRequest(this.#state, method, next.seq, {
      ...(headers === undefined ? {} : { headers }),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.maxForwards === undefined ? {} : { maxForwards: options.maxForwards }),
      ...(refresh ? { contact: this.#context.contactFor(this.protocol) } : {}),
    });
    const request = built.request;
    options.onRequest?.(request);
    const destination = this.#context.resolve(built.nextHop);
    if (method === 'INVITE') this.#clientInvitePending = true;
    if (method === 'BYE') this.#terminate(this.#byeCause);
    return new Promise((resolve) => {
      let settled = false;
      let transaction: ClientTransaction | undefined;
      /** Timer C (RFC 3261 §16.6 step 11): a re-INVITE that never gets its final response. */
      const timerC = new ReinviteTimerC(this.#context, method === 'INVITE' ? options.timerC : undefined, () => {
        if (settled) return;
        // §16.8: cancel it once a provisional response came (§9.1), and take it as a 408.
        timerC.expire();
        options.onTimerC?.();
        finish(createResponse(request, 408));
      });
      const finish = (response: SipResponse): void => {
        if (method === 'INVITE') this.#clientInvitePending = false;
        timerC.stop();
        if (settled) return;
        settled = true;
        // While the transaction lingers it keeps only what late responses need, not the user's callbacks (a B2BUA's call).
        // Only an INVITE's late responses need the dialog (2xx → ACK, §13.2.2.4); another request's transaction (a BYE's
        // lingers T4 after its 200, Timer K) must not keep the ended dialog alive.
        transaction?.onEvent(
          method === 'INVITE'
            ? this.#afterFinal(transaction, next.seq, options.deferAck !== true || timerC.timedOut, timerC.cancelWanted)
            : ignoreEvent,
        );
        options.onFinal?.(response);
        resolve(response);
      };
      transaction = this.#context.transactions.sendRequest(request, {
        destination,
        onEvent: (event) => {
          switch (event.kind) {
            case 'response': {
              const r = event.response;
              if (r.status < 200) {
                timerC.provisional();
                if (settled) return;
                // §16.7 step 2: a provisional response other than 100 restarts Timer C.
                if (r.status > 100) timerC.arm();
                options.onProvisional?.(r);
                return;
              }
              if (r.status < 300 && refresh) this.#state = refreshTarget(this.#state, r);
              if (r.status < 300 && method === 'INVITE') {
                // §13.2.2.4: the UAC core ACKs every 2xx; a retransmission gets the same ACK. One after Timer C has nobody else to ACK it.
                if (!this.#acks.resend(next.seq) && (options.deferAck !== true || timerC.timedOut)) this.ack(next.seq);
              }
              // The final response is told before the dialog ends (§12.2.1.2), so a B2BUA relays it before the call is torn down.
              const late = settled;
              finish(r);
              if ((r.status === 481 || r.status === 408) && method !== 'BYE' && !late) this.#terminate('Gone');
              return;
            }
            case 'timeout':
              if (settled) return;
              finish(createResponse(request, 408));
              if (method !== 'BYE') this.#terminate('Gone');
              return;
            case 'transportError':
              finish(createResponse(request, 503));
              return;
            case 'terminated':
              if (method === 'INVITE') this.#clientInvitePending = false;
              timerC.stop();
              return;
          }
        },
      });
      timerC.sent(transaction);
      timerC.arm();
    });
  }

  /**
   * What a client transaction of this dialog hears once its request was
   * answered: a 2xx of an INVITE (a retransmission, or one after Timer C)
   * gets its ACK (§13.2.2.4), a provisional response the CANCEL waited for
   * gets it (§9.1). Built here, away from {@link Dialog.request}'s scope, so
   * that it holds none of the caller's options.
   */
  #afterFinal(
    transaction: ClientTransaction,
    seq: number,
    ackSuccess: boolean,
    cancelWanted: boolean,
  ): (event: ClientTransactionEvent) => void {
    let cancel = cancelWanted;
    return (event) => {
      if (event.kind !== 'response') return;
      const r = event.response;
      if (r.status < 200) {
        if (cancel) sendReinviteCancel(this.#context.transactions, transaction);
        cancel = false;
        return;
      }
      if (r.status >= 300 || r.cseq.method !== 'INVITE') return;
      if (!this.#acks.resend(seq) && ackSuccess) this.ack(seq);
    };
  }

  /** Ends the dialog with a BYE (§15.1.1); resolves with the BYE's final response. */
  bye(options: Omit<DialogRequestOptions, 'deferAck'> = {}): Promise<SipResponse> {
    return this.request('BYE', options);
  }

  /**
   * Sends the ACK of the 2xx to the INVITE with CSeq number `inviteSeq`
   * (RFC 3261 §13.2.2.4), remembered to answer each retransmission of that
   * 2xx for 64·T1. Sending it twice resends the first one. Its
   * Max-Forwards is 70 (§8.1.1.6) unless `maxForwards` says otherwise: a
   * B2BUA relaying its peer's ACK passes that one's value minus one.
   */
  ack(
    inviteSeq: number,
    options: {
      readonly headers?: ReadonlyArray<readonly [string, string]>;
      readonly body?: Uint8Array;
      readonly maxForwards?: number;
    } = {},
  ): SipRequest {
    const existing = this.#acks.get(inviteSeq);
    if (existing !== undefined) {
      this.#acks.resend(inviteSeq);
      return existing;
    }
    const headers = withSessionId(options.headers, this.sessionId);
    const built = createSuccessAck(this.#state, inviteSeq, {
      ...(headers === undefined ? {} : { headers }),
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.maxForwards === undefined ? {} : { maxForwards: options.maxForwards }),
    });
    this.#acks.send(inviteSeq, built.request, this.#context.resolve(built.nextHop));
    if (this.#state.name === 'Early') this.#confirm();
    return built.request;
  }

  /**
   * @internal A function that sends the ACK of the 2xx to the INVITE with
   * CSeq `inviteSeq` again, holding only that ACK and its destination (not
   * the dialog): what an INVITE keeps for a retransmitted 2xx once its call
   * is over. Undefined when no such ACK was sent.
   */
  ackResender(inviteSeq: number): (() => void) | undefined {
    return this.#acks.resender(inviteSeq);
  }

  /** True once the ACK of the 2xx to the INVITE with CSeq `inviteSeq` was sent. */
  hasAcked(inviteSeq: number): boolean {
    return this.#acks.get(inviteSeq) !== undefined;
  }

  /** @internal A 2xx to one of our INVITEs that reached the core (a retransmission): ACK it again. */
  receiveSuccessRetransmission(response: SipResponse): void {
    this.#acks.resend(response.cseq.seq);
  }

  /** @internal The UAC core received a 2xx to the initial INVITE: confirm. */
  confirmAsUac(response: SipResponse): void {
    this.#state = refreshTarget(this.#state, response);
    this.#confirm();
  }

  #confirm(): void {
    if (this.#state.name !== 'Early') return;
    this.#state = confirmDialog(this.#state);
    this.#listener?.({ kind: 'confirmed' });
  }

  /**
   * @internal The UAS core sent a 2xx to an INVITE of this dialog (the
   * initial one or a re-INVITE): confirm, and retransmit it until the ACK
   * (§13.3.1.4).
   */
  startSuccessRetransmission(response: SipResponse, transaction: ServerTransaction, hooks: SuccessHooks = {}): void {
    this.#confirm();
    this.#successes.start(response, transaction, hooks);
  }

  /** @internal An ACK matched to this dialog (§13.3.1.4, §17.2.3). */
  receiveAck(ack: SipRequest): void {
    if (!this.#successes.acknowledge(ack)) return;
    this.#listener?.({ kind: 'ack', ack });
  }

  /** @internal A request the peer sent within this dialog (§12.2.2). */
  receiveRequest(request: SipRequest, transaction: ServerTransaction): void {
    if (this.terminated) {
      transaction.respond(createResponse(request, 481, { headers: this.#stamp() }));
      return;
    }
    const verdict = acceptRemoteCSeq(this.#state, request);
    if (!verdict.ok) {
      // §12.2.2: out of order.
      transaction.respond(
        createResponse(request, verdict.status, { reason: 'CSeq Out Of Order', headers: this.#stamp() }),
      );
      return;
    }
    this.#state = verdict.state;
    switch (request.method) {
      case 'BYE':
        // §15.1.2: answer 200, end the dialog; an unanswered INVITE gets 487, and so does every request of the dialog still pending.
        transaction.respond(createResponse(request, 200, { headers: this.#stamp() }));
        this.onEarlyBye?.();
        for (const pending of [...this.#unanswered]) if (!pending.answered) pending.respond(487);
        this.#listener?.({ kind: 'bye', request });
        this.#terminate('RemoteBye');
        return;
      case 'INVITE':
        if (this.#clientInvitePending) {
          // §14.2: we have our own INVITE pending: 491.
          transaction.respond(createResponse(request, 491, { reason: 'Request Pending', headers: this.#stamp() }));
          return;
        }
        if (this.#serverInvitePending || this.#state.name !== 'Confirmed') {
          // §14.2: an earlier INVITE of the peer is unanswered: 500 with Retry-After.
          transaction.respond(
            createResponse(request, 500, {
              headers: this.#stamp([['Retry-After', String(Math.floor(Math.random() * 10))]]),
            }),
          );
          return;
        }
        this.#serverInvitePending = true;
        this.#state = refreshTarget(this.#state, request);
        break;
      case 'UPDATE':
        // RFC 3311 §5.2: UPDATE is a target refresh request.
        this.#state = refreshTarget(this.#state, request);
        break;
      case 'PRACK':
        // RFC 3262 §3: a PRACK that matches no unacknowledged reliable provisional response gets 481.
        if (this.onPrack?.(request) !== true) {
          transaction.respond(createResponse(request, 481, { headers: this.#stamp() }));
          return;
        }
        break;
      default:
        break;
    }
    const incoming = new IncomingRequest(request, transaction, this);
    this.#unanswered.add(incoming);
    if (this.#listener === undefined) {
      // RFC 3262 §3: a PRACK that matches gets a 2xx.
      incoming.respond(request.method === 'INVITE' ? 488 : request.method === 'PRACK' ? 200 : 501);
      return;
    }
    this.#listener({ kind: 'request', request: incoming });
  }

  /** @internal Sends the response of an {@link IncomingRequest}. */
  respondWithin(incoming: IncomingRequest, status: number, options: ResponseOptions): SipResponse {
    const request = incoming.request;
    const headers: Array<readonly [string, string]> = [];
    const refresh = request.method === 'INVITE' || request.method === 'UPDATE';
    if (status >= 200 && status < 300 && refresh) headers.push(['Contact', this.#context.contactFor(this.protocol)]);
    if (options.headers !== undefined) headers.push(...options.headers);
    const response = createResponse(request, status, {
      headers: this.#stamp(headers),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    incoming.transaction.respond(response);
    if (status >= 200) this.#unanswered.delete(incoming);
    if (request.method === 'INVITE' && status >= 200) {
      this.#serverInvitePending = false;
      if (status < 300) this.startSuccessRetransmission(response, incoming.transaction);
    }
    return response;
  }

  /** `headers` with this dialog's Session-ID when they carry none (RFC 7989 §7). */
  #stamp(headers: ReadonlyArray<readonly [string, string]> = []): Array<readonly [string, string]> {
    return [...(withSessionId(headers, this.sessionId) ?? [])];
  }

  /** @internal Ends the dialog (a non-2xx final response to the initial INVITE, a CANCEL). */
  terminate(cause: DialogTerminationCause): void {
    this.#terminate(cause);
  }

  #terminate(cause: DialogTerminationCause): void {
    if (this.terminated) return;
    this.#state = terminateDialog(this.#state);
    this.#successes.clear();
    // Requests still unanswered stay with whoever holds them (an IncomingRequest answers on a terminated dialog too); the dialog lets them go.
    this.#unanswered.clear();
    this.onEarlyBye = undefined;
    this.onPrack = undefined;
    this.#listener?.({ kind: 'terminated', cause });
    // Nothing more is told after this: let the user's objects go while the dialog lingers (64·T1).
    this.#listener = undefined;
    this.#context.forget(this);
  }
}

/** The listener of a non-INVITE transaction of a dialog once it has its final response. */
function ignoreEvent(): void {}
