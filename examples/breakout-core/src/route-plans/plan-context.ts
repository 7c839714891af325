/**
 * What a plan's function may do to the call it routes: build leg 4 toward
 * the callee, reach a leg 2's TAS (the configured TAS-failure policy when
 * that fails), record a leg 2 so that its leg 3 is recognized, have the
 * media relay make its offers, start legs at once or one after the other
 * (FALLBACK), and answer the caller.
 */
import type { Logger } from 'pino';
import type { Leg2, Leg4 } from '@sipbreakout/routing';
import { sequentialFallback, type B2buaCall, type LegTarget } from '@sipbreakout/b2bua';
import type { Clock, Destination, ServerInvite } from '@sipbreakout/sip-core';
import type { CoreConfig } from '../config-schema.js';
import type { CoreMetrics } from '../core-metrics.js';
import type { Leg2Table } from '../leg2-table.js';

/** The statuses of leg 4 that send a FALLBACK call to the TAS (routing's `fallbackTrigger`: busy, no answer). */
export const FALLBACK_STATUSES: readonly number[] = [486, 600, 408, 480];

/** How a leg 2's TAS is reached before the leg is sent: the core's `TasConnector`, or a fake in tests. */
export interface TasReach {
  /** A connection checked for the URI's domain, or why there is none (`cause`: a `TLS_ERR_…`, `TRANSPORT_ERR_…` or `DNS_ERR_…` code). */
  connect(
    sipsUri: string,
  ): Promise<
    | { readonly ok: true; readonly target: Destination }
    | { readonly ok: false; readonly cause: string; readonly message: string }
  >;
}

/** What every plan function is given. */
export interface PlanContext {
  readonly call: B2buaCall;
  readonly log: Logger;
  /** Answers the caller with a final response (when it still waits) and counts the call with `outcome`. */
  answer(status: number, reason: string, outcome: string): void;
  /** Leg 4 toward the callee; presents the original caller when the plan says so. */
  leg4(leg4: Leg4): LegTarget;
  /** Connects to a leg 2's TAS; undefined when it failed (counted and logged). */
  connect(leg2: Leg2): Promise<LegTarget | undefined>;
  /** The TAS-failure policy of a leg 2's route type (INGRESS calls come from a TAS: `fail`). */
  policyOf(leg2: Leg2): 'bypass' | 'fail';
  /** Records a leg 2 before it is sent, forgotten when the call ends. */
  record(leg2: Leg2): void;
  /** Media relay: the offers of `targets` first; false when the caller was answered 503 instead (`mediaRelay.onFailure` reject). */
  relayed(targets: readonly LegTarget[]): Promise<boolean>;
  /** Starts `targets` at once, if the call still waits for them. */
  start(targets: readonly LegTarget[]): void;
  /** Starts `targets` one after the other: the next on a FALLBACK status or after `timeoutMs` without a 2xx. */
  startInTurn(targets: readonly LegTarget[], timeoutMs: number): void;
  /** A leg 2's TAS cannot be reached: on to the callee (`bypass`) or 503 to the caller (`fail`). */
  tasFailed(leg2: Leg2): Promise<void>;
}

/** What {@link planContext} builds a context from. */
export interface PlanContextOptions {
  readonly invite: ServerInvite;
  readonly call: B2buaCall;
  readonly log: Logger;
  readonly metrics: CoreMetrics;
  /** The call's `route_type` label. */
  readonly routeType: string;
  /** The caller the INVITE presents. */
  readonly caller: string;
  /** Called when leg 4 must present another caller (a leg 3's original caller). */
  readonly overrideCaller: (caller: string) => void;
  /** Leg 4's target for a callee: the number at the mobile next hop. */
  readonly phone: (callee: string) => LegTarget;
  readonly tas: TasReach;
  readonly tasFailure: CoreConfig['routing']['tasFailure'];
  readonly leg2Table: Leg2Table;
  /** The call's media relay, when there is one. */
  readonly media: { prepare(targets: readonly LegTarget[]): Promise<boolean> } | undefined;
  /** What to forget when the call ends (the media session, leg 2 records). */
  readonly forgets: Array<() => void>;
  /** The clock of the FALLBACK no-answer timer. */
  readonly clock: Clock;
}

