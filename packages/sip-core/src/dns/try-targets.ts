/**
 * Trying the located targets one after the other (RFC 3263 §4.3): on a
 * transport error, a timeout or a 503 the next target is tried; anything
 * else ends the search.
 */
import { isTlsError } from '../tls/tls-error.js';
import { isTransactionError } from '../transaction/transaction-error.js';
import { isTransportError } from '../transport/transport-error.js';
import { DnsError } from './dns-error.js';
import type { ServerTarget } from './server-locator.js';

/** True for failures after which RFC 3263 §4.3 says to try the next target. */
export function isNextTargetError(error: unknown): boolean {
  return (
    isTransportError(error) ||
    isTlsError(error) ||
    isTransactionError(error, 'TX_ERR_TIMEOUT') ||
    isTransactionError(error, 'TX_ERR_TRANSPORT')
  );
}

/** Options of {@link tryTargets}. */
export interface TryTargetsOptions<T> {
  /** True when a result means "try the next target" — a 503 (RFC 3263 §4.3). Default never. */
  readonly tryNext?: (result: T) => boolean;
  /** Called for each target given up on, with why. */
  readonly onFailure?: (target: ServerTarget, reason: unknown) => void;
  readonly signal?: AbortSignal;
}

/**
 * Calls `attempt` on each target in turn until one succeeds. Resolves with
 * the first result that `tryNext` does not reject, or, when no target gave
 * one, with the last result `tryNext` rejected (the last 503); throws `DNS_ERR_TARGETS_EXHAUSTED` (the last
 * failure as cause) when every target failed, and rethrows at once an error
 * that is not a reason to move on.
 */
export async function tryTargets<T>(
  targets: AsyncIterable<ServerTarget>,
  attempt: (target: ServerTarget) => Promise<T>,
  options: TryTargetsOptions<T> = {},
): Promise<T> {
  let lastFailure: unknown;
  let lastResult: { value: T } | undefined;
  for await (const target of targets) {
    options.signal?.throwIfAborted();
    try {
      const result = await attempt(target);
      if (options.tryNext?.(result) !== true) return result;
      lastResult = { value: result };
      options.onFailure?.(target, result);
    } catch (e) {
      if (!isNextTargetError(e)) throw e;
      lastFailure = e;
      options.onFailure?.(target, e);
    }
  }
  if (lastResult !== undefined) return lastResult.value;
  throw new DnsError('DNS_ERR_TARGETS_EXHAUSTED', undefined, { cause: lastFailure });
}
