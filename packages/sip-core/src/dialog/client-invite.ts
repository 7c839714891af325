/**
 * The UAC core's side of an INVITE outside any dialog (RFC 3261 §13.2):
 * early dialogs from provisional responses with a To tag, one per fork
 * (§12.1.2, §13.2.2.4); the first 2xx confirms its dialog; a 2xx from
 * another fork, or after our CANCEL, is ACKed and then ended with a BYE
 * (§13.2.2.4, §15); CANCEL only once a provisional response came (§9.1);
 * reliable provisional responses (RFC 3262 §4) told once each, in RSeq
 * order, and PRACKed; and, when asked for, Timer C (§16.6 step 11): no
 * final response in time, the INVITE is cancelled and taken as a 408.
 */
import type { ClockTimer } from '../clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { ClientTransaction } from '../transaction/transaction-handles.js';
import { createCancel, createResponse } from '../transaction/transaction-messages.js';
import type { Destination } from '../transport/transport.js';
import type { Dialog } from './dialog.js';
import type { DialogContext, DialogRequestOptions } from './dialog-types.js';
import { DialogError } from './dialog-error.js';
import { ownString } from '../own-string.js';
import { createUacDialog } from './dialog-state.js';
import { reliableRSeq, serializeRAck } from './reliable-provisional.js';
import type { SessionUuids } from './session-uuids.js';

/** States of an outgoing INVITE, as the UAC core sees it. */
export type ClientInviteStateName = 'Calling' | 'Proceeding' | 'Answered' | 'Rejected';

/** What an outgoing INVITE tells its user. */
export type ClientInviteEvent =
  /**
   * A 101–199 response; `dialog` is its early dialog when it had a To tag.
   * `rseq` is set for a reliable one (RFC 3262 §4), told once, in order: a
   * retransmission or one out of order is not told. PRACK it with
   * {@link ClientInvite.prack} unless `prack` is `'auto'`.
   */
  | {
      readonly kind: 'provisional';
      readonly response: SipResponse;
      readonly dialog: Dialog | undefined;
      readonly rseq: number | undefined;
    }
  /** The first 2xx: its dialog is confirmed. ACK it with {@link ClientInvite.ack} unless `autoAck`. */
  | { readonly kind: 'answered'; readonly response: SipResponse; readonly dialog: Dialog }
  /** A final non-2xx response; a timeout is a 408 and a transport failure a 503 (§8.1.3.1). */
  | { readonly kind: 'rejected'; readonly response: SipResponse }
  /** A 2xx from another fork, or after our CANCEL: it was ACKed and BYEd (§13.2.2.4). */
  | { readonly kind: 'extraAnswer'; readonly response: SipResponse; readonly dialog: Dialog };

/** What a {@link ClientInvite} needs from the dialog layer. */
export interface ClientInviteContext extends DialogContext {
  /** Creates and registers a dialog. */
  addDialog(dialog: ReturnType<typeof createUacDialog>, protocol: Destination['protocol']): Dialog;
}

/** Options of {@link ClientInvite}. */
export interface ClientInviteOptions {
  readonly destination: Destination;
  /** ACK the first 2xx at once (default true). A B2BUA leg sets false and ACKs end to end. */
  readonly autoAck?: boolean;
  /** PRACK each reliable provisional response at once (`'auto'`, the default), or leave it to the user (`'manual'`: a B2BUA relays the caller's PRACK). */
  readonly prack?: 'auto' | 'manual';
  /**
   * Timer C (RFC 3261 §16.6 step 11), ms: without a final response this
   * long after the INVITE or its last 101–199 response (§16.7 step 2), the
   * INVITE is cancelled (§9.1) and taken as rejected with 408 (§16.8).
   * Default: none.
   */
  readonly timerC?: number;
}

