import type { ClockTimer } from '@sipbreakout/sip-core/clock';
import type { MessageRateWindow } from './terminal-limits.js';
import type { PipeKind, TerminalStream } from './terminal-attachment.js';

/*
 * The hub's model of a number: its terminals (attached, or gone with calls
 * held for their reattach) and the calls they take part in or observe, with
 * the questions the hub asks of it. Internal to the package.
 */

/** A terminal of a number; `stream` is undefined while it is gone and its calls are held. */
export interface Terminal {
  readonly key: string;
  readonly number: string;
  readonly kind: PipeKind;
  readonly identity: string | undefined;
  stream: TerminalStream | undefined;
  /** Ids of calls that just ended for it: a late `Bye` on them is not an error. */
  readonly ended: string[];
}

/** Where a call is, from the terminals' side. */
export type CallPlace =
  /** Offered to terminals, ringing; `answering` is the terminal whose answer is with the core. */
  | { readonly kind: 'offered'; readonly to: Set<Terminal>; answering: Terminal | undefined; readonly sdp: string }
  /** A terminal is in it. */
  | {
      readonly kind: 'terminal';
      readonly owner: Terminal;
      phase: 'outgoing' | 'active' | 'pushing';
      /** A remote renegotiation waits for the terminal's `Answer`. */
      awaitingAnswer: boolean;
      /** Its stream dropped: waiting for the same identity to ask for it again. */
      grace: ClockTimer | undefined;
    }
  /** On the phone (or a device the hub does not hold). */
  | { readonly kind: 'phone' };

/** A call of the number that the terminals take part in or are told of. */
export interface HubCall {
  readonly callId: string;
  readonly number: string;
  /** The other party. */
  readonly remote: string;
  place: CallPlace;
  /** A terminal whose pull of this call is with the core. */
  puller: Terminal | undefined;
  /** Terminals told `InCall` for it: told `Idle` when it ends. */
  readonly announced: Set<Terminal>;
}

/** Everything the hub holds for one number. */
export interface NumberState {
  readonly terminals: Map<string, Terminal>;
  readonly calls: Map<string, HubCall>;
  readonly rate: MessageRateWindow;
}

/** How many ended call ids a terminal remembers (a late `Bye` on them is not an error). */
const ENDED_MEMORY = 32;

/** A Pipe's pull target: its own held call, else the most recent call it was told of. */
export function pipePullTarget(state: NumberState, terminal: Terminal): HubCall | undefined {
  let found: HubCall | undefined;
  for (const call of state.calls.values()) {
    if (call.place.kind === 'terminal' && call.place.owner === terminal) return call;
    if (call.announced.has(terminal)) found = call;
  }
  return found;
}

/** Whether the terminal is in the call, offered it, or pulling it (not merely told of it). */
export function involves(call: HubCall, terminal: Terminal): boolean {
  const place = call.place;
  return (
    call.puller === terminal ||
    (place.kind === 'offered' && place.to.has(terminal)) ||
    (place.kind === 'terminal' && place.owner === terminal)
  );
}

/** Whether the terminal takes part in any call (a busy Pipe takes no other). */
export function isBusy(state: NumberState, terminal: Terminal): boolean {
  for (const call of state.calls.values()) if (involves(call, terminal)) return true;
  return false;
}

/** Whether a call still needs the terminal's record: it is in it, its answer or pull is with the core. */
export function holdsCall(state: NumberState, terminal: Terminal): boolean {
  for (const call of state.calls.values()) {
    if (call.place.kind === 'terminal' && call.place.owner === terminal) return true;
    if (call.place.kind === 'offered' && call.place.answering === terminal) return true;
    if (call.puller === terminal) return true;
  }
  return false;
}

/** Calls that count toward the per-number call limit: any with a terminal in it, offered it, or pulling it. */
export function terminalCallCount(state: NumberState): number {
  let count = 0;
  for (const call of state.calls.values()) if (call.place.kind !== 'phone' || call.puller !== undefined) count++;
  return count;
}

/** Remembers that a call ended for the terminal. */
export function rememberEnded(terminal: Terminal, callId: string): void {
  terminal.ended.push(callId);
  if (terminal.ended.length > ENDED_MEMORY) terminal.ended.shift();
}
