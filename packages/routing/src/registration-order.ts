import { ROUTE_TYPES, type RouteType } from './route-type.js';
import type { Registration } from './registration.js';

/**
 * A total order on registrations, so that picking one never depends on the
 * order a store returned them in: route type in {@link ROUTE_TYPES} order,
 * then the latest expiry (the most recent upsert) first, then every other
 * field.
 */
export function compareRegistrations(a: Registration, b: Registration): number {
  return (
    ROUTE_TYPES.indexOf(a.routeType) - ROUTE_TYPES.indexOf(b.routeType) ||
    b.expiresAt - a.expiresAt ||
    compareText(a.sipUri, b.sipUri) ||
    compareText(a.tas.domain, b.tas.domain) ||
    (a.tas.port ?? 0) - (b.tas.port ?? 0) ||
    compareText(a.phoneNumber, b.phoneNumber) ||
    compareText(a.mobileOriginatingPrefix, b.mobileOriginatingPrefix) ||
    compareText(a.mobileTerminatingPrefix, b.mobileTerminatingPrefix) ||
    compareText(a.owner, b.owner)
  );
}

/**
 * The first registration, in {@link compareRegistrations} order, whose route
 * type is one of `routeTypes`; `undefined` if there is none.
 */
export function selectRegistration(
  registrations: readonly Registration[],
  routeTypes: readonly RouteType[],
): Registration | undefined {
  let best: Registration | undefined;
  for (const registration of registrations) {
    if (!routeTypes.includes(registration.routeType)) continue;
    if (best === undefined || compareRegistrations(registration, best) < 0) best = registration;
  }
  return best;
}

// Code-unit order, not locale order: the same on every machine.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
