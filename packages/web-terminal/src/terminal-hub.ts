import { randomUUID } from 'node:crypto';
import type { Clock, ClockTimer } from '@sipbreakout/sip-core/clock';
import type { WebTerminalMessage } from './messages.js';
import { outbound } from './outbound-messages.js';
import { readTerminalMessage } from './terminal-command.js';
import type { AttachOutcome, AttachRequest, TerminalStream } from './terminal-attachment.js';
import {
  holdsCall,
  involves,
  isBusy,
  pipePullTarget,
  rememberEnded,
  terminalCallCount,
  type HubCall,
  type NumberState,
  type Terminal,
} from './hub-state.js';
import type { CallOutcome, SdpOutcome, TerminalCallControl, TerminalCallEvents } from './terminal-call-control.js';
import {
  DEFAULT_TERMINAL_LIMITS,
  MessageRateWindow,
  REFUSAL_CODES,
  TERMINAL_REFUSAL_REASONS,
  type TerminalLimits,
  type TerminalRefusal,
  type TerminalRefusalReason,
} from './terminal-limits.js';

/** How to build a {@link TerminalHub}. */
export interface TerminalHubOptions {
  /** Timers of the reattach grace and the rate window. */
  readonly clock: Clock;
  /** The calls. */
  readonly control: TerminalCallControl;
  /** Per-number limits (each defaults as {@link DEFAULT_TERMINAL_LIMITS}). */
  readonly limits?: Partial<TerminalLimits> | undefined;
  /** How long a call of a dropped terminal with an identity waits for it to come back (default 10 000 ms). */
  readonly reattachGraceMs?: number | undefined;
  /** Ids of calls a Pipe places (default `crypto.randomUUID`). */
  readonly newCallId?: (() => string) | undefined;
  /** Told of every refused message. */
  readonly onRefusal?: ((refusal: TerminalRefusal) => void) | undefined;
}

/** Counts, for metrics. */
export interface TerminalHubStats {
  /** Streams attached now. */
  readonly attached: number;
  /** Terminals gone with calls held for their reattach. */
  readonly held: number;
  /** Calls with a terminal in them or offered to them, or observed on the phone. */
  readonly calls: number;
  /** Refused messages since start, by reason. */
  readonly refusals: Readonly<Record<TerminalRefusalReason, number>>;
}

/**
 * The terminals attached to each number and the calls they take part in:
 * the Web Terminal protocol (Pipe and MultiPipe semantics, observing,
 * validation of every inbound message, per-number limits, reattach) over
 * the {@link TerminalCallControl} port. No gRPC: the binding feeds it.
 */
export class TerminalHub implements TerminalCallEvents {
  readonly #clock: Clock;
  readonly #control: TerminalCallControl;
  readonly #limits: TerminalLimits;
  readonly #graceMs: number;
  readonly #newCallId: () => string;
  readonly #onRefusal: ((refusal: TerminalRefusal) => void) | undefined;
  readonly #numbers = new Map<string, NumberState>();
  readonly #refusals = Object.fromEntries(TERMINAL_REFUSAL_REASONS.map((reason) => [reason, 0])) as Record<
    TerminalRefusalReason,
    number
  >;
  #anonymous = 0;

  constructor(options: TerminalHubOptions) {
    this.#clock = options.clock;
    this.#control = options.control;
    this.#limits = { ...DEFAULT_TERMINAL_LIMITS, ...options.limits };
    this.#graceMs = options.reattachGraceMs ?? 10_000;
    this.#newCallId = options.newCallId ?? randomUUID;
    this.#onRefusal = options.onRefusal;
  }

