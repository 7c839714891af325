/**
 * Parallel forking for a B2BUA call (the FORK route type): one incoming leg
 * to several outgoing legs at once; the first 2xx wins, the others are
 * cancelled, and a late 2xx is ACKed and BYEd (RFC 3261 §13.2.2.4).
 */
import type { B2buaCall } from './b2bua-call.js';
import type { Leg, LegTarget } from './leg.js';

/** Starts one outgoing leg per target, all at once; returns the legs in order. */
export function parallelFork(call: B2buaCall, targets: readonly LegTarget[]): Leg[] {
  return targets.map((t) => call.addLeg(t));
}
