/**
 * Where a web terminal's call goes. A terminal's call is an MO call of its
 * number from the mobile network, routed by the same `decide()` as the
 * phone's (`./route-plans/decide-call.ts`): a LOOP or LOOP_MO registration
 * of the number (or LOOP / LOOP_MT of the callee) sends it to the TAS over
 * TLS with the plan's prefix, recorded as a leg 2 so that the TAS's leg 3
 * comes back and goes on to the callee; otherwise it goes to the callee at
 * the mobile next hop. A terminal's call has one outgoing leg: of a FORK or
 * FALLBACK plan only the callee's leg is placed (see the README).
 */
import type { Logger } from 'pino';
import type { Leg2, Plan } from '@sipbreakout/routing';
import { resolveSipUri, type Destination, type SipUri } from '@sipbreakout/sip-core';
import { routeTypeOf } from './call-controller.js';
import type { CoreConfig } from './config-schema.js';
import type { CoreMetrics } from './core-metrics.js';
import type { Leg2Table } from './leg2-table.js';
import { numberAtNextHop } from './next-hop.js';
import { decideCall, type CallDecisionSource } from './route-plans/decide-call.js';
import { connectTas, tasFailurePolicy, type TasReach } from './route-plans/plan-context.js';

/** The one leg a terminal's call is placed on. */
export interface TerminalLeg {
  /** `phone`: the callee at the mobile next hop (RTP/AVP); `tas`: a leg 2 over TLS (WebRTC style SDP). */
  readonly side: 'phone' | 'tas';
  readonly uri: string;
  readonly destination: Destination;
}

/** The outcome of {@link TerminalRouter.route}. */
export type TerminalRoute =
  | {
      readonly ok: true;
      readonly leg: TerminalLeg;
      /** The plan's `route_type` label (`NONE` when no registration applies). */
      readonly routeType: string;
      /** Forgets what routing recorded (the leg 2 record); called once the call is over. */
      readonly forget: () => void;
    }
  | { readonly ok: false; readonly reason: string; readonly routeType: string };

/** What a terminal's call is routed with. */
export interface TerminalRouter {
  route(request: {
    readonly caller: string;
    readonly callee: string;
    readonly sessionId: string;
    readonly maxForwards: number;
    readonly log: Logger;
  }): Promise<TerminalRoute>;
}

/** A router without registrations: every call to the callee at `nextHop` (tests of the calls themselves). */
export function directRouter(nextHop: SipUri): TerminalRouter {
  const destination = resolveSipUri(nextHop);
  return {
    route: async ({ callee }) => ({
      ok: true,
      leg: { side: 'phone', uri: numberAtNextHop(nextHop, callee), destination },
      routeType: 'NONE',
      forget: () => {},
    }),
  };
}

/** What {@link breakoutRouter} needs: the core's registrations, TAS connector, leg 2 table and policy. */
export interface BreakoutRouterOptions extends CallDecisionSource {
  readonly nextHop: SipUri;
  readonly tas: TasReach;
  readonly tasFailure: CoreConfig['routing']['tasFailure'];
  readonly leg2Table: Leg2Table;
  readonly metrics: CoreMetrics;
}

/** Routes terminals' calls as the core routes the phone's: `decide()` with origin mobile network. */
export function breakoutRouter(options: BreakoutRouterOptions): TerminalRouter {
  const destination = resolveSipUri(options.nextHop);
  const phone = (callee: string): TerminalLeg => ({
    side: 'phone',
    uri: numberAtNextHop(options.nextHop, callee),
    destination,
  });
  const none = (): void => {};
  return {
    route: async ({ caller, callee, sessionId, maxForwards, log }) => {
      let plan: Plan;
      try {
        plan = await decideCall(options, {
          caller,
          callee,
          origin: { kind: 'mobile-network' },
          sessionId,
          maxForwards,
        });
      } catch (error) {
        log.error({ err: error }, 'registration lookup failed');
        return { ok: false, reason: '503 Service Unavailable (registration store)', routeType: 'NONE' };
      }
      const routeType = routeTypeOf(plan);
      log.info({ caller, callee, plan: plan.kind, routeType }, 'terminal call routed');
      const viaTas = async (leg2: Leg2): Promise<TerminalRoute> => {
        const target = await connectTas(options.tas, leg2, options.metrics, log);
        if (target !== undefined)
          return {
            ok: true,
            leg: { side: 'tas', uri: leg2.requestUri, destination: target.destination },
            routeType,
            forget: options.leg2Table.record(leg2.record),
          };
        if (tasFailurePolicy(leg2, options.tasFailure) === 'bypass') {
          log.info('TAS-failure policy bypass: on to the callee');
          return { ok: true, leg: phone(leg2.record.callee), routeType, forget: none };
        }
        return { ok: false, reason: '503 TAS Unavailable', routeType };
      };
      switch (plan.kind) {
        case 'reject':
          return { ok: false, reason: `${plan.status} ${plan.reason}`, routeType };
        case 'direct':
        case 'continue-loop':
        case 'accept-ingress':
          return { ok: true, leg: phone(plan.leg4.callee), routeType, forget: none };
        case 'leg2':
          return viaTas(plan.leg2);
        case 'fork':
        case 'fallback': {
          // One outgoing leg per terminal call: the callee's when the plan has one, else the first TAS.
          log.warn({ plan: plan.kind }, 'a terminal call places one leg: the TAS legs of this plan are left out');
          if (plan.leg4 !== undefined) return { ok: true, leg: phone(plan.leg4.callee), routeType, forget: none };
          const first = plan.kind === 'fork' ? plan.leg2s[0] : undefined;
          return first === undefined ? { ok: false, reason: '500 No Route', routeType } : viaTas(first);
        }
      }
    },
  };
}