/** An INVITE we sent outside any dialog, and the dialogs it created. */
export class ClientInvite {
  readonly #context: ClientInviteContext;
  readonly #autoAck: boolean;
  readonly #autoPrack: boolean;
  readonly #timerCDelay: number | undefined;
  #timerC: ClockTimer | undefined;
  /** The last RSeq told, per early dialog (To tag), for RFC 3262 §4 ordering. */
  readonly #rseqs = new Map<string, number>();
  /** {@link ClientInvite.cancel} was called (not Timer C). */
  #cancelledByUser = false;
  #listener: ((event: ClientInviteEvent) => void) | undefined;
  #state: ClientInviteStateName = 'Calling';
  #transaction: ClientTransaction | undefined;
  readonly #dialogs = new Map<string, Dialog>();
  #answered: Dialog | undefined;
  /** Dialogs whose 2xx was seen (the answered one and the extra ones). */
  readonly #succeeded = new Set<Dialog>();
  #cancelWanted = false;
  #cancelSent = false;
  #cancelTimer: ClockTimer | undefined;
  #final: SipResponse | undefined;

  /** @internal Use {@link DialogLayer.invite}. */
  constructor(
    context: ClientInviteContext,
    readonly request: SipRequest,
    options: ClientInviteOptions,
  ) {
    this.#context = context;
    this.#autoAck = options.autoAck ?? true;
    this.#autoPrack = (options.prack ?? 'auto') === 'auto';
    this.#timerCDelay = options.timerC;
    this.destination = options.destination;
  }

  /** Where the INVITE was sent (after §18.1.1 chose the transport). */
  destination: Destination;

  #sessionId: SessionUuids | undefined;

  /**
   * The Session-ID (RFC 7989) each dialog of this INVITE writes on what it
   * sends (PRACK, ACK, BYE, …); setting it sets theirs. Plain strings.
   */
  get sessionId(): SessionUuids | undefined {
    return this.#sessionId;
  }