  /** Counts, for metrics. */
  stats(): TerminalHubStats {
    let attached = 0;
    let held = 0;
    let calls = 0;
    for (const state of this.#numbers.values()) {
      calls += state.calls.size;
      for (const terminal of state.terminals.values()) {
        if (terminal.stream !== undefined) attached++;
        else held++;
      }
    }
    return { attached, held, calls, refusals: { ...this.#refusals } };
  }

  /**
   * Attaches a terminal. A Pipe is told at once `InCall` (the number's most
   * recent call elsewhere) or `Idle`; a MultiPipe is told nothing. A
   * terminal coming back under an identity whose calls are held is told
   * `InCall` for each of them (and nothing else), and asks for one with an
   * `Offer` on its `call_id`. A second attach of an identity that is still
   * attached takes over: the older stream is closed and its calls held.
   */
  attach(request: AttachRequest): AttachOutcome {
    const state = this.#state(request.number);
    const key =
      request.identity === undefined ? `anonymous-${++this.#anonymous}` : `${request.kind}:${request.identity}`;
    let terminal = state.terminals.get(key);
    if (terminal?.stream !== undefined) {
      const old = terminal.stream;
      this.#drop(terminal);
      old.close('replaced by a newer attach of the same terminal');
      terminal = state.terminals.get(key);
    }
    const attached = [...state.terminals.values()].filter((t) => t.stream !== undefined).length;
    if (attached >= this.#limits.terminalsPerNumber) {
      if (state.terminals.size === 0 && state.calls.size === 0) this.#numbers.delete(request.number);
      return { ok: false, reason: 'too-many-terminals' };
    }
    if (terminal === undefined) {
      terminal = {
        key,
        number: request.number,
        kind: request.kind,
        identity: request.identity,
        stream: request.stream,
        ended: [],
      };
      state.terminals.set(key, terminal);
      if (terminal.kind === 'pipe') this.#greetPipe(state, terminal);
    } else {
      terminal.stream = request.stream;
      for (const call of state.calls.values()) {
        if (call.place.kind === 'terminal' && call.place.owner === terminal) {
          this.#send(terminal, outbound.inCall(call.callId, call.remote));
        }
      }
    }
    const attachedTerminal = terminal;
    let gone = false;
    return {
      ok: true,
      terminal: {
        key,
        receive: (message) => {
          if (gone || attachedTerminal.stream !== request.stream) return;
          try {
            this.#receive(attachedTerminal, message);
          } catch {
            // A defect here must not end the stream: the message is answered as not understood.
            this.#refuse(attachedTerminal, 'bad-message', typeof message.callId === 'string' ? message.callId : '');
          }
        },
        detach: () => {
          if (gone) return;
          gone = true;
          if (attachedTerminal.stream === request.stream) this.#drop(attachedTerminal);
        },
      },
    };
  }

  // ----- events from the core (TerminalCallEvents) -----

  /** See {@link TerminalCallEvents.offerIncoming}. */
  offerIncoming(request: { number: string; callId: string; caller: string; sdp: string }): readonly string[] {
    const state = this.#state(request.number);
    if (state.calls.has(request.callId) || terminalCallCount(state) >= this.#limits.callsPerNumber) {
      this.#forgetIfEmpty(request.number);
      return [];
    }
    const to = new Set(
      [...state.terminals.values()].filter(
        (t) => t.stream !== undefined && (t.kind === 'multi-pipe' || !isBusy(state, t)),
      ),
    );
    if (to.size === 0) {
      this.#forgetIfEmpty(request.number);
      return [];
    }
    const call: HubCall = {
      callId: request.callId,
      number: request.number,
      remote: request.caller,
      place: { kind: 'offered', to, answering: undefined, sdp: request.sdp },
      puller: undefined,
      announced: new Set(),
    };
    state.calls.set(call.callId, call);
    for (const terminal of to) this.#send(terminal, outbound.offer(call.callId, request.sdp, request.caller));
    return [...to].map((t) => t.key);
  }

  /** See {@link TerminalCallEvents.remoteRinging}. */
  remoteRinging(request: { number: string; callId: string }): void {
    const call = this.#numbers.get(request.number)?.calls.get(request.callId);
    if (call?.place.kind === 'terminal' && call.place.phase === 'outgoing')
      this.#send(call.place.owner, outbound.ringing(call.callId));
  }

  /** See {@link TerminalCallEvents.remoteOffer}. */
  remoteOffer(request: { number: string; callId: string; sdp: string }): boolean {
    const call = this.#numbers.get(request.number)?.calls.get(request.callId);
    if (call?.place.kind !== 'terminal' || call.place.phase === 'outgoing' || call.place.grace !== undefined)
      return false;
    const owner = call.place.owner;
    if (owner.stream === undefined) return false;
    call.place.awaitingAnswer = true;
    this.#send(owner, outbound.offer(call.callId, request.sdp));
    return true;
  }

  /** See {@link TerminalCallEvents.callOnPhone}. */
  callOnPhone(request: { number: string; callId: string; remote: string }): void {
    const state = this.#state(request.number);
    let call = state.calls.get(request.callId);
    if (call === undefined) {
      call = {
        callId: request.callId,
        number: request.number,
        remote: request.remote,
        place: { kind: 'phone' },
        puller: undefined,
        announced: new Set(),
      };
      state.calls.set(call.callId, call);
    } else if (call.place.kind === 'offered') {
      for (const terminal of call.place.to) this.#send(terminal, outbound.bye(call.callId));
      call.place = { kind: 'phone' };
    } else if (call.place.kind === 'terminal') {
      call.place.grace?.cancel();
      call.place = { kind: 'phone' };
    }
    this.#announce(state, call);
  }

  /** See {@link TerminalCallEvents.callEnded}. */
  callEnded(request: { number: string; callId: string }): void {
    const state = this.#numbers.get(request.number);
    const call = state?.calls.get(request.callId);
    if (state === undefined || call === undefined) return;
    this.#end(state, call);
  }

  // ----- the terminal's messages -----

  #receive(terminal: Terminal, message: WebTerminalMessage): void {
    const state = this.#state(terminal.number);
    const callId = typeof message.callId === 'string' ? message.callId : '';
    const refuse = (reason: TerminalRefusalReason): void => this.#refuse(terminal, reason, callId);
    const rate = state.rate.take(this.#clock.now(), this.#limits.messagesPerSecond);
    if (rate !== 'ok') {
      this.#refusals['rate-limit']++;
      if (rate === 'refuse') this.#refuse(terminal, 'rate-limit', callId, false);
      else
        this.#onRefusal?.({
          number: terminal.number,
          terminal: terminal.key,
          reason: 'rate-limit',
          code: undefined,
          callId,
        });
      return;
    }
    const command = readTerminalMessage(message, terminal.kind === 'multi-pipe', this.#limits.maxSdpLength);
    switch (command.kind) {
      case 'refuse':
        return refuse(command.reason);
      case 'call':
        return this.#placeCall(state, terminal, callId, command.callee, command.sdp, refuse);
      case 'pull':
        return this.#pull(state, terminal, callId, command.sdp, refuse);
      case 'answer': {
        const call = this.#callOf(state, terminal, callId);
        if (call === undefined) return refuse(terminal.kind === 'pipe' ? 'answer-without-offer' : 'unknown-call');
        return this.#answer(state, terminal, call, command.sdp, refuse);
      }
      case 'ringing': {
        const call = this.#callOf(state, terminal, callId);
        if (call === undefined) return refuse(terminal.kind === 'pipe' ? 'answer-without-offer' : 'unknown-call');
        if (call.place.kind !== 'offered' || !call.place.to.has(terminal)) return refuse('answer-without-offer');
        this.#tell(() => this.#control.ringing({ number: call.number, callId: call.callId, terminal: terminal.key }));
        return;
      }
      case 'bye': {
        const call = this.#callOf(state, terminal, callId);
        if (call === undefined) {
          // Both ends hung up at once, or a Pipe with nothing to end: nothing to do.
          if (terminal.kind === 'pipe' || terminal.ended.includes(callId)) return;
          return refuse('unknown-call');
        }
        return this.#bye(state, terminal, call, refuse);
      }
      case 'to-phone': {
        const call = this.#callOf(state, terminal, callId);
        if (call?.place.kind !== 'terminal' || call.place.owner !== terminal || call.place.grace !== undefined)
          return refuse('not-in-call');
        if (call.place.phase !== 'active' || call.puller !== undefined) return refuse('offer-race');
        return this.#push(state, terminal, call);
      }
    }
  }

  /** The call a message is about: MultiPipe by `call_id`; Pipe its one call (in it, offered it, or pulling it). */
  #callOf(state: NumberState, terminal: Terminal, callId: string): HubCall | undefined {
    if (terminal.kind === 'multi-pipe') return state.calls.get(callId);
    for (const call of state.calls.values()) if (involves(call, terminal)) return call;
    return undefined;
  }

