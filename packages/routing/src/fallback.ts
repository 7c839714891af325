/** How long the callee may take to answer (2xx) before a FALLBACK TAS gets the call, by default. */
export const DEFAULT_FALLBACK_TIMEOUT_MS = 30_000;

/** Final responses from the callee that mean busy: 486 Busy Here, 600 Busy Everywhere. */
export const FALLBACK_BUSY_STATUSES: readonly number[] = [486, 600];

/** Final responses from the callee that mean no answer: 408 Request Timeout, 480 Temporarily Unavailable. */
export const FALLBACK_NO_ANSWER_STATUSES: readonly number[] = [408, 480];

/** Why a FALLBACK TAS gets the call: the callee was busy or did not answer (a status or the timer). */
export type FallbackTrigger = 'busy' | 'no-answer';

/**
 * Whether a final response from the callee sends the call on to the FALLBACK
 * TAS, and why. Any other response (a 2xx, 404, 503, …) does not: it goes back
 * to the caller as usual. The timer running out is `'no-answer'` too; the core
 * then cancels leg 4.
 */
export function fallbackTrigger(status: number): FallbackTrigger | undefined {
  if (FALLBACK_BUSY_STATUSES.includes(status)) return 'busy';
  if (FALLBACK_NO_ANSWER_STATUSES.includes(status)) return 'no-answer';
  return undefined;
}
