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
import { decide, type CallOrigin, type Leg2, type Leg2Record, type Leg4, type Plan, type Registration, type RouteType } from '@sipbreakout/routing';
import type { MediaRelay } from '@sipbreakout/media';
import type { RegistrationStore } from '@sipbreakout/registrar';
import { B2buaCall, type B2buaHooks, sequentialFallback, type Leg, type LegTarget } from '@sipbreakout/b2bua';
import {
  parseUri,
  resolveSipUri,
  SystemClock,
  type Destination,
  type DialogLayer,
  type ServerInvite,
  type SipUri,
} from '@sipbreakout/sip-core';
import { calleeOf, callerOf, tasDomainsOf } from './call-parties.js';
import type { CoreConfig } from './config-schema.js';
import type { CoreMetrics } from './core-metrics.js';
import { lazyChild } from './lazy-logger.js';
import type { Leg2Table } from './leg2-table.js';
import { sessionIdOf } from './observed-transport.js';
import { faceOfProtocol } from './sip-stack.js';
import type { TasConnector } from './tas-connector.js';

/** The statuses of leg 4 that send a FALLBACK call to the TAS (routing's `fallbackTrigger`: busy, no answer). */
export const FALLBACK_STATUSES: readonly number[] = [486, 600, 408, 480];

/** The `route_type` label of a call without a registration in its path. */
export const ROUTE_NONE = 'NONE';
/** The `route_type` label of a leg 3 going on to the callee. */
export const ROUTE_LEG3 = 'LEG3';

/** Options of {@link CallController}. */
export interface CallControllerOptions {
  readonly layer: DialogLayer;
  readonly store: Pick<RegistrationStore, 'lookup'>;
  readonly leg2Table: Leg2Table;
  readonly tas: TasConnector;
  /** `sip.mobile.nextHop`: where leg 4 and direct calls go. */
  readonly nextHop: string;
  readonly routing: CoreConfig['routing'];
  /** Retry-After of the 503 answered when the registration store cannot be read. */
  readonly retryAfterSeconds: number;
  readonly metrics: CoreMetrics;
  readonly log: Logger;
  /** The media relay (`mediaRelay.ng` set): SDP toward a TAS in WebRTC style, see media-relay/sdp-hooks.ts. */
  readonly mediaRelay?: MediaRelay | undefined;
}

/** Routes every new INVITE. */
export class CallController {
  readonly #o: CallControllerOptions;
  readonly #nextHop: SipUri;
  readonly #nextHopDestination: Destination;
  readonly #clock = new SystemClock();

  constructor(options: CallControllerOptions) {
    this.#o = options;
    const parsed = parseUri(options.nextHop);
    if (!parsed.ok || parsed.uri.kind !== 'sip') throw new Error(`sip.mobile.nextHop is not a SIP URI: ${options.nextHop}`);
    this.#nextHop = parsed.uri;
    this.#nextHopDestination = resolveSipUri(parsed.uri);
  }