  #placeCall(
    state: NumberState,
    terminal: Terminal,
    requestedId: string,
    callee: string,
    sdp: string,
    refuse: (reason: TerminalRefusalReason) => void,
  ): void {
    if (terminal.kind === 'pipe' && isBusy(state, terminal)) return refuse('busy');
    const callId = terminal.kind === 'pipe' ? this.#newCallId() : requestedId;
    if (state.calls.has(callId)) return refuse('offer-race');
    if (terminalCallCount(state) >= this.#limits.callsPerNumber) return refuse('call-limit');
    const call: HubCall = {
      callId,
      number: terminal.number,
      remote: callee,
      place: { kind: 'terminal', owner: terminal, phase: 'outgoing', awaitingAnswer: false, grace: undefined },
      puller: undefined,
      announced: new Set(),
    };
    state.calls.set(callId, call);
    this.#announce(state, call);
    const place = call.place;
    this.#settle(
      () => this.#control.startOutgoing({ number: call.number, callId, terminal: terminal.key, callee, sdp }),
      (outcome: SdpOutcome) => {
        if (call.place !== place || place.kind !== 'terminal' || place.phase !== 'outgoing') return;
        if (!outcome.ok) return this.#end(state, call);
        place.phase = 'active';
        if (terminal.stream !== undefined) return this.#send(terminal, outbound.answer(callId, outcome.sdp));
        // The stream dropped while the call was being set up: it had no media yet, nothing to keep.
        this.#hangup(call, terminal, 'stream-lost');
        this.#end(state, call);
      },
    );
  }

  /** An Offer without a callee: take a call onto this terminal (a pull, or asking back for its own after a reattach). */
  #pull(
    state: NumberState,
    terminal: Terminal,
    callId: string,
    sdp: string,
    refuse: (reason: TerminalRefusalReason) => void,
  ): void {
    const call = terminal.kind === 'multi-pipe' ? state.calls.get(callId) : pipePullTarget(state, terminal);
    if (call === undefined) return refuse(terminal.kind === 'multi-pipe' ? 'unknown-call' : 'not-in-call');
    if (call.place.kind === 'offered' || call.puller !== undefined) return refuse('offer-race');
    const place = call.place;
    const own = place.kind === 'terminal' && place.owner === terminal;
    if (place.kind === 'terminal' && (place.phase !== 'active' || (own && place.grace === undefined)))
      return refuse('offer-race');
    if (!own && terminal.kind === 'pipe' && isBusy(state, terminal)) return refuse('busy');
    if (!own && terminalCallCount(state) >= this.#limits.callsPerNumber && place.kind === 'phone')
      return refuse('call-limit');
    if (own) {
      place.grace?.cancel();
      place.grace = undefined;
    }
    call.puller = terminal;
    this.#settle(
      () => this.#control.pullToTerminal({ number: call.number, callId: call.callId, terminal: terminal.key, sdp }),
      (outcome: SdpOutcome) => {
        if (call.puller !== terminal || state.calls.get(call.callId) !== call) return;
        call.puller = undefined;
        if (!outcome.ok) {
          this.#send(terminal, outbound.bye(call.callId));
          // A reattach that the core could not complete: the call had no media left, it ends.
          if (own && call.place === place) this.#end(state, call);
          this.#sweep(state);
          return;
        }
        const before = call.place;
        call.place = { kind: 'terminal', owner: terminal, phase: 'active', awaitingAnswer: false, grace: undefined };
        call.announced.delete(terminal);
        if (before.kind === 'terminal' && before.owner !== terminal) {
          before.grace?.cancel();
          rememberEnded(before.owner, call.callId);
          this.#send(before.owner, outbound.bye(call.callId));
          this.#announce(state, call);
          this.#sweep(state);
        }
        if (terminal.stream === undefined) return this.#lose(state, terminal, call);
        this.#send(terminal, outbound.answer(call.callId, outcome.sdp));
      },
    );
  }

  #answer(
    state: NumberState,
    terminal: Terminal,
    call: HubCall,
    sdp: string,
    refuse: (reason: TerminalRefusalReason) => void,
  ): void {
    const place = call.place;
    if (place.kind === 'terminal' && place.owner === terminal && place.awaitingAnswer) {
      place.awaitingAnswer = false;
      this.#tell(() =>
        this.#control.answerRenegotiation({ number: call.number, callId: call.callId, terminal: terminal.key, sdp }),
      );
      return;
    }
    if (place.kind !== 'offered' || !place.to.has(terminal)) return refuse('answer-without-offer');
    if (place.answering !== undefined) {
      // Another terminal's answer is already with the core: first answer wins.
      place.to.delete(terminal);
      rememberEnded(terminal, call.callId);
      this.#send(terminal, outbound.bye(call.callId));
      return;
    }
    place.answering = terminal;
    this.#settle(
      () => this.#control.answerIncoming({ number: call.number, callId: call.callId, terminal: terminal.key, sdp }),
      (outcome: CallOutcome) => {
        if (call.place !== place || place.answering !== terminal) return;
        place.answering = undefined;
        if (!outcome.ok) {
          place.to.delete(terminal);
          rememberEnded(terminal, call.callId);
          this.#send(terminal, outbound.bye(call.callId));
          if (place.to.size === 0) this.#end(state, call);
          else this.#sweep(state);
          return;
        }
        for (const other of place.to) if (other !== terminal) this.#send(other, outbound.bye(call.callId));
        call.place = { kind: 'terminal', owner: terminal, phase: 'active', awaitingAnswer: false, grace: undefined };
        this.#announce(state, call);
        if (terminal.stream === undefined) this.#lose(state, terminal, call);
      },
    );
  }

  #bye(state: NumberState, terminal: Terminal, call: HubCall, refuse: (reason: TerminalRefusalReason) => void): void {
    const place = call.place;
    if (place.kind === 'offered' && place.to.has(terminal)) {
      place.to.delete(terminal);
      if (place.answering === terminal) place.answering = undefined;
      rememberEnded(terminal, call.callId);
      this.#hangup(call, terminal, 'bye');
      if (place.to.size === 0) this.#forget(state, call);
      return;
    }
    if (place.kind === 'terminal' && place.owner === terminal) {
      this.#hangup(call, terminal, 'bye');
      this.#end(state, call, terminal);
      return;
    }
    // A Bye on a call the terminal only observes or is pulling: the call is not its to end.
    refuse(call.puller === terminal ? 'offer-race' : 'not-in-call');
  }

  #push(state: NumberState, terminal: Terminal, call: HubCall): void {
    const place = call.place;
    if (place.kind !== 'terminal') return;
    place.phase = 'pushing';
    this.#settle(
      () => this.#control.pushToPhone({ number: call.number, callId: call.callId, terminal: terminal.key }),
      (outcome: CallOutcome) => {
        if (call.place !== place || state.calls.get(call.callId) !== call) return;
        if (!outcome.ok) {
          place.phase = 'active';
          this.#send(terminal, outbound.error(call.callId, 'TRY_AGAIN'));
          return;
        }
        call.place = { kind: 'phone' };
        this.#announce(state, call);
      },
    );
  }

  // ----- drop, reattach, end -----

  #drop(terminal: Terminal): void {
    const state = this.#state(terminal.number);
    terminal.stream = undefined;
    for (const call of [...state.calls.values()]) {
      const place = call.place;
      call.announced.delete(terminal);
      if (place.kind === 'offered' && place.to.has(terminal)) {
        // An answer with the core is left to settle: if it wins, the call is lost or held like any other.
        if (place.answering === terminal) continue;
        place.to.delete(terminal);
        this.#hangup(call, terminal, 'stream-lost');
        if (place.to.size === 0) this.#forget(state, call);
      } else if (place.kind === 'terminal' && place.owner === terminal) {
        if (place.phase === 'outgoing') {
          this.#hangup(call, terminal, 'stream-lost');
          this.#end(state, call, terminal);
        } else {
          this.#lose(state, terminal, call);
        }
      }
    }
    if (!holdsCall(state, terminal)) state.terminals.delete(terminal.key);
    this.#forgetIfEmpty(terminal.number);
  }

  /** A call whose terminal has no stream: held for the grace when the terminal has an identity, else ended. */
  #lose(state: NumberState, terminal: Terminal, call: HubCall): void {
    const place = call.place;
    if (place.kind !== 'terminal') return;
    place.awaitingAnswer = false;
    if (terminal.identity === undefined) {
      this.#hangup(call, terminal, 'stream-lost');
      this.#end(state, call, terminal);
      return;
    }
    place.grace?.cancel();
    place.grace = this.#clock.setTimer(this.#graceMs, () => {
      if (call.place !== place || state.calls.get(call.callId) !== call) return;
      place.grace = undefined;
      this.#hangup(call, terminal, 'stream-lost');
      this.#end(state, call);
    });
  }

  /** The call is over: `Bye` to the terminals in it (but `except`), `Idle` to those told of it. */
  #end(state: NumberState, call: HubCall, except?: Terminal): void {
    const place = call.place;
    const parties: Terminal[] = [];
    if (place.kind === 'offered') parties.push(...place.to);
    if (place.kind === 'terminal') {
      place.grace?.cancel();
      parties.push(place.owner);
    }
    if (call.puller !== undefined) parties.push(call.puller);
    for (const terminal of parties) {
      rememberEnded(terminal, call.callId);
      if (terminal !== except) this.#send(terminal, outbound.bye(call.callId));
    }
    for (const terminal of call.announced) {
      if (!parties.includes(terminal)) this.#send(terminal, outbound.idle(call.callId));
    }
    this.#forget(state, call);
  }

  #forget(state: NumberState, call: HubCall): void {
    if (state.calls.get(call.callId) === call) state.calls.delete(call.callId);
    this.#sweep(state);
    this.#forgetIfEmpty(call.number);
  }

  /** Forgets gone terminals that no longer hold a call. */
  #sweep(state: NumberState): void {
    for (const terminal of [...state.terminals.values()]) {
      if (terminal.stream === undefined && !holdsCall(state, terminal)) state.terminals.delete(terminal.key);
    }
  }

  // ----- helpers -----

  /** Tells every attached terminal not in the call, and not yet told, that the number is in it. */
  #announce(state: NumberState, call: HubCall): void {
    for (const terminal of state.terminals.values()) {
      if (terminal.stream === undefined || involves(call, terminal) || call.announced.has(terminal)) continue;
      call.announced.add(terminal);
      this.#send(terminal, outbound.inCall(call.callId, call.remote));
    }
  }

  #greetPipe(state: NumberState, terminal: Terminal): void {
    let latest: HubCall | undefined;
    for (const call of state.calls.values()) if (call.place.kind !== 'offered') latest = call;
    if (latest === undefined) return this.#send(terminal, { idle: {} });
    latest.announced.add(terminal);
    this.#send(terminal, outbound.inCall(latest.callId, latest.remote));
  }

  #refuse(terminal: Terminal, reason: TerminalRefusalReason, callId: string, count = true): void {
    if (count) this.#refusals[reason]++;
    const code = REFUSAL_CODES[reason];
    this.#send(terminal, outbound.error(callId, code));
    this.#onRefusal?.({ number: terminal.number, terminal: terminal.key, reason, code, callId });
  }

  #send(terminal: Terminal, message: WebTerminalMessage): void {
    terminal.stream?.send(message);
  }

  /** Runs `then` when `promise` settles; a rejection is a failure. */
  #settle<T extends SdpOutcome | CallOutcome>(request: () => Promise<T>, then: (outcome: T) => void): void {
    let promise: Promise<T>;
    try {
      promise = request();
    } catch (error) {
      promise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    promise
      .then(then, (error: unknown) =>
        then({ ok: false, reason: error instanceof Error ? error.message : 'call control failed' } as T),
      )
      .catch(() => {
        // `then` only sends to streams that do not throw; nothing is left to undo here.
      });
  }

  #hangup(call: HubCall, terminal: Terminal, cause: 'bye' | 'stream-lost'): void {
    this.#tell(() => this.#control.hangup({ number: call.number, callId: call.callId, terminal: terminal.key, cause }));
  }

  /** A one-way request to the core; a throwing implementation must not break the terminal's stream. */
  #tell(request: () => void): void {
    try {
      request();
    } catch {
      // The core's fault, not the terminal's: the hub's own state is already consistent.
    }
  }

  #state(number: string): NumberState {
    let state = this.#numbers.get(number);
    if (state === undefined) {
      state = { terminals: new Map(), calls: new Map(), rate: new MessageRateWindow() };
      this.#numbers.set(number, state);
    }
    return state;
  }

  #forgetIfEmpty(number: string): void {
    const state = this.#numbers.get(number);
    if (state !== undefined && state.terminals.size === 0 && state.calls.size === 0) this.#numbers.delete(number);
  }
}
