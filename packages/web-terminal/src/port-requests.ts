import type { CallOutcome, SdpOutcome } from './terminal-call-control.js';

/*
 * Requests to the call-control port that can never break a terminal's
 * stream: the core is another package's code, and whatever it does (throws,
 * rejects) is read as a failed request, never as the terminal's fault.
 * Internal to the package.
 */

/** Runs `then` when the request settles; a throw or a rejection is a failure outcome. */
export function settle<T extends SdpOutcome | CallOutcome>(
  request: () => Promise<T>,
  then: (outcome: T) => void,
): void {
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

/** A one-way request to the core; a throwing implementation must not break the terminal's stream. */
export function tell(request: () => void): void {
  try {
    request();
  } catch {
    // The core's fault, not the terminal's: the hub's own state is already consistent.
  }
}
