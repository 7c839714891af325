/**
 * Performs routing's plan for one call: the function of its kind, switched
 * on exhaustively (a new plan kind does not compile until it has one).
 */
import type { Plan } from '@sipbreakout/routing';
import type { PlanContext } from './plan-context.js';
import { routeFallback } from './route-fallback.js';
import { routeFork } from './route-fork.js';
import { routeLeg2 } from './route-leg2.js';
import { routeReject } from './route-reject.js';
import { routeToCallee } from './route-to-callee.js';

/** Performs `plan` on the context's call. */
export function performPlan(plan: Plan, context: PlanContext): Promise<void> {
  switch (plan.kind) {
    case 'reject':
      return routeReject(plan, context);
    case 'direct':
    case 'continue-loop':
    case 'accept-ingress':
      return routeToCallee(plan, context);
    case 'leg2':
      return routeLeg2(plan, context);
    case 'fork':
      return routeFork(plan, context);
    case 'fallback':
      return routeFallback(plan, context);
  }
}
