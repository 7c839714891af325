/**
 * The call controller: the dialog layer's INVITE handler. For each new
 * INVITE it works out who calls whom and from where (mobile network, or a
 * TAS proven by its TLS certificate), looks up both numbers'
 * registrations, asks routing's `decide()` for a plan, and performs it as a
 * {@link B2buaCall}: leg 4 to the mobile next hop with the callee's number
 * in the Request-URI, leg 2 over TLS to the TAS (located, connected and its
 * certificate checked first; the configured TAS-failure policy when that
 * fails), both at once for FORK, one after the other for FALLBACK.
 */
import type { Logger } from 'pino';
import type { CallOrigin, Leg2Record, Plan, RouteType } from '@sipbreakout/routing';
import type { MediaRelay } from '@sipbreakout/media';
import type { RegistrationStore } from '@sipbreakout/registrar';
import { lazyChild, sessionIdOf } from '@sipbreakout/service-kit';
import { B2buaCall, type B2buaHooks, type Leg, type RelayedContent } from '@sipbreakout/b2bua';
import {
  resolveSipUri,
  SystemClock,
  type Clock,
  type Destination,
  type DialogLayer,
  type ServerInvite,
  type SipUri,
} from '@sipbreakout/sip-core';
import { watchCallEvents } from './call-events.js';
import { calleeOf, callerOf, tasDomainsOf } from './call-parties.js';
import type { CoreConfig } from './config-schema.js';
import type { CoreMetrics, FaceName } from './core-metrics.js';
import type { Leg2Table } from './leg2-table.js';
import { numberAtNextHop, parseNextHop } from './next-hop.js';
import { watchPhoneCall, type PhoneCallObserver } from './phone-calls.js';
import { decideCall } from './route-plans/decide-call.js';
import { performPlan } from './route-plans/perform-plan.js';
import { planContext, respond, type TasReach } from './route-plans/plan-context.js';
import { faceOfProtocol } from './sip-stack.js';
import { hideHeaders, hideInvite } from './topology-hiding.js';

/** The `route_type` label of a call without a registration in its path. */
export const ROUTE_NONE = 'NONE';
/** The `route_type` label of a leg 3 going on to the callee. */
export const ROUTE_LEG3 = 'LEG3';

/** Options of {@link CallController}. */
export interface CallControllerOptions {
  readonly layer: DialogLayer;
  readonly store: Pick<RegistrationStore, 'lookup'>;
  readonly leg2Table: Leg2Table;
  /** Reaches a leg 2's TAS (the core's `TasConnector`). */
  readonly tas: TasReach;
  /** `sip.mobile.nextHop`: where leg 4 and direct calls go. */
  readonly nextHop: string;
  /**
   * `sip.domain`: the host of every party's URI in what crosses between
   * the mobile side and a TAS (topology hiding, `./topology-hiding.ts`).
   */
  readonly domain: string;
  readonly routing: CoreConfig['routing'];
  /** Retry-After of the 503 answered when the registration store cannot be read. */
  readonly retryAfterSeconds: number;
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  /**
   * The FALLBACK no-answer timer's clock, and the wall clock registrations
   * expire on (`wallNow()`, ms since the epoch: routing's `decide` ignores a
   * registration expired at that instant). Default: a {@link SystemClock}.
   */
  readonly clock?: Clock | undefined;
  /** The media relay (`mediaRelay.ng` set): SDP toward a TAS in WebRTC style, see `@sipbreakout/media`. */
  readonly mediaRelay?: MediaRelay | undefined;
  /** Told of the calls in which a number takes part on its phone (the web terminals' `InCall` / `Idle`). */
  readonly phoneCalls?: PhoneCallObserver | undefined;
}

/** Routes every new INVITE. */
export class CallController {
  readonly #o: CallControllerOptions;
  readonly #nextHop: SipUri;
  readonly #nextHopDestination: Destination;
  readonly #clock: Clock;

  constructor(options: CallControllerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? new SystemClock();
    this.#nextHop = parseNextHop(options.nextHop);
    this.#nextHopDestination = resolveSipUri(this.#nextHop);
  }

