/**
 * How a registration puts a telephony application server (TAS) into the call
 * path of its number.
 *
 * - `LOOP`: MO and MT calls go to the TAS (leg 2) and come back (leg 3).
 * - `LOOP_MO`: as `LOOP`, for the calls the number makes only.
 * - `LOOP_MT`: as `LOOP`, for the calls to the number only.
 * - `FORK`: the callee and the TAS are offered the call at once.
 * - `FALLBACK`: MT calls go to the number first, then to the TAS on busy or
 *   no answer.
 * - `INGRESS`: the TAS may place calls to the number; regular calls are
 *   untouched.
 */
export type RouteType = 'LOOP' | 'LOOP_MO' | 'LOOP_MT' | 'FORK' | 'FALLBACK' | 'INGRESS';

/**
 * Every route type, in the order the engine uses to pick one registration
 * when several could apply (which the coexistence rules forbid, but a store
 * may still hand over).
 */
export const ROUTE_TYPES: readonly RouteType[] = ['LOOP', 'LOOP_MO', 'LOOP_MT', 'FORK', 'FALLBACK', 'INGRESS'];

/**
 * Narrows an unknown value (from the gRPC layer or a store) to a
 * {@link RouteType}.
 */
export function isRouteType(value: unknown): value is RouteType {
  return typeof value === 'string' && (ROUTE_TYPES as readonly string[]).includes(value);
}

/**
 * The direction of a call from the registered number's point of view: `MO`
 * (mobile originating) when the number calls, `MT` (mobile terminating) when
 * it is called.
 */
export type Direction = 'MO' | 'MT';

/** Both directions, MO first. */
export const DIRECTIONS: readonly Direction[] = ['MO', 'MT'];

/**
 * The route types that put their TAS in the path of MO calls; at most one of
 * them may be registered on a number.
 */
export const ACTING_ON_MO: readonly RouteType[] = ['LOOP', 'LOOP_MO', 'FORK'];

/**
 * The route types that put their TAS in the path of MT calls before the
 * callee is tried; at most one of them may be registered on a number.
 * `FALLBACK` also applies to MT calls, but only after the callee, and
 * combines with any of these.
 */
export const ACTING_ON_MT: readonly RouteType[] = ['LOOP', 'LOOP_MT', 'FORK'];

/**
 * Whether a route type belongs to the exclusive group of a direction
 * ({@link ACTING_ON_MO} or {@link ACTING_ON_MT}).
 */
export function actsOn(routeType: RouteType, direction: Direction): boolean {
  return (direction === 'MO' ? ACTING_ON_MO : ACTING_ON_MT).includes(routeType);
}

/**
 * Whether a registration of this route type changes regular calls in this
 * direction at all: `LOOP` and `FORK` both, `LOOP_MO` MO only, `LOOP_MT` and
 * `FALLBACK` MT only, `INGRESS` neither (it only authorizes calls from its
 * TAS).
 */
export function appliesTo(routeType: RouteType, direction: Direction): boolean {
  switch (routeType) {
    case 'LOOP':
    case 'FORK':
      return true;
    case 'LOOP_MO':
      return direction === 'MO';
    case 'LOOP_MT':
    case 'FALLBACK':
      return direction === 'MT';
    case 'INGRESS':
      return false;
  }
}
