/**
 * The UAS core's side of an INVITE outside any dialog (RFC 3261 §13.3): one
 * To tag for every response, the early dialog from the first 101–299
 * response (§12.1.1), the 2xx retransmitted until its ACK (§13.3.1.4),
 * CANCEL answered and the INVITE ended with 487 (§9.2), a BYE in the early
 * dialog ending it with 487 too (§15.1.2), and reliable provisional
 * responses (RFC 3262 §3): retransmitted until their PRACK, a second one
 * held until the first is acknowledged, a 2xx held while one with a body
 * is not.
 */
import type { ClockTimer } from '../clock.js';
import type { SipRequest, SipResponse } from '../message.js';
import type { ServerTransaction } from '../transaction/transaction-handles.js';
import { createResponse, createTag } from '../transaction/transaction-messages.js';
import type { Dialog } from './dialog.js';
import type { DialogContext } from './dialog-types.js';
import type { ResponseOptions } from './incoming-request.js';
import { DialogError } from './dialog-error.js';
import { type DialogState, createUasDialog } from './dialog-state.js';
import {
  OPTION_100REL,
  type ReliableProvisionalAction,
  type ReliableProvisionalState,
  initialRSeq,
  listsOptionTag,
  parseRAck,
  serializeRSeq,
  startReliableProvisional,
  stepReliableProvisional,
} from './reliable-provisional.js';
import { driveRetransmission } from './retransmission-driver.js';
import { type SessionUuids, withSessionId } from './session-uuids.js';

/** States of an incoming INVITE, as the UAS core sees it. */
export type ServerInviteStateName = 'Proceeding' | 'Answered' | 'Rejected';

/** What an incoming INVITE tells its user. */
export type ServerInviteEvent =
  /** The caller cancelled (§9.2): the CANCEL got 200 and the INVITE 487. */
  | { readonly kind: 'cancelled'; readonly request: SipRequest }
  /** The caller sent BYE in the early dialog (§15.1.2): the INVITE got 487. */
  | { readonly kind: 'byeBeforeAnswer'; readonly request: SipRequest | undefined }
  /** The ACK of our 2xx (§13.3.1.4), with its body when it carries the answer. */
  | { readonly kind: 'acked'; readonly ack: SipRequest }
  /** No ACK for our 2xx within 64·T1: the dialog was ended with a BYE (§13.3.1.4). */
  | { readonly kind: 'ackTimeout' }
  /** No PRACK for a reliable provisional response within 64·T1: the INVITE was answered 500 (RFC 3262 §3). */
  | { readonly kind: 'prackTimeout' };

/** Options of {@link ServerInvite.respond}. */
export interface ServerInviteResponseOptions extends ResponseOptions {
  /**
   * For 101–199: send it reliably (RFC 3262 §3, `Require: 100rel` and an
   * RSeq), which the INVITE must allow (`Supported` or `Require: 100rel`).
   * Default: reliably when the INVITE requires it, else not.
   */
  readonly reliable?: boolean;
}

/** A reliable provisional response sent and not yet acknowledged. */
interface UnacknowledgedProvisional {
  state: ReliableProvisionalState;
  timer: ClockTimer | undefined;
  readonly response: SipResponse;
  /** It carried a body (an offer or answer): a 2xx waits for its PRACK (RFC 3262 §3). */
  readonly withBody: boolean;
}

/** What a {@link ServerInvite} needs from the dialog layer. */
export interface ServerInviteContext extends DialogContext {
  addDialog(state: DialogState, protocol: ServerTransaction['source']['protocol']): Dialog;
  /** The INVITE got its final response: a CANCEL now only needs its To tag (§9.2). */
  inviteSettled(invite: ServerInvite): void;
}

/** An INVITE received outside any dialog, waiting for the user's responses. */
export class ServerInvite {
  /** The To tag of every response we send to it (one dialog per INVITE on this side). */
  readonly localTag = createTag();
  readonly #context: ServerInviteContext;
  #listener: ((event: ServerInviteEvent) => void) | undefined;
  #state: ServerInviteStateName = 'Proceeding';
  #dialog: Dialog | undefined;
  /** The RSeq of the last reliable provisional response (RFC 3262 §3); undefined before the first. */
  #rseq: number | undefined;
  /** Whether the first reliable provisional response was acknowledged: until then no second one goes (§3). */
  #firstAcknowledged = false;
  readonly #unacknowledged = new Map<number, UnacknowledgedProvisional>();
  /** Responses held behind an unacknowledged reliable provisional response, in order, each with what follows its sending. */
  readonly #held: Array<{ readonly response: SipResponse; readonly sent: () => void }> = [];
  #sessionId: SessionUuids | undefined;

  /** @internal Created by the {@link DialogLayer}. */
  constructor(
    context: ServerInviteContext,
    readonly request: SipRequest,
    readonly transaction: ServerTransaction,
  ) {
    this.#context = context;
  }