  /** The dialog layer's `onInvite`. */
  readonly onInvite = (invite: ServerInvite): void => {
    const log = lazyChild(this.#o.log, () => ({ callId: invite.request.callId, sessionId: sessionIdOf(invite.request) }));
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
    // Media relay (media-relay/sdp-hooks.ts): its hooks around ours, its offers made in relayed() below.
    const media = this.#o.mediaRelay?.forCall({ incoming: request, fromTas: face === 'tas', log: parentLog });
    const withMedia = (hooks: B2buaHooks): B2buaHooks => media?.wrap(hooks) ?? hooks;
    const call = new B2buaCall(this.#o.layer, invite, {
      hooks: withMedia({
        outgoingInvite: (outgoing, { target }) => {
          // Leg 4 presents the original caller, whatever a TAS put on leg 3.
          if (target.name === 'phone' && callerOverride !== undefined) outgoing.headers.set('P-Asserted-Identity', `<tel:${callerOverride}>`);
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

    let registrations: Registration[];
    try {
      const [a, b] = await Promise.all([this.#o.store.lookup(caller), caller === callee ? Promise.resolve([]) : this.#o.store.lookup(callee)]);
      registrations = [...a, ...b];
    } catch (error) {
      log.error({ err: error }, 'registration lookup failed: 503');
      respond(invite, 503, 'Service Unavailable', [['Retry-After', String(this.#o.retryAfterSeconds)]]);
      metrics.calls.inc({ route_type: ROUTE_NONE, outcome: 'store_unavailable' });
      return;
    }
    const plan = decide(
      { caller, callee, origin, sessionId: call.sessionId, maxForwards: request.maxForwards ?? 70, leg2Match },
      registrations,
      Date.now(),
      { fallbackTimeoutMs: this.#o.routing.fallbackTimeoutSeconds * 1000 },
    );
    const routeType = routeTypeOf(plan);
    log.info({ caller, callee, origin, plan: plan.kind, routeType, leg3: leg2Match !== undefined }, 'call routed');
    metrics.callLegs.inc({ leg: leg2Match !== undefined ? '3' : face === 'tas' ? 'ingress' : '1', outcome: 'received' });

    const forgets: Array<() => void> = [];
    if (media !== undefined) forgets.push(() => media.release());
    call.onEvent((event) => {
      switch (event.kind) {
        case 'legStarted':
          metrics.callLegs.inc({ leg: legNumber(event.leg), outcome: 'started' });
          return;
        case 'legFailed':
          metrics.callLegs.inc({ leg: legNumber(event.leg), outcome: event.response.status === 487 ? 'cancelled' : 'failed' });
          return;
        case 'answered':
          metrics.callLegs.inc({ leg: legNumber(event.leg), outcome: 'answered' });
          metrics.calls.inc({ route_type: routeType, outcome: 'answered' });
          log.info({ leg: event.leg.name }, 'call answered');
          return;
        case 'failed':
          metrics.calls.inc({ route_type: routeType, outcome: 'failed' });
          log.info({ status: event.status }, 'call failed');
          for (const forget of forgets.splice(0)) forget();
          return;
        case 'cancelled':
          metrics.calls.inc({ route_type: routeType, outcome: 'cancelled' });
          log.info('call cancelled by the caller');
          for (const forget of forgets.splice(0)) forget();
          return;
        case 'ended':
          log.info('call ended');
          for (const forget of forgets.splice(0)) forget();
          return;
      }
    });

    const leg4 = (l: Leg4): LegTarget => {
      if (l.caller !== caller) callerOverride = l.caller;
      return { name: 'phone', uri: this.#leg4Uri(l.callee), destination: this.#nextHopDestination };
    };
    /** Connects to a leg 2's TAS; undefined when it failed (counted and logged). */
    const connect = async (leg2: Leg2): Promise<LegTarget | undefined> => {
      const connection = await this.#o.tas.connect(leg2.registration.sipUri);
      if (!connection.ok) {
        metrics.tasFailures.inc({ route_type: leg2.registration.routeType, cause: connection.cause });
        log.warn({ tas: leg2.registration.sipUri, cause: connection.cause, error: connection.message }, 'TAS unreachable');
        return undefined;
      }
      return { name: 'tas', uri: leg2.requestUri, destination: connection.target };
    };
    const policyOf = (leg2: Leg2): 'bypass' | 'fail' => {
      const t = leg2.registration.routeType;
      return t === 'INGRESS' ? 'fail' : this.#o.routing.tasFailure[t];
    };
    const start = (targets: readonly LegTarget[]): void => {
      if (call.state !== 'Trying') return;
      for (const target of targets) call.addLeg(target);
    };
    /** Media relay: the offers of `targets` first; false when the caller was answered 503 instead (`mediaRelay.onFailure` reject). */
    const relayed = async (targets: readonly LegTarget[]): Promise<boolean> => {
      if (media === undefined) return true;
      const ok = await media.prepare(targets);
      if (call.state !== 'Trying') return false;
      if (ok) return true;
      log.warn('media relay unavailable: 503');
      respond(invite, 503, 'Media Relay Unavailable');
      metrics.calls.inc({ route_type: routeType, outcome: 'media_relay_unavailable' });
      for (const forget of forgets.splice(0)) forget();
      return false;
    };
    const tasFailed = async (leg2: Leg2): Promise<void> => {
      if (policyOf(leg2) === 'bypass') {
        log.info('TAS-failure policy bypass: on to the callee');
        const target = leg4({ caller: leg2.record.caller, callee: leg2.record.callee });
        if (await relayed([target])) start([target]);
      } else {
        respond(invite, 503, 'TAS Unavailable');
        metrics.calls.inc({ route_type: routeType, outcome: 'tas_unavailable' });
      }
    };
    const record = (leg2: Leg2): void => {
      forgets.push(leg2Table.record(leg2.record));
    };

    switch (plan.kind) {
      case 'reject':
        log.info({ status: plan.status, code: plan.code }, 'call rejected');
        respond(invite, plan.status, plan.reason);
        metrics.calls.inc({ route_type: routeType, outcome: 'rejected' });
        return;
      case 'direct':
      case 'continue-loop':
      case 'accept-ingress': {
        const target = leg4(plan.leg4);
        if (await relayed([target])) start([target]);
        return;
      }
      case 'leg2': {
        const target = await connect(plan.leg2);
        if (target === undefined) return tasFailed(plan.leg2);
        record(plan.leg2);
        if (await relayed([target])) start([target]);
        return;
      }
      case 'fork': {
        const targets = await Promise.all(plan.leg2s.map(connect));
        const reached: LegTarget[] = [];
        for (const [i, leg2] of plan.leg2s.entries()) {
          const target = targets[i];
          if (target !== undefined) {
            record(leg2);
            reached.push(target);
          } else if (policyOf(leg2) === 'fail') {
            return tasFailed(leg2);
          }
        }
        const first = plan.leg2s[0];
        if (plan.leg4 === undefined && reached.length === 0 && first !== undefined) return tasFailed(first);
        if (plan.leg4 !== undefined && plan.fallback !== undefined) {
          // The callee's FALLBACK TAS applies to leg 4 only: leg 4 runs under the fallback, the FORK TASes beside it.
          const fallbackTarget = await connect(plan.fallback.leg2);
          if (fallbackTarget !== undefined) record(plan.fallback.leg2);
          if (call.state !== 'Trying') return;
          const inTurn = [leg4(plan.leg4), ...(fallbackTarget === undefined ? [] : [fallbackTarget])];
          if (!(await relayed([...inTurn, ...reached]))) return;
          sequentialFallback(call, {
            clock: this.#clock,
            targets: inTurn,
            timeoutMs: plan.fallback.timeoutMs,
            statuses: FALLBACK_STATUSES,
          });
          start(reached);
          return;
        }
        const all = [...(plan.leg4 === undefined ? [] : [leg4(plan.leg4)]), ...reached];
        if (await relayed(all)) start(all);
        return;
      }
      case 'fallback': {
        const target = await connect(plan.fallback.leg2);
        // Either policy gives the caller the callee's own answer when the TAS cannot be reached.
        if (target !== undefined) record(plan.fallback.leg2);
        if (call.state !== 'Trying') return;
        const targets = [leg4(plan.leg4), ...(target === undefined ? [] : [target])];
        if (!(await relayed(targets))) return;
        sequentialFallback(call, {
          clock: this.#clock,
          targets,
          timeoutMs: plan.fallback.timeoutMs,
          statuses: FALLBACK_STATUSES,
        });
        return;
      }
    }
  }

  /** The Request-URI of leg 4: the callee's number at the next hop. */
  #leg4Uri(callee: string): string {
    const h = this.#nextHop;
    const params = h.params.get('transport');
    return `${h.scheme}:${callee}@${h.host}${h.port === undefined ? '' : `:${h.port}`}${typeof params === 'string' ? `;transport=${params}` : ''}`;
  }
}

/** Answers the incoming INVITE when it is still waiting for a final response. */
function respond(invite: ServerInvite, status: number, reason: string, headers: ReadonlyArray<readonly [string, string]> = []): void {
  if (invite.state === 'Proceeding') invite.respond(status, { reason, headers: [...headers] });
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

/** The leg number label of an outgoing leg: 2 toward a TAS, 4 toward the callee. */
function legNumber(leg: Leg): string {
  return leg.name === 'tas' ? '2' : leg.name === 'phone' ? '4' : '1';
}
