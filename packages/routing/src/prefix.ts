import { ACTING_ON_MO } from './route-type.js';
import type { Registration } from './registration.js';
import { selectRegistration } from './registration-order.js';

/**
 * Inserts a prefix into the user part of a Request-URI: after the `+` when
 * there is one (`+4711…` with `00` becomes `+004711…`), else in front. An
 * empty prefix changes nothing; no character of the user part is lost.
 */
export function insertPrefix(userPart: string, prefix: string): string {
  return userPart.startsWith('+') ? `+${prefix}${userPart.slice(1)}` : `${prefix}${userPart}`;
}

/** Why a prefix was used toward a TAS. */
export type PrefixReason = 'caller-mobile-originating-prefix' | 'callee-mobile-terminating-prefix';

/** The prefix used on a leg 2's Request-URI, why, and whose registration it came from. */
export interface PrefixChoice {
  /** The prefix inserted (`''` when that registration has none). */
  readonly prefix: string;
  /** Whether it is the caller's MO prefix or the callee's MT prefix. */
  readonly reason: PrefixReason;
  /** The registration the prefix was read from. */
  readonly registration: Registration;
}

/**
 * Chooses the prefix toward a TAS: the caller's MO prefix if the caller has a
 * registration (whether or not the callee has one), otherwise the MT prefix
 * of the callee's registration that leg 2 is for (`target`).
 *
 * `callerRegistrations` are the caller's live registrations. Only those that
 * apply to the caller's MO calls count (LOOP, LOOP_MO, FORK): LOOP_MT and
 * FALLBACK never touch MO calls, and INGRESS changes nothing for regular
 * calls. If several count, the first in route type order gives the prefix.
 */
export function choosePrefix(callerRegistrations: readonly Registration[], target: Registration): PrefixChoice {
  const caller = selectRegistration(callerRegistrations, ACTING_ON_MO);
  if (caller !== undefined) {
    return {
      prefix: caller.mobileOriginatingPrefix,
      reason: 'caller-mobile-originating-prefix',
      registration: caller,
    };
  }
  return {
    prefix: target.mobileTerminatingPrefix,
    reason: 'callee-mobile-terminating-prefix',
    registration: target,
  };
}
