/**
 * Looks up the registrations of a call's numbers and asks routing's
 * `decide()` for its plan: the one way every call of the core is routed,
 * an INVITE from the mobile side or a TAS as much as a web terminal's call.
 */
import { decide, type CallContext, type Plan } from '@sipbreakout/routing';
import type { RegistrationStore } from '@sipbreakout/registrar';
import type { Clock } from '@sipbreakout/sip-core';

/** What {@link decideCall} reads. */
export interface CallDecisionSource {
  readonly store: Pick<RegistrationStore, 'lookup'>;
  /** `wallNow()`: registrations expired at that instant are ignored. */
  readonly clock: Clock;
  /** `routing.fallbackTimeoutSeconds`. */
  readonly fallbackTimeoutSeconds: number;
}

/**
 * The plan of a call: the caller's and the callee's registrations (one
 * lookup when they are the same number), then `decide()`. A store that
 * cannot be read rejects (the caller answers 503).
 */
export async function decideCall(source: CallDecisionSource, context: CallContext): Promise<Plan> {
  const [a, b] = await Promise.all([
    source.store.lookup(context.caller),
    context.caller === context.callee ? Promise.resolve([]) : source.store.lookup(context.callee),
  ]);
  return decide(context, [...a, ...b], source.clock.wallNow(), {
    fallbackTimeoutMs: source.fallbackTimeoutSeconds * 1000,
  });
}
