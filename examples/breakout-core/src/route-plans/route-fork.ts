/**
 * The `fork` plan: leg 4 (when the callee is reached directly) and every
 * TAS's leg 2 at once, first answer wins. A TAS that cannot be reached is
 * left out, unless its policy is `fail`; with the callee's FALLBACK TAS as
 * well, leg 4 runs under the fallback and the FORK TASes beside it.
 */
import type { ForkPlan } from '@sipbreakout/routing';
import type { LegTarget } from '@sipbreakout/b2bua';
import type { PlanContext } from './plan-context.js';

/** Connects to every TAS at once, then starts what was reached. */
export async function routeFork(plan: ForkPlan, context: PlanContext): Promise<void> {
  const { call } = context;
  const targets = await Promise.all(plan.leg2s.map(context.connect));
  const reached: LegTarget[] = [];
  for (const [i, leg2] of plan.leg2s.entries()) {
    const target = targets[i];
    if (target !== undefined) {
      context.record(leg2);
      reached.push(target);
    } else if (context.policyOf(leg2) === 'fail') {
      return context.tasFailed(leg2);
    }
  }
  const first = plan.leg2s[0];
  if (plan.leg4 === undefined && reached.length === 0 && first !== undefined) return context.tasFailed(first);
  if (plan.leg4 !== undefined && plan.fallback !== undefined) {
    // The callee's FALLBACK TAS applies to leg 4 only: leg 4 runs under the fallback, the FORK TASes beside it.
    const fallbackTarget = await context.connect(plan.fallback.leg2);
    if (fallbackTarget !== undefined) context.record(plan.fallback.leg2);
    if (call.state !== 'Trying') return;
    const inTurn = [context.leg4(plan.leg4), ...(fallbackTarget === undefined ? [] : [fallbackTarget])];
    if (!(await context.relayed([...inTurn, ...reached]))) return;
    context.startInTurn(inTurn, plan.fallback.timeoutMs);
    context.start(reached);
    return;
  }
  const all = [...(plan.leg4 === undefined ? [] : [context.leg4(plan.leg4)]), ...reached];
  if (await context.relayed(all)) context.start(all);
}
