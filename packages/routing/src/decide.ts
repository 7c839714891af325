import type { CallContext } from './call-context.js';
import { DEFAULT_FALLBACK_TIMEOUT_MS } from './fallback.js';
import type { Leg2Record } from './leg2-record.js';
import type { FallbackStage, Leg2, Leg4, Phase, Plan, RejectPlan } from './plan.js';
import { choosePrefix, insertPrefix } from './prefix.js';
import { isActive, type Registration } from './registration.js';
import { selectRegistration } from './registration-order.js';
import { ACTING_ON_MO, ACTING_ON_MT } from './route-type.js';
import { ROUTING_ERRORS, type RejectCode } from './routing-error.js';
import { formatHostPort, normalizeDomain, sameDomain } from './tas-uri.js';

/** Settings of {@link decide}. */
export interface DecideOptions {
  /**
   * How long the callee may go without a 2xx before a FALLBACK TAS gets the
   * call, in ms; {@link DEFAULT_FALLBACK_TIMEOUT_MS} (30 s) when absent. Must
   * be a positive finite number.
   */
  readonly fallbackTimeoutMs?: number | undefined;
}

/**
 * Decides where one incoming INVITE goes. Pure: no I/O, no clock (`now` is
 * given, in ms since the epoch), no exceptions for any call input.
 *
 * `registrations` are those of the call's numbers: the caller's and the
 * callee's; for a leg 3, those of the recorded caller and callee. Others are
 * ignored, and so is every registration expired at `now`. Their order does
 * not matter.
 *
 * In order:
 * 1. Max-Forwards not an integer ≥ 0: 400; Max-Forwards 0: 483 (RFC 3261 §16.3).
 * 2. From a TAS with a matching leg 2 (same Session-ID, same TAS domain): a leg
 *    3. Max-Forwards not below leg 2's: 483. Otherwise the terminating phase,
 *    with the recorded caller and callee.
 * 3. From a TAS otherwise: accepted if that TAS holds an INGRESS registration
 *    for the callee, else 403.
 * 4. From the mobile network: the originating phase (caller's LOOP, LOOP_MO,
 *    FORK), then the terminating phase (callee's LOOP, LOOP_MT, FORK,
 *    FALLBACK).
 *
 * A TAS is offered a call at most once: a plan never names a TAS that has
 * already seen the call (the one a leg 3 came back from, and any other in its
 * record's `seenBy`), nor the same TAS twice.
 *
 * @throws RangeError only for invalid `options` (configuration, not input).
 */
export function decide(
  context: CallContext,
  registrations: readonly Registration[],
  now: number,
  options: DecideOptions = {},
): Plan {
  const timeoutMs = options.fallbackTimeoutMs ?? DEFAULT_FALLBACK_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`fallbackTimeoutMs must be a positive number of ms, got ${timeoutMs}`);
  }
  const maxForwards = context.maxForwards;
  if (!Number.isInteger(maxForwards) || maxForwards < 0) return reject('ROUTE_ERR_BAD_MAX_FORWARDS');
  // RFC 3261 §16.3 item 3: Max-Forwards 0 on any INVITE is answered 483.
  if (maxForwards === 0) return reject('ROUTE_ERR_TOO_MANY_HOPS');
  const live = registrations.filter((registration) => isActive(registration, now));
  const origin = context.origin;

  if (origin.kind === 'tas') {
    const match = context.leg2Match;
    if (match !== undefined && match.sessionId === context.sessionId && sameDomain(match.tasDomain, origin.domain)) {
      // Each pass through a TAS must lower Max-Forwards, or a loop could run forever.
      // Written as "not below" so that a record without a usable number never passes.
      if (!(maxForwards < match.maxForwards)) return reject('ROUTE_ERR_LEG3_HOPS');
      const call = callOf(live, match.caller, match.callee, context.sessionId, maxForwards, timeoutMs);
      const seen = union(match.seenBy, [match.tasDomain]);
      return finish(terminating(call, seen), call, seen, match);
    }
    const ingress = selectRegistration(
      live.filter(
        (registration) =>
          registration.phoneNumber === context.callee && sameDomain(registration.tas.domain, origin.domain),
      ),
      ['INGRESS'],
    );
    if (ingress === undefined) return reject('ROUTE_ERR_TAS_FORBIDDEN');
    return {
      kind: 'accept-ingress',
      leg4: { caller: context.caller, callee: context.callee },
      registration: ingress,
    };
  }

  const call = callOf(live, context.caller, context.callee, context.sessionId, maxForwards, timeoutMs);
  return finish(originating(call), call, [], undefined);
}

/** One pass of a call through the engine: who, whose registrations, what to record. */
interface Call {
  readonly caller: string;
  readonly callee: string;
  readonly sessionId: string;
  /** Max-Forwards of this INVITE. */
  readonly maxForwards: number;
  readonly callerRegistrations: readonly Registration[];
  readonly calleeRegistrations: readonly Registration[];
  readonly timeoutMs: number;
}

/** Which registrations get a leg 2, before the legs are built. */
interface Draft {
  readonly leg4: boolean;
  readonly immediate: readonly { readonly registration: Registration; readonly phase: Phase }[];
  readonly fallback: Registration | undefined;
}

