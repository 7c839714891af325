import { isActive, type Registration } from './registration.js';
import { compareRegistrations } from './registration-order.js';
import { actsOn, type RouteType } from './route-type.js';

/**
 * Which rule two registrations of different route types on one number would
 * break:
 * - `one-acting-on-mo`: at most one of LOOP, LOOP_MO, FORK;
 * - `one-acting-on-mt`: at most one of LOOP, LOOP_MT, FORK.
 *
 * FALLBACK and INGRESS combine with any of them. There is one registration
 * per number and route type, but that is no conflict: an upsert of the same
 * route type replaces the registration (SIP URI, prefixes and expiry), as
 * the published API's UpsertRegistration "creates, replaces or refreshes".
 */
export type CoexistenceRule = 'one-acting-on-mo' | 'one-acting-on-mt';

/** An existing registration a candidate cannot join, and the rule it would break. */
export interface CoexistenceConflict {
  /** The registration in the way. */
  readonly existing: Registration;
  /** The rule. */
  readonly rule: CoexistenceRule;
}

/**
 * The rule two route types on one number would break, or `undefined` if they
 * may coexist. The same route type twice is `undefined`: the newer
 * registration replaces the older one rather than joining it.
 */
export function coexistenceRule(a: RouteType, b: RouteType): CoexistenceRule | undefined {
  if (a === b) return undefined;
  if (actsOn(a, 'MO') && actsOn(b, 'MO')) return 'one-acting-on-mo';
  if (actsOn(a, 'MT') && actsOn(b, 'MT')) return 'one-acting-on-mt';
  return undefined;
}

/** Whether two different route types may be registered on one number at once. */
export function canCoexist(a: RouteType, b: RouteType): boolean {
  return coexistenceRule(a, b) === undefined;
}

/**
 * Whether `candidate` may be upserted next to `existing`: the first (in a
 * fixed order) live registration on the same number that it conflicts with,
 * or `undefined`. Registrations of other numbers and those expired at `now`
 * do not count; a registration of the candidate's own route type is the one
 * the upsert replaces (whatever its SIP URI), not a conflict. The registrar
 * enforces this; the engine does not rely on it.
 */
export function checkCoexistence(
  existing: readonly Registration[],
  candidate: Registration,
  now: number,
): CoexistenceConflict | undefined {
  const others = existing
    .filter(
      (registration) =>
        registration.phoneNumber === candidate.phoneNumber &&
        registration.routeType !== candidate.routeType &&
        isActive(registration, now),
    )
    .sort(compareRegistrations);
  for (const registration of others) {
    const rule = coexistenceRule(registration.routeType, candidate.routeType);
    if (rule !== undefined) return { existing: registration, rule };
  }
  return undefined;
}
