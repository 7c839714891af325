/**
 * The `leg2` plan (LOOP, LOOP_MO, LOOP_MT): the call goes to one TAS, and
 * leg 4 waits until it comes back as leg 3; when the TAS cannot be reached,
 * the route type's TAS-failure policy applies.
 */
import type { Leg2Plan } from '@sipbreakout/routing';
import type { PlanContext } from './plan-context.js';

/** Connects to the TAS, records leg 2 and starts it. */
export async function routeLeg2(plan: Leg2Plan, context: PlanContext): Promise<void> {
  const target = await context.connect(plan.leg2);
  if (target === undefined) return context.tasFailed(plan.leg2);
  context.record(plan.leg2);
  if (await context.relayed([target])) context.start([target]);
}