function callOf(
  live: readonly Registration[],
  caller: string,
  callee: string,
  sessionId: string,
  maxForwards: number,
  timeoutMs: number,
): Call {
  return {
    caller,
    callee,
    sessionId,
    maxForwards,
    callerRegistrations: live.filter((registration) => registration.phoneNumber === caller),
    calleeRegistrations: live.filter((registration) => registration.phoneNumber === callee),
    timeoutMs,
  };
}

/** The originating phase: the caller's registration acting on MO calls, if any. */
function originating(call: Call): Draft {
  const acting = selectRegistration(call.callerRegistrations, ACTING_ON_MO);
  if (acting === undefined) return terminating(call, []);
  if (acting.routeType === 'FORK') {
    // FORK: the caller's TAS in parallel with whatever the terminating phase
    // does; that TAS is then seeing the call and is not offered it twice.
    const rest = terminating(call, [acting.tas.domain]);
    return { ...rest, immediate: [{ registration: acting, phase: 'originating' }, ...rest.immediate] };
  }
  // LOOP, LOOP_MO: the terminating phase waits for leg 3.
  return { leg4: false, immediate: [{ registration: acting, phase: 'originating' }], fallback: undefined };
}

/** The terminating phase: the callee's registration acting on MT calls, then FALLBACK. */
function terminating(call: Call, seen: readonly string[]): Draft {
  const unseen = (registration: Registration | undefined): Registration | undefined =>
    registration !== undefined && !seen.some((domain) => sameDomain(domain, registration.tas.domain))
      ? registration
      : undefined;
  const acting = unseen(selectRegistration(call.calleeRegistrations, ACTING_ON_MT));
  if (acting !== undefined && acting.routeType !== 'FORK') {
    // LOOP, LOOP_MT: FALLBACK, if any, is considered when the call comes back as leg 3.
    return { leg4: false, immediate: [{ registration: acting, phase: 'terminating' }], fallback: undefined };
  }
  let fallback = unseen(selectRegistration(call.calleeRegistrations, ['FALLBACK']));
  if (fallback !== undefined && acting !== undefined && sameDomain(fallback.tas.domain, acting.tas.domain)) {
    fallback = undefined;
  }
  return {
    leg4: true,
    immediate: acting === undefined ? [] : [{ registration: acting, phase: 'terminating' }],
    fallback,
  };
}

/** Builds the plan of a draft: the legs, their records, the plan kind. */
function finish(draft: Draft, call: Call, seen: readonly string[], resumes: Leg2Record | undefined): Plan {
  const named = [...draft.immediate.map((entry) => entry.registration), ...optional(draft.fallback)];
  const seenBy = union(
    seen,
    named.map((registration) => registration.tas.domain),
  );
  const leg2 = (registration: Registration, phase: Phase): Leg2 => buildLeg2(call, registration, phase, seenBy);
  const leg2s = draft.immediate.map((entry) => leg2(entry.registration, entry.phase));
  const fallback: FallbackStage | undefined =
    draft.fallback === undefined ? undefined : { leg2: leg2(draft.fallback, 'terminating'), timeoutMs: call.timeoutMs };
  const leg4: Leg4 | undefined = draft.leg4 ? { caller: call.caller, callee: call.callee } : undefined;

  const [only, ...others] = leg2s;
  if (leg4 === undefined) {
    // Without leg 4 there is always a leg 2 (see originating, terminating).
    if (only !== undefined && others.length === 0) return { kind: 'leg2', leg2: only, resumes };
    return { kind: 'fork', leg4, leg2s, fallback, resumes };
  }
  if (only !== undefined) return { kind: 'fork', leg4, leg2s, fallback, resumes };
  if (fallback !== undefined) return { kind: 'fallback', leg4, fallback, resumes };
  return resumes === undefined ? { kind: 'direct', leg4 } : { kind: 'continue-loop', leg4, resumes };
}

function buildLeg2(call: Call, registration: Registration, phase: Phase, seenBy: readonly string[]): Leg2 {
  const prefix = choosePrefix(call.callerRegistrations, registration);
  return {
    phase,
    registration,
    requestUri: `sips:${insertPrefix(call.callee, prefix.prefix)}@${formatHostPort(registration.tas)}`,
    prefix,
    record: {
      sessionId: call.sessionId,
      // RFC 3261 §16.6 item 3: the forwarded request carries Max-Forwards minus one.
      maxForwards: call.maxForwards - 1,
      tasDomain: normalizeDomain(registration.tas.domain),
      caller: call.caller,
      callee: call.callee,
      seenBy,
    },
  };
}

function reject(code: RejectCode): RejectPlan {
  const { status, message } = ROUTING_ERRORS[code];
  return { kind: 'reject', status, reason: message, code };
}

function union(first: readonly string[], second: readonly string[]): readonly string[] {
  const domains: string[] = [];
  for (const domain of [...first, ...second].map(normalizeDomain)) {
    if (!domains.includes(domain)) domains.push(domain);
  }
  return domains;
}

function optional<T>(value: T | undefined): readonly T[] {
  return value === undefined ? [] : [value];
}
