import type { Clock } from '@sipbreakout/sip-core/clock';
import type { WebTerminalMessage } from './messages.js';
import { outbound } from './outbound-messages.js';
import { holdsCall, involves, rememberEnded, type HubCall, type NumberState, type Terminal } from './hub-state.js';
import { tell } from './port-requests.js';
import type { TerminalCallControl } from './terminal-call-control.js';
import {
  MessageRateWindow,
  REFUSAL_CODES,
  TERMINAL_REFUSAL_REASONS,
  type TerminalLimits,
  type TerminalRefusal,
  type TerminalRefusalReason,
} from './terminal-limits.js';

/** What the hub is built with, its defaults applied. */
export interface HubSettings {
  readonly clock: Clock;
  readonly control: TerminalCallControl;
  readonly limits: TerminalLimits;
  readonly graceMs: number;
  readonly newCallId: () => string;
  readonly onRefusal: ((refusal: TerminalRefusal) => void) | undefined;
}

/**
 * What every side of the hub shares: the numbers it holds, what terminals
 * are told (messages, `InCall` announcements, refusals and their counts), and
 * how a call ends and is forgotten. The terminal's messages, the core's
 * events and a stream's life all act through it. Internal to the package:
 * {@link TerminalHub} keeps it private.
 */
export class HubCore {
  readonly clock: Clock;
  readonly control: TerminalCallControl;
  readonly limits: TerminalLimits;
  readonly graceMs: number;
  readonly newCallId: () => string;
  readonly #onRefusal: ((refusal: TerminalRefusal) => void) | undefined;
  readonly #numbers = new Map<string, NumberState>();
  readonly #refusals = Object.fromEntries(TERMINAL_REFUSAL_REASONS.map((reason) => [reason, 0])) as Record<
    TerminalRefusalReason,
    number
  >;

  constructor(settings: HubSettings) {
    this.clock = settings.clock;
    this.control = settings.control;
    this.limits = settings.limits;
    this.graceMs = settings.graceMs;
    this.newCallId = settings.newCallId;
    this.#onRefusal = settings.onRefusal;
  }

  // ----- the numbers -----

  /** The number's state, created empty when the hub holds nothing for it. */
  stateOf(number: string): NumberState {
    let state = this.#numbers.get(number);
    if (state === undefined) {
      state = { terminals: new Map(), calls: new Map(), rate: new MessageRateWindow() };
      this.#numbers.set(number, state);
    }
    return state;
  }

  /** The number's state if the hub holds any (a lookup that creates nothing). */
  existing(number: string): NumberState | undefined {
    return this.#numbers.get(number);
  }

  /** Every number the hub holds. */
  states(): IterableIterator<NumberState> {
    return this.#numbers.values();
  }

  /** Drops a number with no terminal and no call, so an idle number costs nothing. */
  forgetIfEmpty(number: string): void {
    const state = this.#numbers.get(number);
    if (state !== undefined && state.terminals.size === 0 && state.calls.size === 0) this.#numbers.delete(number);
  }

  // ----- telling terminals -----

  send(terminal: Terminal, message: WebTerminalMessage): void {
    terminal.stream?.send(message);
  }

  /** Tells every attached terminal not in the call, and not yet told, that the number is in it. */
  announce(state: NumberState, call: HubCall): void {
    for (const terminal of state.terminals.values()) {
      if (terminal.stream === undefined || involves(call, terminal) || call.announced.has(terminal)) continue;
      call.announced.add(terminal);
      this.send(terminal, outbound.inCall(call.callId, call.remote));
    }
  }

  /** Answers a message with the `Error` of its refusal, counted and reported. */
  refuse(terminal: Terminal, reason: TerminalRefusalReason, callId: string): void {
    this.#refusals[reason]++;
    const code = REFUSAL_CODES[reason];
    this.send(terminal, outbound.error(callId, code));
    this.#report({ number: terminal.number, terminal: terminal.key, reason, code, callId });
  }

  /** Counts and reports a refused message left unanswered (past the first over the rate). */
  refuseSilently(terminal: Terminal, reason: TerminalRefusalReason, callId: string): void {
    this.#refusals[reason]++;
    this.#report({ number: terminal.number, terminal: terminal.key, reason, code: undefined, callId });
  }

  /** Tells the listener; a listener that throws never reaches the stream (`receive` never throws). */
  #report(refusal: TerminalRefusal): void {
    try {
      this.#onRefusal?.(refusal);
    } catch {
      // The refusal is counted already; the listener's own defect is not the terminal's.
    }
  }

  /** Refused messages since start, by reason (a copy). */
  refusalCounts(): Record<TerminalRefusalReason, number> {
    return { ...this.#refusals };
  }

  // ----- ending calls -----

  /** Tells the core the terminal left the call: its `Bye`, or its stream gone. */
  hangup(call: HubCall, terminal: Terminal, cause: 'bye' | 'stream-lost'): void {
    tell(() => this.control.hangup({ number: call.number, callId: call.callId, terminal: terminal.key, cause }));
  }

  /** The call is over: `Bye` to the terminals in it (but `except`), `Idle` to those told of it. */
  end(state: NumberState, call: HubCall, except?: Terminal): void {
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
      if (terminal !== except) this.send(terminal, outbound.bye(call.callId));
    }
    for (const terminal of call.announced) {
      if (!parties.includes(terminal)) this.send(terminal, outbound.idle(call.callId));
    }
    this.forget(state, call);
  }

  /** Removes the call, then whatever it alone kept (gone terminals, an empty number). */
  forget(state: NumberState, call: HubCall): void {
    if (state.calls.get(call.callId) === call) state.calls.delete(call.callId);
    this.sweep(state);
    this.forgetIfEmpty(call.number);
  }

  /** Forgets gone terminals that no longer hold a call. */
  sweep(state: NumberState): void {
    for (const terminal of [...state.terminals.values()]) {
      if (terminal.stream === undefined && !holdsCall(state, terminal)) state.terminals.delete(terminal.key);
    }
  }
}
