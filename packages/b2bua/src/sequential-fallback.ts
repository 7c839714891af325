/**
 * Sequential fallback for a B2BUA call (the FALLBACK route type): the call
 * goes to a first target; on one of the given final statuses (busy…), or
 * when no 2xx came within the timeout, that leg is cancelled (RFC 3261
 * §9.1) and the INVITE goes to the next target.
 */
import type { Clock, ClockTimer } from '@sipbreakout/sip-core';
import type { B2buaCall } from './b2bua-call.js';
import type { Leg, LegTarget } from './leg.js';

/** Options of {@link sequentialFallback}. */
export interface SequentialFallbackOptions {
  readonly clock: Clock;
  /** The targets, tried in order. */
  readonly targets: readonly LegTarget[];
  /** How long a leg may go without a 2xx before the next target is tried, ms. Default 30,000. */
  readonly timeoutMs?: number;
  /** Final statuses that move on to the next target. Default 486, 480, 408, 487 (no answer), 603. */
  readonly statuses?: readonly number[];
}

/** The default statuses that try the next target: busy, unavailable, no answer, declined. */
export const DEFAULT_FALLBACK_STATUSES: readonly number[] = [486, 480, 408, 603];

/**
 * Starts the first leg and arranges the fallback; returns a function that
 * stops the timer. The last target has no timer: it rings until its own end.
 */
export function sequentialFallback(call: B2buaCall, options: SequentialFallbackOptions): () => void {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const statuses = new Set(options.statuses ?? DEFAULT_FALLBACK_STATUSES);
  let index = 0;
  let timer: ClockTimer | undefined;
  let current: Leg | undefined;

  const next = (): void => {
    timer?.cancel();
    timer = undefined;
    const target = options.targets[index++];
    if (target === undefined || call.state !== 'Trying') return;
    const leg = call.addLeg(target);
    current = leg;
    if (index < options.targets.length) {
      timer = options.clock.setTimer(timeoutMs, () => {
        timer = undefined;
        if (call.state !== 'Trying' || current !== leg) return;
        // No answer in time: cancel this leg and try the next target.
        call.cancelLeg(leg);
        next();
      });
    }
  };

  call.failurePolicy = (leg, response) => {
    if (leg !== current) return call.pendingLegs.length > 0 || index < options.targets.length ? 'continue' : 'default';
    const more = index < options.targets.length;
    if (more && statuses.has(response.status)) {
      next();
      return 'continue';
    }
    timer?.cancel();
    return 'default';
  };
  next();
  return () => timer?.cancel();
}
