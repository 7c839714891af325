import type { ErrorCodeName } from './messages.js';

/** The per-number limits of a {@link TerminalHub}. */
export interface TerminalLimits {
  /** Streams attached to one number at once (default 10); one more is refused (`RESOURCE_EXHAUSTED` on the gRPC side). */
  readonly terminalsPerNumber: number;
  /** Calls of one number with a terminal in them or offered to them (default 4); one more: `Error{RATE_LIMIT_HIT}`. */
  readonly callsPerNumber: number;
  /** Messages from all the number's terminals in one second (default 20); more: `Error{RATE_LIMIT_HIT}`, then silence for that second. */
  readonly messagesPerSecond: number;
  /** Longest SDP taken from a terminal, in characters (default 65 536); longer: `Error{UNKNOWN}`. */
  readonly maxSdpLength: number;
}

/** The defaults of {@link TerminalLimits}. */
export const DEFAULT_TERMINAL_LIMITS: TerminalLimits = {
  terminalsPerNumber: 10,
  callsPerNumber: 4,
  messagesPerSecond: 20,
  maxSdpLength: 65_536,
};

/** Why the hub refused a terminal's message (each is counted). */
export type TerminalRefusalReason =
  /** MultiPipe: `call_id` is not a UUID. */
  | 'invalid-call-id'
  /** `call_id` names no call of the number (MultiPipe). */
  | 'unknown-call'
  /** An `Answer` or `Ringing` with no offer pending toward the terminal. */
  | 'answer-without-offer'
  /** An `Offer` on a call that already has one in flight. */
  | 'offer-race'
  /** A Pipe already in a call offered another. */
  | 'busy'
  /** `Action{toPhone}` or a pull with no call to act on. */
  | 'not-in-call'
  /** Over {@link TerminalLimits.messagesPerSecond}. */
  | 'rate-limit'
  /** Over {@link TerminalLimits.callsPerNumber}. */
  | 'call-limit'
  /** A message without a member, with an empty or too long SDP, or without a callee. */
  | 'bad-message'
  /** A message only the server sends (`Idle`, `InCall`, `Error`). */
  | 'unexpected-message';

/** The `Error` code each refusal answers with. */
export const REFUSAL_CODES: Readonly<Record<TerminalRefusalReason, ErrorCodeName>> = {
  'invalid-call-id': 'INVALID_CALL_ID',
  'unknown-call': 'INVALID_CALL_ID',
  'answer-without-offer': 'UNKNOWN',
  'offer-race': 'TRY_AGAIN',
  busy: 'TRY_AGAIN',
  'not-in-call': 'NOT_INCALL',
  'rate-limit': 'RATE_LIMIT_HIT',
  'call-limit': 'RATE_LIMIT_HIT',
  'bad-message': 'UNKNOWN',
  'unexpected-message': 'UNKNOWN',
};

/** Every {@link TerminalRefusalReason}. */
export const TERMINAL_REFUSAL_REASONS = Object.keys(REFUSAL_CODES) as readonly TerminalRefusalReason[];

/** One refused message, as told to `TerminalHubOptions.onRefusal`. */
export interface TerminalRefusal {
  readonly number: string;
  /** The terminal's key. */
  readonly terminal: string;
  readonly reason: TerminalRefusalReason;
  /** The `Error` code sent back (none for a message dropped silently past the rate limit). */
  readonly code: ErrorCodeName | undefined;
  /** The `call_id` of the refused message. */
  readonly callId: string;
}

/**
 * Messages per number in the current one-second window: the first message
 * over the limit is answered, the rest of the window is dropped silently, so
 * a flood does not get a flood back.
 */
export class MessageRateWindow {
  #start = Number.NEGATIVE_INFINITY;
  #count = 0;

  /** `'ok'`, `'refuse'` (the first over the limit) or `'drop'`. */
  take(now: number, perSecond: number): 'ok' | 'refuse' | 'drop' {
    if (now - this.#start >= 1000) {
      this.#start = now;
      this.#count = 0;
    }
    this.#count++;
    if (this.#count <= perSecond) return 'ok';
    return this.#count === perSecond + 1 ? 'refuse' : 'drop';
  }
}