/** The TAS-failure policy of a leg 2's route type (INGRESS calls come from a TAS: `fail`). */
export function tasFailurePolicy(leg2: Leg2, tasFailure: CoreConfig['routing']['tasFailure']): 'bypass' | 'fail' {
  const t = leg2.registration.routeType;
  return t === 'INGRESS' ? 'fail' : tasFailure[t];
}

/**
 * Reaches a leg 2's TAS: its target (Request-URI with the prefix, the
 * checked connection), or undefined when it cannot be reached (counted
 * by route type and cause, and logged).
 */
export async function connectTas(
  tas: TasReach,
  leg2: Leg2,
  metrics: CoreMetrics,
  log: Logger,
): Promise<LegTarget | undefined> {
  const connection = await tas.connect(leg2.registration.sipUri);
  if (!connection.ok) {
    metrics.tasFailures.inc({ route_type: leg2.registration.routeType, cause: connection.cause });
    log.warn({ tas: leg2.registration.sipUri, cause: connection.cause, error: connection.message }, 'TAS unreachable');
    return undefined;
  }
  return { name: 'tas', uri: leg2.requestUri, destination: connection.target };
}

/** Answers the incoming INVITE when it is still waiting for a final response. */
export function respond(
  invite: ServerInvite,
  status: number,
  reason: string,
  headers: ReadonlyArray<readonly [string, string]> = [],
): void {
  if (invite.state === 'Proceeding') invite.respond(status, { reason, headers: [...headers] });
}

/** The context of one call's plan. */
export function planContext(o: PlanContextOptions): PlanContext {
  const { call, log, metrics } = o;
  const answer = (status: number, reason: string, outcome: string): void => {
    respond(o.invite, status, reason);
    metrics.calls.inc({ route_type: o.routeType, outcome });
  };
  const leg4 = (l: Leg4): LegTarget => {
    if (l.caller !== o.caller) o.overrideCaller(l.caller);
    return o.phone(l.callee);
  };
  const policyOf = (leg2: Leg2): 'bypass' | 'fail' => tasFailurePolicy(leg2, o.tasFailure);
  const start = (targets: readonly LegTarget[]): void => {
    if (call.state !== 'Trying') return;
    for (const target of targets) call.addLeg(target);
  };
  const relayed = async (targets: readonly LegTarget[]): Promise<boolean> => {
    if (o.media === undefined) return true;
    const ok = await o.media.prepare(targets);
    if (call.state !== 'Trying') return false;
    if (ok) return true;
    log.warn('media relay unavailable: 503');
    answer(503, 'Media Relay Unavailable', 'media_relay_unavailable');
    for (const forget of o.forgets.splice(0)) forget();
    return false;
  };
  return {
    call,
    log,
    answer,
    leg4,
    policyOf,
    start,
    relayed,
    connect: (leg2) => connectTas(o.tas, leg2, metrics, log),
    record: (leg2) => {
      o.forgets.push(o.leg2Table.record(leg2.record));
    },
    startInTurn: (targets, timeoutMs) => {
      sequentialFallback(call, { clock: o.clock, targets, timeoutMs, statuses: FALLBACK_STATUSES });
    },
    tasFailed: async (leg2) => {
      if (policyOf(leg2) === 'bypass') {
        log.info('TAS-failure policy bypass: on to the callee');
        const target = leg4({ caller: leg2.record.caller, callee: leg2.record.callee });
        if (await relayed([target])) start([target]);
      } else {
        answer(503, 'TAS Unavailable', 'tas_unavailable');
      }
    },
  };
}