  /** Where the INVITE stands. */
  get state(): ServerInviteStateName {
    return this.#state;
  }

  /** The dialog, once a 101–299 response was sent. */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /** Sets who hears the INVITE's events. */
  onEvent(listener: ((event: ServerInviteEvent) => void) | undefined): void {
    this.#listener = listener;
  }

  /**
   * The Session-ID (RFC 7989) written on every response to this INVITE
   * that does not carry one already (the 487 of a CANCEL too), and on what
   * its dialog sends. Plain strings; undefined writes none.
   */
  get sessionId(): SessionUuids | undefined {
    return this.#sessionId;
  }

  set sessionId(value: SessionUuids | undefined) {
    this.#sessionId = value;
    if (this.#dialog !== undefined) this.#dialog.sessionId = value;
  }

  /** True when the INVITE allows reliable provisional responses (RFC 3262 §3: `Supported` or `Require: 100rel`). */
  get supportsReliableProvisional(): boolean {
    return listsOptionTag(this.request, 'Supported', OPTION_100REL) || this.requiresReliableProvisional;
  }

  /** True when the INVITE requires every provisional response but 100 to be reliable (`Require: 100rel`). */
  get requiresReliableProvisional(): boolean {
    return listsOptionTag(this.request, 'Require', OPTION_100REL);
  }

  /**
   * Sends a response. 101–299 create the early dialog and carry our Contact
   * (§12.1.1); a 2xx confirms it and is retransmitted until its ACK
   * (§13.3.1.4); 300–699 end it (§12.3). A reliable provisional response
   * (RFC 3262 §3) carries `Require: 100rel` and the next RSeq and is
   * retransmitted until its PRACK; while the first is unacknowledged the
   * responses after it wait (a second reliable one may not go before), and
   * so does a 2xx while any with a body is; a 3xx–6xx goes at once and
   * drops what waits. Throws `DIALOG_ERR_INVALID_STATE` after a final
   * response, `DIALOG_ERR_NO_100REL` for a reliable response the INVITE
   * does not allow.
   */
  respond(status: number, options: ServerInviteResponseOptions = {}): SipResponse {
    if (this.#state !== 'Proceeding')
      throw new DialogError('DIALOG_ERR_INVALID_STATE', `the INVITE was ${this.#state.toLowerCase()} already`);
    const provisional = status > 100 && status < 200;
    const reliable = provisional && (options.reliable === true || this.requiresReliableProvisional);
    if (
      (reliable || (status === 100 && options.reliable === true)) &&
      !(provisional && this.supportsReliableProvisional)
    ) {
      throw new DialogError('DIALOG_ERR_NO_100REL');
    }
    const headers: Array<readonly [string, string]> = [];
    const establishing = status > 100 && status < 300;
    if (establishing) headers.push(['Contact', this.#context.contactFor(this.transaction.source.protocol)]);
    if (options.headers !== undefined) headers.push(...options.headers);
    let rseq: number | undefined;
    if (reliable) {
      rseq = this.#rseq === undefined ? initialRSeq() : this.#rseq + 1;
      this.#rseq = rseq;
      headers.push(['Require', OPTION_100REL], ['RSeq', serializeRSeq(rseq)]);
    }
    const response = createResponse(this.request, status, {
      headers: [...(withSessionId(headers, this.sessionId) ?? headers)],
      ...(status > 100 ? { toTag: this.localTag } : {}),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    if (establishing && this.#dialog === undefined) {
      const dialog = this.#context.addDialog(
        createUasDialog(this.request, this.localTag, this.transaction.source.protocol === 'TLS'),
        this.transaction.source.protocol,
      );
      dialog.sessionId = this.sessionId;
      dialog.onEarlyBye = () => {
        if (this.#state !== 'Proceeding') return;
        const listener = this.#listener;
        this.respond(487);
        listener?.({ kind: 'byeBeforeAnswer', request: undefined });
      };
      dialog.onPrack = (prack) => this.#receivePrack(prack);
      this.#dialog = dialog;
    }
    if (status >= 200) this.#state = status < 300 ? 'Answered' : 'Rejected';
    const dialog = this.#dialog;
    if (status >= 300) {
      // A 3xx–6xx ends everything at once: what waited is dropped, and nothing is retransmitted any more.
      this.#held.length = 0;
      this.#stopRetransmissions();
      this.transaction.respond(response);
      this.#context.inviteSettled(this);
      // A rejected INVITE tells nothing more (a CANCEL now only gets its 200): let the listener go.
      this.#listener = undefined;
      if (dialog !== undefined) {
        dialog.onEarlyBye = undefined;
        dialog.onPrack = undefined;
        dialog.terminate('Rejected');
      }
      return response;
    }
    const sent = (): void => {
      if (rseq !== undefined) this.#startRetransmission(rseq, response);
      if (status < 200) return;
      // The 2xx went: nothing is acknowledged by PRACK any more (a later one gets 481).
      this.#stopRetransmissions();
      this.#context.inviteSettled(this);
      if (dialog === undefined) return;
      dialog.onEarlyBye = undefined;
      dialog.onPrack = undefined;
      dialog.startSuccessRetransmission(response, this.transaction, {
        onAck: (ack) => this.#tellLast({ kind: 'acked', ack }),
        onGiveUp: () => this.#tellLast({ kind: 'ackTimeout' }),
      });
    };
    if (this.#held.length > 0 || this.#mustWait(status, rseq !== undefined)) this.#held.push({ response, sent });
    else {
      this.transaction.respond(response);
      sent();
    }
    return response;
  }

  /**
   * Whether a response must wait (RFC 3262 §3): a reliable provisional one
   * while the first is unacknowledged, a 2xx while one with a body is.
   */
  #mustWait(status: number, reliable: boolean): boolean {
    if (reliable) return this.#rseq !== undefined && !this.#firstAcknowledged && this.#unacknowledged.size > 0;
    if (status >= 200 && status < 300) {
      for (const p of this.#unacknowledged.values()) if (p.withBody) return true;
    }
    return false;
  }

  /** Sends what waited and may go now, in order. With `all`, everything (the PRACK will not come). */
  #release(all = false): void {
    for (let next = this.#held[0]; next !== undefined; next = this.#held[0]) {
      if (!all && this.#mustWait(next.response.status, next.response.headers.has('RSeq'))) return;
      this.#held.shift();
      this.transaction.respond(next.response);
      next.sent();
    }
  }

  #startRetransmission(rseq: number, response: SipResponse): void {
    const started = startReliableProvisional(this.#context.clock.now(), this.#context.timers.t1);
    const pending: UnacknowledgedProvisional = {
      state: started.state,
      timer: undefined,
      response,
      withBody: response.body.length > 0,
    };
    this.#unacknowledged.set(rseq, pending);
    this.#performReliable(rseq, pending, started.actions);
  }

  #performReliable(
    rseq: number,
    pending: UnacknowledgedProvisional,
    actions: readonly ReliableProvisionalAction[],
  ): void {
    driveRetransmission(pending, actions, {
      clock: this.#context.clock,
      onTimer: (state, now) => stepReliableProvisional(state, { kind: 'timer' }, now),
      retransmit: () => {
        if (this.transaction.state === 'Proceeding') this.transaction.respond(pending.response);
      },
      giveUp: () => {
        this.#unacknowledged.delete(rseq);
        this.#onPrackTimeout();
      },
    });
  }

  /** §3: 64·T1 without the PRACK: the INVITE is answered 500; a 2xx that waited goes after all. */
  #onPrackTimeout(): void {
    if (this.#state === 'Proceeding') {
      const listener = this.#listener;
      this.respond(500, { reason: 'Provisional Response Not Acknowledged' });
      listener?.({ kind: 'prackTimeout' });
      return;
    }
    this.#release(true);
  }

  #stopRetransmissions(): void {
    for (const p of this.#unacknowledged.values()) {
      const step = stepReliableProvisional(p.state, { kind: 'final' }, this.#context.clock.now());
      p.state = step.state;
      p.timer?.cancel();
      p.timer = undefined;
    }
    this.#unacknowledged.clear();
  }

  /** A PRACK in the early dialog (RFC 3262 §3): true when it acknowledges a reliable provisional response still unacknowledged. */
  #receivePrack(prack: SipRequest): boolean {
    const rack = parseRAck(prack.headers.get('RAck'));
    if (rack === undefined || rack.method !== 'INVITE' || rack.cseq !== this.request.cseq.seq) return false;
    const pending = this.#unacknowledged.get(rack.rseq);
    if (pending === undefined) return false;
    const step = stepReliableProvisional(pending.state, { kind: 'prack' }, this.#context.clock.now());
    pending.state = step.state;
    this.#performReliable(rack.rseq, pending, step.actions);
    this.#unacknowledged.delete(rack.rseq);
    this.#firstAcknowledged = true;
    this.#release();
    return true;
  }

  /** @internal A CANCEL matched to this INVITE (§9.2). */
  receiveCancel(cancel: SipRequest, transaction: ServerTransaction): void {
    // §9.2: the CANCEL gets 200 with the To tag the INVITE's responses carry.
    transaction.respond(
      createResponse(cancel, 200, { toTag: this.localTag, headers: [...(withSessionId([], this.sessionId) ?? [])] }),
    );
    if (this.#state !== 'Proceeding') return;
    const listener = this.#listener;
    this.respond(487);
    listener?.({ kind: 'cancelled', request: cancel });
  }

  /**
   * The INVITE's last event: after it the listener is dropped, so that the
   * user's objects are not kept while the transaction lingers (Timer L, 64·T1).
   */
  #tellLast(event: ServerInviteEvent): void {
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.(event);
  }
}
