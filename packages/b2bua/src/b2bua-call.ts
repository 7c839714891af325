/**
 * A B2BUA call while it is being set up: one incoming leg and one or more
 * outgoing legs. Provisional and final responses of the outgoing legs are
 * relayed to the incoming one; the first 2xx wins and the other legs are
 * cancelled (a late 2xx of theirs is ACKed and BYEd, RFC 3261 §13.2.2.4);
 * a CANCEL of the caller becomes a CANCEL of every outgoing leg not yet
 * answered (the caller's INVITE gets 487, §9.2); once answered, the two
 * legs are joined by a {@link LegPair}. The `relaySetupResponse` hook may
 * take its time (an SDP answer rewritten by a media relay): a response to
 * the caller then waits for its promise, and the later ones wait behind it.
 *
 * Before the answer, requests in the early dialogs (UPDATE, INFO, PRACK)
 * are relayed by an {@link EarlyDialogRelay}; a reliable provisional
 * response (RFC 3262) reaches the caller reliably when the caller allows
 * it, and its PRACK is relayed. Every outgoing INVITE runs Timer C (RFC 3261
 * §16.6 step 11). Everything the call sends carries the session's
 * Session-ID (RFC 7989).
 */
import {
  DialogError,
  createResponse,
  parseRSeq,
  type ClientInviteEvent,
  type Dialog,
  type DialogLayer,
  type ResponseOptions,
  type ServerInvite,
  type SipMessage,
  type SipResponse,
} from '@sipbreakout/sip-core';
import type {
  B2buaCallEvent,
  B2buaCallOptions,
  B2buaCallStateName,
  B2buaHooks,
  LegFailurePolicy,
  LocalAnswer,
  LocalAnswerResult,
} from './b2bua-call-types.js';
import { CallerRelay } from './caller-relay.js';
import { EarlyDialogRelay } from './early-dialog-relay.js';
import { Leg, type LegTarget } from './leg.js';
import { LegPair } from './leg-pair.js';
import { COMPLETED_ELSEWHERE, answerCaller, sendProvisional } from './local-answer.js';
import { chooseFinalResponse, createOutgoingInvite, statusOfHookError } from './relay-message.js';
import { towardCallee, towardCaller } from './session-id-policy.js';

/** One B2BUA call. */
export class B2buaCall {
  readonly incoming: Leg;
  readonly #layer: DialogLayer;
  #hooks: B2buaHooks;
  readonly #legs: Leg[] = [];
  readonly #failures: Array<{ readonly leg: Leg; readonly response: SipResponse }> = [];
  #state: B2buaCallStateName = 'Trying';
  #winner: Leg | undefined;
  #pair: LegPair | undefined;
  #listener: ((event: B2buaCallEvent) => void) | undefined;
  #provisionalSent = false;
  /** Outgoing legs that got their final response (or a 2xx after their CANCEL). */
  readonly #settled = new Set<Leg>();
  /** The responses relayed to the caller while the call is set up, in order. */
  readonly #toCaller: CallerRelay;
  /** {@link hangUp} was asked while the answer waited for its hook. */
  #hangUpPending = false;
  /** Set by helpers that start legs later (fallback): decides on a leg's failure. */
  failurePolicy: LegFailurePolicy | undefined;
  /**
   * The caller's Session-ID UUID (RFC 7989): the one its INVITE carried, or
   * the one assigned to stand for it when it carried none (§7).
   */
  readonly sessionId: string;
  readonly #timerC: number;
  readonly #early: EarlyDialogRelay;
  /** The outgoing leg whose response the caller got last: the Session-ID toward the caller speaks for it. */
  #facing: Leg | undefined;
  /** The application's own devices ring too: the failure of every outgoing leg does not end the call. */
  #ringingLocally = false;

