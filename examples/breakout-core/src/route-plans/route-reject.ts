/** The `reject` plan: the caller is answered with the plan's status and nothing is sent on. */
import type { RejectPlan } from '@sipbreakout/routing';
import type { PlanContext } from './plan-context.js';

/** Answers the caller with `plan.status` and `plan.reason`. */
export async function routeReject(plan: RejectPlan, context: PlanContext): Promise<void> {
  context.log.info({ status: plan.status, code: plan.code }, 'call rejected');
  context.answer(plan.status, plan.reason, 'rejected');
}
