import { createRegistration, type Registration, type RouteType } from '@sipbreakout/routing';

/**
 * The fields a store writes for a registration besides its key (number and
 * route type): SIP URI, MO prefix, MT prefix, owner, expiry. The journal and
 * Redis both store them as this JSON array; `tas` is derived again on read.
 */
export type StoredFields = readonly [
  sipUri: string,
  mobileOriginatingPrefix: string,
  mobileTerminatingPrefix: string,
  owner: string,
  expiresAt: number,
];

/** The stored fields of a registration. */
export function storedFields(registration: Registration): StoredFields {
  return [
    registration.sipUri,
    registration.mobileOriginatingPrefix,
    registration.mobileTerminatingPrefix,
    registration.owner,
    registration.expiresAt,
  ];
}

/**
 * Rebuilds a registration from its key and stored fields, checking them as
 * an upsert would; undefined when they are not what {@link storedFields} writes.
 */
export function registrationFromStored(
  phoneNumber: string,
  routeType: RouteType,
  fields: readonly unknown[],
): Registration | undefined {
  if (fields.length !== 5) return undefined;
  const [sipUri, mo, mt, owner, expiresAt] = fields;
  if (typeof sipUri !== 'string' || typeof mo !== 'string' || typeof mt !== 'string') return undefined;
  if (typeof owner !== 'string' || typeof expiresAt !== 'number') return undefined;
  const created = createRegistration({
    phoneNumber,
    routeType,
    sipUri,
    mobileOriginatingPrefix: mo,
    mobileTerminatingPrefix: mt,
    owner,
    expiresAt,
  });
  return created.ok ? created.registration : undefined;
}