  constructor(layer: DialogLayer, invite: ServerInvite, options: B2buaCallOptions = {}) {
    this.#layer = layer;
    this.#hooks = options.hooks ?? {};
    this.#timerC = options.timerC ?? layer.timerC;
    this.incoming = Leg.incoming(invite);
    this.incoming.learnSessionUuid(invite.request);
    this.sessionId = this.incoming.ensureSessionUuid();
    this.#stampSessionIds();
    this.#toCaller = new CallerRelay({
      incoming: this.incoming,
      hooks: () => this.#hooks,
      callerUuid: () => this.#callerUuid,
      facing: (from) => {
        this.#facing = from;
        this.#stampSessionIds();
      },
    });
    this.#early = new EarlyDialogRelay({
      incoming: this.incoming,
      hooks: () => this.#hooks,
      received: (leg, message) => this.#received(leg, message),
      callerQueue: () => this.#toCaller.queue,
    });
    invite.onEvent((event) => {
      if (event.kind === 'cancelled' || event.kind === 'byeBeforeAnswer') this.#onCallerCancelled();
      else if (event.kind === 'prackTimeout') this.#onCallerGone(500);
    });
  }

  /** A message came from `leg`: learn the UUID its endpoint gave itself (RFC 7989 §6), and write it from now on. */
  #received(leg: Leg, message: SipMessage): void {
    if (leg.learnSessionUuid(message)) this.#stampSessionIds();
  }

  /**
   * The Session-ID of what the call sends (RFC 7989 §7): toward the caller
   * it speaks for the leg whose response the caller got last (the null UUID
   * before any, as for a response of the B2BUA's own); toward each outgoing
   * leg for the caller, with that leg's endpoint's UUID once known.
   */
  #stampSessionIds(): void {
    const caller = this.#callerUuid;
    if (this.incoming.side.kind === 'incoming')
      this.incoming.side.invite.sessionId = towardCaller(this.#facing, caller);
    for (const leg of this.#legs) {
      if (leg.side.kind === 'outgoing') leg.side.invite.sessionId = towardCallee(caller, leg);
    }
  }

  /** The caller's UUID as last learnt, else the one the call took for it. */
  get #callerUuid(): string {
    return this.incoming.sessionUuid ?? this.sessionId;
  }

  /** Where the call stands. */
  get state(): B2buaCallStateName {
    return this.#state;
  }

  /** Every outgoing leg started, in order. */
  get legs(): readonly Leg[] {
    return this.#legs;
  }

  /** The outgoing leg that answered. */
  get winner(): Leg | undefined {
    return this.#winner;
  }

  /** Sets who hears the call's events. */
  onEvent(listener: (event: B2buaCallEvent) => void): void {
    this.#listener = listener;
  }

  /** The outgoing legs still waiting for a final response. */
  get pendingLegs(): readonly Leg[] {
    return this.#legs.filter(
      (l) =>
        l.side.kind === 'outgoing' &&
        (l.side.invite.state === 'Calling' || l.side.invite.state === 'Proceeding') &&
        !l.side.invite.cancelled,
    );
  }

  /**
   * Starts an outgoing leg toward `target`. Refuses with
   * `DIALOG_ERR_INVALID_STATE` once the call is answered or over. The
   * caller's Max-Forwards of 0 ends the call with 483 (RFC 3261 §16.3).
   */
  addLeg(target: LegTarget): Leg {
    if (this.#state !== 'Trying') throw new DialogError('DIALOG_ERR_INVALID_STATE', `the call is ${this.#state}`);
    const incoming = this.incoming.request;
    if (incoming.maxForwards === 0) {
      this.#fail(createResponse(incoming, 483, { reason: 'Too Many Hops' }));
      throw new DialogError('DIALOG_ERR_INVALID_STATE', 'Max-Forwards is 0');
    }
    const request = createOutgoingInvite(incoming, {
      ...(target.uri === undefined ? {} : { uri: target.uri }),
      sessionId: this.sessionId,
    });
    this.#hooks.outgoingInvite?.(request, { incoming, target });
    // The caller's PRACKs are relayed (RFC 3262): no PRACK of our own unless the caller cannot take the response reliably.
    const invite = this.#layer.invite(request, {
      destination: target.destination,
      autoAck: false,
      prack: 'manual',
      timerC: this.#timerC,
    });
    const leg = Leg.outgoing(invite, target);
    this.#legs.push(leg);
    this.#stampSessionIds();
    invite.onEvent((event) => this.#onLegEvent(leg, event));
    this.#listener?.({ kind: 'legStarted', leg });
    return leg;
  }

  /**
   * Cancels one outgoing leg (RFC 3261 §9.1), with `headers` on the CANCEL
   * (a `Reason`, RFC 3326); its failure does not fail the call while others
   * may answer.
   */
  cancelLeg(leg: Leg, headers?: ReadonlyArray<readonly [string, string]>): void {
    if (leg.side.kind === 'outgoing') leg.side.invite.cancel(headers === undefined ? {} : { headers });
  }

  /** The answered pair of legs (from the answer until the call ends or the pair is released). */
  get pair(): LegPair | undefined {
    return this.#pair;
  }

  /**
   * Answers the caller with the application's own session description
   * (a device that is not a SIP leg answered): every outgoing leg not yet
   * answered is cancelled with `Reason: SIP;cause=200;text="Call completed
   * elsewhere"` (RFC 3326 §2), the caller gets the 2xx, and its leg is
   * held by the application from now on (the call is `Released`). Fails
   * without sending anything when an outgoing leg answered first or the
   * call is over.
   */
  answerLocally(answer: LocalAnswer): LocalAnswerResult {
    if (this.#state === 'Answered') return { answered: false, reason: 'answeredElsewhere' };
    const side = this.incoming.side;
    if (this.#state !== 'Trying' || side.kind !== 'incoming' || side.invite.state !== 'Proceeding')
      return { answered: false, reason: 'over' };
    this.#state = 'Released';
    this.#ringingLocally = false;
    for (const leg of this.#legs) this.cancelLeg(leg, [COMPLETED_ELSEWHERE]);
    this.#early.stop();
    const held = answerCaller(this.incoming, side.invite, answer, this.#layer.clock, this.#callerUuid);
    this.#listener?.({ kind: 'answeredLocally', held });
    this.#releaseIfOver();
    return { answered: true, held };
  }

  /**
   * Sends the caller a provisional response of the application's own (a
   * device it rings is ringing: 180), after those still queued toward the
   * caller; reliably when the caller requires it (RFC 3262). False when the
   * call is no longer being set up.
   */
  provisional(status = 180, options: ResponseOptions = {}): boolean {
    const side = this.incoming.side;
    if (this.#state !== 'Trying' || side.kind !== 'incoming' || side.invite.state !== 'Proceeding') return false;
    if (status <= 100 || status >= 200) throw new DialogError('DIALOG_ERR_INVALID_STATE', `${status} is not 101-199`);
    this.#provisionalSent = true;
    sendProvisional(side.invite, this.#toCaller.queue, status, options);
    return true;
  }

  /**
   * While `ringing` is true, the application's own devices ring beside
   * the outgoing legs: the failure of every outgoing leg does not fail the
   * call (the application answers with {@link B2buaCall.answerLocally} or
   * ends it with {@link B2buaCall.fail}). Set back to false with no
   * outgoing leg left, the call fails as it would have.
   */
  setRingingLocally(ringing: boolean): void {
    this.#ringingLocally = ringing;
    if (!ringing && this.#state === 'Trying' && this.#failures.length > 0 && this.pendingLegs.length === 0) this.fail();
  }

  /**
   * Fails the call while it is being set up: every outgoing leg not yet
   * answered is cancelled, and the caller gets `status`, or without one
   * the best final response of the outgoing legs (RFC 3261 §16.7 step 6),
   * or 480 when none failed. False when the call is no longer being set up.
   */
  fail(status?: number, options: { readonly reason?: string } = {}): boolean {
    if (this.#state !== 'Trying') return false;
    this.#ringingLocally = false;
    for (const leg of this.#legs) this.cancelLeg(leg);
    const best = status === undefined ? this.#bestFailure() : undefined;
    if (best !== undefined) this.#failWith(best.response, best.leg);
    else this.#fail(createResponse(this.incoming.request, status ?? 480, options));
    return true;
  }

  /** Ends the call: BYE on both legs once answered; before, CANCEL every outgoing leg and answer the caller with `status` (487 by default). */
  hangUp(status = 487): void {
    if (this.#pair !== undefined) {
      this.#pair.hangUp();
      this.#state = 'Ended';
      this.#releaseIfOver();
      return;
    }
    if (this.#state === 'Answered') {
      // The answer still waits for its hook: the call ends once it is relayed.
      this.#hangUpPending = true;
      return;
    }
    if (this.#state !== 'Trying') return;
    for (const leg of this.#legs) this.cancelLeg(leg);
    this.#fail(createResponse(this.incoming.request, status));
  }

  #onLegEvent(leg: Leg, event: ClientInviteEvent): void {
    if (event.kind !== 'provisional') this.#settled.add(leg);
    if (event.kind === 'provisional' || event.kind === 'answered') this.#received(leg, event.response);
    this.#dispatchLegEvent(leg, event);
    this.#releaseIfOver();
  }

  #dispatchLegEvent(leg: Leg, event: ClientInviteEvent): void {
    switch (event.kind) {
      case 'provisional':
        this.#onProvisional(leg, event.response, event.dialog, event.rseq);
        return;
      case 'answered':
        this.#onAnswered(leg, event.response);
        return;
      case 'rejected':
        this.#onLegFailed(leg, event.response);
        return;
      case 'extraAnswer':
        return;
    }
  }

  /**
   * A provisional response of `leg`: relayed to the caller (reliably when
   * the callee sent it so, or the caller requires it, and the caller allows
   * it: RFC 3262 §3), its early dialog's requests relayed from then on. A
   * reliable one that does not reach the caller reliably is PRACKed here,
   * or the callee would wait for a PRACK that never comes (§4).
   */
  #onProvisional(leg: Leg, response: SipResponse, dialog: Dialog | undefined, rseq: number | undefined): void {
    if (dialog !== undefined) this.#early.listen(leg, dialog);
    const prackHere = (): void => {
      if (rseq === undefined || dialog === undefined || leg.side.kind !== 'outgoing') return;
      void leg.side.invite.prack(dialog, rseq).catch(() => undefined);
    };
    if (this.#state !== 'Trying') {
      prackHere();
      return;
    }
    this.#provisionalSent = true;
    this.#toCaller.relay(
      response.status,
      response,
      leg,
      (outcome) => {
        const callerRSeq = outcome.kind === 'sent' ? parseRSeq(outcome.response.headers.get('RSeq')) : undefined;
        if (outcome.kind === 'sent')
          this.#early.relayed(leg, dialog, callerRSeq, callerRSeq === undefined ? undefined : rseq);
        if (callerRSeq === undefined) prackHere();
      },
      rseq !== undefined,
    );
  }

  #onAnswered(leg: Leg, response: SipResponse): void {
    if (this.#state !== 'Trying' || leg.side.kind !== 'outgoing') return;
    this.#state = 'Answered';
    this.#winner = leg;
    // The first 2xx wins; the other legs are cancelled, told why (RFC 3326 §2).
    for (const other of this.#legs) if (other !== leg) this.cancelLeg(other, [COMPLETED_ELSEWHERE]);
    const outgoingSeq = leg.side.invite.request.cseq.seq;
    this.#toCaller.relay(response.status, response, leg, (outcome) => {
      if (outcome.kind === 'sent') return this.#join(leg, outgoingSeq);
      // The caller cannot take this answer (it cancelled meanwhile, or the hook failed): the answered leg is ended (§13.2.2.4).
      const dialog = leg.dialog;
      if (dialog !== undefined) {
        if (!dialog.hasAcked(outgoingSeq)) dialog.ack(outgoingSeq);
        if (!dialog.terminated) void dialog.bye().catch(() => undefined);
      }
      if (outcome.kind === 'hookFailed') {
        const status = statusOfHookError(outcome.error);
        if (this.incoming.side.kind === 'incoming' && this.incoming.side.invite.state === 'Proceeding')
          this.incoming.side.invite.respond(status);
        this.#state = 'Failed';
        this.#listener?.({ kind: 'failed', status });
      } else {
        this.#state = 'Cancelled';
        this.#listener?.({ kind: 'cancelled' });
      }
      this.#releaseIfOver();
    });
  }

  /** The answer reached the caller: the two legs are joined. */
  #join(leg: Leg, outgoingSeq: number): void {
    // The pair hears the two answered dialogs from now on; the other early dialogs are no longer relayed.
    const kept = new Set<Dialog>();
    for (const l of [this.incoming, leg]) if (l.dialog !== undefined) kept.add(l.dialog);
    this.#early.stop(kept);
    this.#pair = new LegPair(this.incoming, leg, {
      ...this.#hooks,
      timerC: this.#timerC,
      pendingAcks: [{ on: this.incoming, seq: this.incoming.request.cseq.seq, otherSeq: outgoingSeq }],
      onEnd: (end) => {
        this.#state = 'Ended';
        this.#listener?.({ kind: 'ended', end });
        this.#releaseIfOver();
      },
      onRelease: () => {
        this.#state = 'Released';
        this.#pair = undefined;
        this.#listener?.({ kind: 'released', a: this.incoming, b: leg });
        this.#releaseIfOver();
      },
    });
    this.#listener?.({ kind: 'answered', leg });
    if (this.#hangUpPending) {
      // The answered leg's 2xx is ACKed before its BYE (§13.2.2.4), not left to the caller's ACK.
      const dialog = leg.dialog;
      if (dialog !== undefined && !dialog.hasAcked(outgoingSeq)) dialog.ack(outgoingSeq);
      this.hangUp();
    }
  }

  #onLegFailed(leg: Leg, response: SipResponse): void {
    this.#failures.push({ leg, response });
    this.#listener?.({ kind: 'legFailed', leg, response });
    if (this.#state !== 'Trying') return;
    if (leg.side.kind === 'outgoing' && leg.side.invite.cancelled) {
      // A leg we cancelled: its 487 is not the call's outcome unless nothing else is left.
      if (this.pendingLegs.length > 0 || this.failurePolicy !== undefined || this.#ringingLocally) return;
    }
    if (this.failurePolicy?.(leg, response) === 'continue') return;
    if (this.pendingLegs.length > 0 || this.#ringingLocally) return;
    const best = this.#bestFailure() ?? { leg, response };
    this.#failWith(best.response, best.leg);
  }

  /** The failure the caller gets (§16.7 step 6), the 487s of cancelled legs aside. */
  #bestFailure(): { readonly leg: Leg; readonly response: SipResponse } | undefined {
    const chosen = chooseFinalResponse(this.#failures.map((f) => f.response).filter((r) => r.status !== 487));
    return this.#failures.find((f) => f.response === chosen);
  }

  /** The call fails with `response` of `from`, relayed to the caller. */
  #failWith(response: SipResponse, from: Leg): void {
    this.#toCaller.relay(response.status, response, from);
    this.#state = 'Failed';
    this.#listener?.({ kind: 'failed', status: response.status });
    this.#releaseIfOver();
  }

  #onCallerCancelled(): void {
    if (this.#state !== 'Trying') return;
    this.#state = 'Cancelled';
    // §9.2 for the caller (487 already sent); §9.1 on every outgoing leg not yet answered.
    for (const leg of this.#legs) this.cancelLeg(leg);
    this.#listener?.({ kind: 'cancelled' });
    this.#releaseIfOver();
  }

  /** The caller's INVITE was answered `status` by the UAS core itself (no PRACK came, RFC 3262 §3): the outgoing legs are cancelled. */
  #onCallerGone(status: number): void {
    if (this.#state !== 'Trying') return;
    this.#state = 'Failed';
    for (const leg of this.#legs) this.cancelLeg(leg);
    this.#listener?.({ kind: 'failed', status });
    this.#releaseIfOver();
  }

  #fail(response: SipResponse): void {
    const invite = this.incoming.side.kind === 'incoming' ? this.incoming.side.invite : undefined;
    if (invite !== undefined && invite.state === 'Proceeding') {
      invite.respond(response.status, { reason: response.reason });
    }
    this.#state = 'Failed';
    this.#listener?.({ kind: 'failed', status: response.status });
    this.#releaseIfOver();
  }

  /**
   * Once the call is over and every outgoing leg has its final response, the
   * call lets go of its listener, its hooks and the legs' listeners: the
   * transactions and dialogs that linger 64·T1 after a call (RFC 3261
   * §17, RFC 6026) then keep neither this call nor the user's objects alive.
   */
  #releaseIfOver(): void {
    if (this.#state === 'Trying' || this.#state === 'Answered') return;
    for (const leg of this.#legs) if (!this.#settled.has(leg)) return;
    if (this.#pair === undefined) this.#early.stop();
    this.#listener = undefined;
    this.#hooks = {};
    this.failurePolicy = undefined;
    for (const leg of this.#legs) {
      if (leg.side.kind !== 'outgoing') continue;
      leg.side.invite.onEvent(undefined);
      leg.side.invite.release();
    }
    if (this.incoming.side.kind === 'incoming') this.incoming.side.invite.onEvent(undefined);
  }

  /** True once a provisional response was relayed to the caller. */
  get ringing(): boolean {
    return this.#provisionalSent;
  }
}
