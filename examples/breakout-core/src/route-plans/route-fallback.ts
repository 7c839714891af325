/**
 * The `fallback` plan (FALLBACK): leg 4 to the callee first; on busy or no
 * answer (a FALLBACK status, or no 2xx within the timeout, leg 4 then
 * cancelled) the call goes to the TAS as leg 2.
 */
import type { FallbackPlan } from '@sipbreakout/routing';
import type { PlanContext } from './plan-context.js';

/** Connects to the TAS first, then starts leg 4 and, in turn, leg 2. */
export async function routeFallback(plan: FallbackPlan, context: PlanContext): Promise<void> {
  const target = await context.connect(plan.fallback.leg2);
  // Either policy gives the caller the callee's own answer when the TAS cannot be reached.
  if (target !== undefined) context.record(plan.fallback.leg2);
  if (context.call.state !== 'Trying') return;
  const targets = [context.leg4(plan.leg4), ...(target === undefined ? [] : [target])];
  if (!(await context.relayed(targets))) return;
  context.startInTurn(targets, plan.fallback.timeoutMs);
}