  /** The dialog layer's `onInvite`. */
  readonly onInvite = (invite: ServerInvite): void => {
    const log = lazyChild(this.#o.log, () => ({
      callId: invite.request.callId,
      sessionId: sessionIdOf(invite.request),
    }));
    this.#route(invite, log).catch((error: unknown) => {
      log.error({ err: error }, 'call routing failed');
      respond(invite, 500, 'Server Internal Error');
      this.#o.metrics.calls.inc({ route_type: ROUTE_NONE, outcome: 'error' });
    });
  };

  async #route(invite: ServerInvite, parentLog: Logger): Promise<void> {
    const { metrics, leg2Table } = this.#o;
    const request = invite.request;
    const source = invite.transaction.source;
    const face = faceOfProtocol(source.protocol);
    let callerOverride: string | undefined;
    // Media relay (`@sipbreakout/media`): its hooks around ours, its offers made by the plan context's relayed().
    const media = this.#o.mediaRelay?.forCall({ incoming: request, fromTas: face === 'tas', log: parentLog });
    const withMedia = (hooks: B2buaHooks): B2buaHooks => media?.wrap(hooks) ?? hooks;
    const { domain } = this.#o;
    // The side a leg faces: the incoming one where the INVITE came from, an outgoing one by its target (leg 2: `tas`).
    const sideOf = (leg: Leg): FaceName =>
      leg.side.kind === 'incoming' ? face : leg.side.target.name === 'tas' ? 'tas' : 'mobile';
    // Topology hiding: what crosses between the mobile side and a TAS names its parties at the core's domain.
    const hideAcross = (content: RelayedContent, context: { readonly from: Leg; readonly to: Leg }): void => {
      if (sideOf(context.from) !== sideOf(context.to)) content.headers = hideHeaders(content.headers, domain);
    };
    const call = new B2buaCall(this.#o.layer, invite, {
      hooks: withMedia({
        outgoingInvite: (outgoing, { target }) => {
          // Leg 4 presents the original caller, whatever a TAS put on leg 3.
          if (target.name === 'phone' && callerOverride !== undefined)
            outgoing.headers.set('P-Asserted-Identity', `<tel:${callerOverride}>`);
          if ((target.name === 'tas' ? 'tas' : 'mobile') !== face) hideInvite(outgoing, domain);
        },
        relayRequest: hideAcross,
        relayResponse: hideAcross,
        tooManyHops: (request, { from, to, action }) => {
          log.info(
            { method: request.method, action, from: sideOf(from), to: sideOf(to) },
            'in-dialog request with Max-Forwards 0 not relayed',
          );
          metrics.tooManyHops.inc({ method: request.method, action });
        },
      }),
    });
    const log = parentLog.child({ sessionId: call.sessionId, face });
    const caller = callerOf(request);
    const callee = calleeOf(request);
    if (caller === undefined || callee === undefined) {
      log.info({ caller, callee }, 'INVITE without an E.164 caller or callee: 404');
      respond(invite, 404, callee === undefined ? 'Callee Is Not A Number' : 'Caller Is Not A Number');
      metrics.calls.inc({ route_type: ROUTE_NONE, outcome: 'rejected' });
      return;
    }

    let origin: CallOrigin = { kind: 'mobile-network' };
    let leg2Match: Leg2Record | undefined;
    if (face === 'tas') {
      const domains = tasDomainsOf(source.tlsPeer);
      const first = domains[0];
      if (first === undefined) {
        // A leg 3 or an INGRESS call is accepted only from a TAS its certificate identifies.
        log.info('INVITE over TLS from a peer without a verified certificate: 403');
        respond(invite, 403, 'TAS Not Identified');
        metrics.calls.inc({ route_type: ROUTE_NONE, outcome: 'rejected' });
        return;
      }
      const match = leg2Table.find(call.sessionId, domains);
      origin = { kind: 'tas', domain: match?.domain ?? first };
      leg2Match = match?.record;
    }

    let plan: Plan;
    try {
      plan = await decideCall(
        { store: this.#o.store, clock: this.#clock, fallbackTimeoutSeconds: this.#o.routing.fallbackTimeoutSeconds },
        { caller, callee, origin, sessionId: call.sessionId, maxForwards: request.maxForwards ?? 70, leg2Match },
      );
    } catch (error) {
      log.error({ err: error }, 'registration lookup failed: 503');
      respond(invite, 503, 'Service Unavailable', [['Retry-After', String(this.#o.retryAfterSeconds)]]);
      metrics.calls.inc({ route_type: ROUTE_NONE, outcome: 'store_unavailable' });
      return;
    }
    const routeType = routeTypeOf(plan);
    log.info({ caller, callee, origin, plan: plan.kind, routeType, leg3: leg2Match !== undefined }, 'call routed');
    metrics.callLegs.inc({
      leg: leg2Match !== undefined ? '3' : face === 'tas' ? 'ingress' : '1',
      outcome: 'received',
    });

    const forgets: Array<() => void> = [];
    if (media !== undefined) forgets.push(() => media.release());
    const leg4 = plan.kind === 'leg2' || plan.kind === 'reject' ? undefined : plan.leg4;
    const alsoTell =
      this.#o.phoneCalls === undefined || plan.kind === 'reject'
        ? undefined
        : watchPhoneCall(
            {
              sipCallId: request.callId,
              // Only a call from the mobile side has the caller on its phone: a leg 3 or INGRESS call comes from a TAS.
              callerOnPhone: face === 'mobile' ? caller : undefined,
              caller: leg4?.caller ?? caller,
              callee,
              phoneCallee: leg4?.callee,
            },
            this.#o.phoneCalls,
          );
    watchCallEvents(call, { metrics, log, routeType, forgets, alsoTell });

    await performPlan(
      plan,
      planContext({
        invite,
        call,
        log,
        metrics,
        routeType,
        caller,
        overrideCaller: (presented) => {
          callerOverride = presented;
        },
        phone: (number) => ({
          name: 'phone',
          uri: numberAtNextHop(this.#nextHop, number),
          destination: this.#nextHopDestination,
        }),
        tas: this.#o.tas,
        tasFailure: this.#o.routing.tasFailure,
        leg2Table,
        media,
        forgets,
        clock: this.#clock,
      }),
    );
  }
}

/** The route type a plan acts on, as the `route_type` label. */
export function routeTypeOf(plan: Plan): RouteType | typeof ROUTE_NONE | typeof ROUTE_LEG3 {
  switch (plan.kind) {
    case 'direct':
    case 'reject':
      return ROUTE_NONE;
    case 'continue-loop':
      return ROUTE_LEG3;
    case 'accept-ingress':
      return 'INGRESS';
    case 'leg2':
      return plan.leg2.registration.routeType;
    case 'fork':
      return 'FORK';
    case 'fallback':
      return 'FALLBACK';
  }
}