  set sessionId(value: SessionUuids | undefined) {
    this.#sessionId = value;
    for (const d of this.#dialogs.values()) d.sessionId = value;
  }

  /** @internal Sends the INVITE. */
  start(): void {
    this.#transaction = this.#context.transactions.sendRequest(this.request, {
      destination: this.destination,
      onEvent: (event) => {
        switch (event.kind) {
          case 'response':
            this.#onResponse(event.response);
            return;
          case 'timeout':
            this.#onFinal(createResponse(this.request, 408));
            return;
          case 'transportError':
            this.#onFinal(createResponse(this.request, 503));
            return;
          case 'terminated':
            this.#onTransactionTerminated();
            return;
        }
      },
    });
    this.destination = this.#transaction.destination;
    this.#armTimerC();
  }

  #armTimerC(): void {
    if (this.#timerCDelay === undefined) return;
    this.#timerC?.cancel();
    this.#timerC = this.#context.clock.setTimer(this.#timerCDelay, () => {
      this.#timerC = undefined;
      if (this.#state !== 'Calling' && this.#state !== 'Proceeding') return;
      // §16.8: CANCEL once a provisional response came (at once, or when one comes), and act as on a 408.
      if (!this.#cancelWanted) {
        this.#cancelWanted = true;
        if (this.#state === 'Proceeding') this.#sendCancel();
      }
      this.#onFinal(createResponse(this.request, 408));
    });
  }

  /** Sets who hears the INVITE's events. */
  onEvent(listener: ((event: ClientInviteEvent) => void) | undefined): void {
    this.#listener = listener;
  }

  /** Where the INVITE stands. */
  get state(): ClientInviteStateName {
    return this.#state;
  }

  /** The dialog of the first 2xx, once answered. */
  get dialog(): Dialog | undefined {
    return this.#answered;
  }

  /** The final response (or the 408/503 that stands for a timeout or transport failure). */
  get finalResponse(): SipResponse | undefined {
    return this.#final;
  }

  /** True once {@link ClientInvite.cancel} was called (a Timer C expiry is a 408, not a cancel of the user's). */
  get cancelled(): boolean {
    return this.#cancelledByUser;
  }

  /**
   * Cancels the INVITE (RFC 3261 §9.1): at once when a provisional response
   * came, else as soon as one comes; nothing when a final response came. A
   * 2xx that still arrives is ACKed and BYEd. If no final response follows
   * within 64·T1, the INVITE is taken as rejected with 408.
   */
  cancel(options: { readonly headers?: ReadonlyArray<readonly [string, string]> } = {}): void {
    if (this.#cancelWanted || this.#state === 'Answered' || this.#state === 'Rejected') return;
    this.#cancelWanted = true;
    this.#cancelledByUser = true;
    this.#cancelHeaders = options.headers ?? [];
    if (this.#state === 'Proceeding') this.#sendCancel();
  }

  #cancelHeaders: ReadonlyArray<readonly [string, string]> = [];

  /**
   * Sends the PRACK of the reliable provisional response with RSeq `rseq`
   * that `dialog` (its early dialog) received (RFC 3262 §4: RAck is that
   * RSeq and the INVITE's CSeq), with the given header fields and body (an
   * offer or answer). Resolves with its final response.
   */
  prack(
    dialog: Dialog,
    rseq: number,
    options: Omit<DialogRequestOptions, 'deferAck' | 'timerC' | 'onTimerC'> = {},
  ): Promise<SipResponse> {
    const rack: readonly [string, string] = [
      'RAck',
      serializeRAck({ rseq, cseq: this.request.cseq.seq, method: 'INVITE' }),
    ];
    return dialog.request('PRACK', { ...options, headers: [...(options.headers ?? []), rack] });
  }

  /**
   * ACKs the 2xx of the answered dialog (RFC 3261 §13.2.2.4), with an
   * optional body (the answer to an offer in the 2xx) and Max-Forwards
   * (default 70, §8.1.1.6).
   */
  ack(
    options: {
      readonly headers?: ReadonlyArray<readonly [string, string]>;
      readonly body?: Uint8Array;
      readonly maxForwards?: number;
    } = {},
  ): SipRequest {
    if (this.#answered === undefined) throw new DialogError('DIALOG_ERR_INVALID_STATE', 'the INVITE was not answered');
    return this.#answered.ack(this.request.cseq.seq, options);
  }

  /**
   * Lets go of this INVITE's objects once its call is over (a B2BUA calls
   * it when the call has ended): its transaction lingers 64·T1 after a 2xx
   * (RFC 6026 Timer M) and from then on keeps only what a late 2xx needs —
   * the ACKs already sent, resent on a retransmission of their 2xx, and for
   * a 2xx of a dialog never seen, an ACK then a BYE (§13.2.2.4) — instead of
   * this object, its dialogs and its final response. The listener is
   * dropped. Does nothing before a final response.
   */
  release(): void {
    const transaction = this.#transaction;
    if (transaction === undefined || (this.#state !== 'Answered' && this.#state !== 'Rejected')) return;
    this.#listener = undefined;
    // Early dialogs of other forks that never got a 2xx end now: nothing will answer their requests any more.
    for (const d of this.#dialogs.values()) if (d.state.name === 'Early') d.terminate('Rejected');
    const seq = this.request.cseq.seq;
    // By the To tag of their 2xx: the ACKs this INVITE sent (usually one; arrays weigh less than a Map).
    const tags: string[] = [];
    const resenders: Array<() => void> = [];
    for (const [tag, dialog] of this.#dialogs) {
      const again = dialog.ackResender(seq);
      if (again === undefined) continue;
      tags.push(ownString(tag));
      resenders.push(again);
    }
    const context = this.#context;
    const protocol = this.destination.protocol;
    const sessionId = this.sessionId;
    transaction.onEvent((event) => {
      if (event.kind !== 'response' || event.response.status < 200 || event.response.status >= 300) return;
      const tag = event.response.to.tag;
      if (tag === undefined) return;
      const known = tags.indexOf(tag);
      if (known >= 0) {
        resenders[known]?.();
        return;
      }
      // A 2xx of a dialog this INVITE never answered (a late fork): ACK it, then BYE.
      const dialog = context.addDialog(
        createUacDialog(transaction.request, event.response, protocol === 'TLS'),
        protocol,
      );
      dialog.sessionId = sessionId;
      dialog.confirmAsUac(event.response);
      dialog.ack(seq);
      void dialog.bye().catch(() => undefined);
      const sent = dialog.ackResender(seq);
      if (sent === undefined) return;
      tags.push(tag);
      resenders.push(sent);
    });
  }

  #sendCancel(): void {
    if (this.#cancelSent || this.#transaction === undefined) return;
    this.#cancelSent = true;
    const cancel = createCancel(this.#transaction.request);
    for (const [name, value] of this.#cancelHeaders) cancel.headers.append(name, value);
    // RFC 7989 §6: the CANCEL carries the Session-ID of the INVITE it cancels.
    const sessionId = this.request.headers.get('Session-ID');
    if (sessionId !== undefined && !cancel.headers.has('Session-ID')) cancel.headers.append('Session-ID', sessionId);
    try {
      this.#context.transactions.sendRequest(cancel, {
        destination: this.#transaction.destination,
        onEvent: () => undefined,
      });
    } catch {
      // The CANCEL could not start (limit reached): the 64·T1 timer below still ends the INVITE.
    }
    // §9.1: without a final response 64·T1 after the CANCEL, the INVITE is taken as failed.
    this.#cancelTimer = this.#context.clock.setTimer(64 * this.#context.timers.t1, () => {
      if (this.#state === 'Calling' || this.#state === 'Proceeding') this.#onFinal(createResponse(this.request, 408));
    });
  }

  #dialogFor(response: SipResponse): Dialog | undefined {
    const tag = response.to.tag;
    if (tag === undefined) return undefined;
    let dialog = this.#dialogs.get(tag);
    if (dialog === undefined) {
      dialog = this.#context.addDialog(
        createUacDialog(this.request, response, this.destination.protocol === 'TLS'),
        this.destination.protocol,
      );
      dialog.sessionId = this.sessionId;
      this.#dialogs.set(tag, dialog);
    }
    return dialog;
  }

  #onResponse(response: SipResponse): void {
    const status = response.status;
    if (status < 200) {
      if (this.#state === 'Calling') this.#state = 'Proceeding';
      // §9.1: a CANCEL asked for before any provisional response goes now.
      if (this.#cancelWanted) this.#sendCancel();
      if (status === 100 || this.#state !== 'Proceeding') return;
      // §16.7 step 2: a provisional response other than 100 restarts Timer C.
      this.#armTimerC();
      const dialog = this.#dialogFor(response);
      const rseq = dialog === undefined ? undefined : reliableRSeq(response);
      if (dialog !== undefined && rseq !== undefined) {
        // RFC 3262 §4: a retransmission, or one not next in RSeq order, is not handed up.
        const last = this.#rseqs.get(dialog.id.remoteTag);
        if (last !== undefined && rseq !== last + 1) return;
        this.#rseqs.set(dialog.id.remoteTag, rseq);
        if (this.#autoPrack) void this.prack(dialog, rseq).catch(() => undefined);
      }
      this.#listener?.({ kind: 'provisional', response, dialog, rseq });
      return;
    }
    if (status >= 300) {
      this.#onFinal(response);
      return;
    }
    const dialog = this.#dialogFor(response);
    if (dialog === undefined) return;
    if (this.#succeeded.has(dialog)) {
      // §13.2.2.4: a retransmission of the 2xx gets the same ACK again.
      dialog.receiveSuccessRetransmission(response);
      return;
    }
    this.#succeeded.add(dialog);
    dialog.confirmAsUac(response);
    if (this.#answered !== undefined || this.#cancelWanted || this.#state === 'Rejected') {
      // §13.2.2.4: a 2xx we do not want (another fork, or after CANCEL) is ACKed, then BYEd.
      dialog.ack(this.request.cseq.seq);
      void dialog.bye().catch(() => undefined);
      this.#listener?.({ kind: 'extraAnswer', response, dialog });
      return;
    }
    this.#answered = dialog;
    this.#state = 'Answered';
    this.#final = response;
    this.#cancelTimer?.cancel();
    this.#timerC?.cancel();
    this.#timerC = undefined;
    if (this.#autoAck) dialog.ack(this.request.cseq.seq);
    this.#listener?.({ kind: 'answered', response, dialog });
  }

  #onFinal(response: SipResponse): void {
    if (this.#state === 'Answered' || this.#state === 'Rejected') return;
    this.#state = 'Rejected';
    this.#final = response;
    this.#cancelTimer?.cancel();
    this.#timerC?.cancel();
    this.#timerC = undefined;
    // §12.3: a non-2xx final response ends every early dialog of the INVITE.
    for (const d of this.#dialogs.values()) if (d.state.name === 'Early') d.terminate('Rejected');
    this.#listener?.({ kind: 'rejected', response });
  }

  #onTransactionTerminated(): void {
    // The INVITE can no longer be answered: early dialogs that never got a 2xx end.
    for (const d of this.#dialogs.values()) if (d.state.name === 'Early') d.terminate('Rejected');
  }
}
