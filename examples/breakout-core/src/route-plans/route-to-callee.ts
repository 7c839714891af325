/**
 * The plans that send the call straight to the callee as leg 4: `direct`
 * (no TAS in the path), `continue-loop` (a leg 3 going on, presenting the
 * original caller) and `accept-ingress` (a call a TAS placed under an
 * INGRESS registration).
 */
import type { AcceptIngressPlan, ContinueLoopPlan, DirectPlan } from '@sipbreakout/routing';
import type { PlanContext } from './plan-context.js';

/** Starts leg 4, after the media relay's offer. */
export async function routeToCallee(
  plan: DirectPlan | ContinueLoopPlan | AcceptIngressPlan,
  context: PlanContext,
): Promise<void> {
  const target = context.leg4(plan.leg4);
  if (await context.relayed([target])) context.start([target]);
}
