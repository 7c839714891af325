import {
  checkCoexistence,
  createRegistration,
  isActive,
  type Registration,
  type RegistrationInput,
  type RouteType,
} from '@sipbreakout/routing';
import { RegistrarError } from './registrar-error.js';

/** How long a virtual registration lives after its last upsert, in seconds. */
export const DEFAULT_TTL_SECONDS = 3600;

/**
 * An upsert: routing's {@link RegistrationInput} without `expiresAt`, which
 * the store sets to now + TTL (`owner` is the authenticated API client).
 */
export type UpsertRequest = Omit<RegistrationInput, 'expiresAt'>;

/** A delete: the registration's key, the SIP URI it must hold, and who asks. */
export interface DeleteRequest {
  /** The number, E.164. */
  readonly phoneNumber: string;
  /** The route type. */
  readonly routeType: RouteType;
  /** Must equal the stored registration's SIP URI. */
  readonly sipUri: string;
  /** Must equal the stored registration's owner. */
  readonly owner: string;
}

/**
 * What an accepted upsert did: `created` (no live registration for the
 * number and route type), `refreshed` (the same SIP URI and prefixes: only
 * the expiry moved), `replaced` (the number's registration of that route
 * type now has another SIP URI or other prefixes, and a fresh expiry).
 */
export type UpsertKind = 'created' | 'refreshed' | 'replaced';

/** The outcome of an accepted upsert. */
export interface UpsertOutcome {
  /** The registration as now stored. */
  readonly registration: Registration;
  /** What the upsert did. */
  readonly kind: UpsertKind;
}

/** A pure decision: accepted with a value, or refused with a {@link RegistrarError}. */
export type Decision<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: RegistrarError };

/**
 * Decides an upsert against the registrations currently stored for the same
 * number (live or not: expired ones are ignored here). Pure: every store runs
 * it under its own atomicity (the event loop for memory, a compare-and-set
 * script for Redis).
 */
export function decideUpsert(
  existing: readonly Registration[],
  request: UpsertRequest,
  now: number,
  ttlSeconds: number,
): Decision<UpsertOutcome> {
  const created = createRegistration({ ...request, expiresAt: now + ttlSeconds * 1000 });
  if (!created.ok) {
    return refuse(
      new RegistrarError('REG_ERR_INVALID_REGISTRATION', created.error.detail, { routingError: created.error }),
    );
  }
  const candidate = created.registration;
  const current = existing.find(
    (r) => r.phoneNumber === candidate.phoneNumber && r.routeType === candidate.routeType && isActive(r, now),
  );
  // Another client can neither replace nor delete a registration.
  if (current !== undefined && current.owner !== candidate.owner) {
    return refuse(
      new RegistrarError(
        'REG_ERR_NOT_OWNER',
        `${describe(current)} belongs to ${JSON.stringify(current.owner)}, not ${JSON.stringify(candidate.owner)}`,
      ),
    );
  }
  const conflict = checkCoexistence(existing, candidate, now);
  if (conflict !== undefined) {
    return refuse(
      new RegistrarError(
        'REG_ERR_CONFLICT',
        `${describe(candidate)} conflicts with ${describe(conflict.existing)} (${conflict.rule})`,
        { conflict },
      ),
    );
  }
  let kind: UpsertKind = 'created';
  if (current !== undefined) {
    kind =
      current.sipUri === candidate.sipUri &&
      current.mobileOriginatingPrefix === candidate.mobileOriginatingPrefix &&
      current.mobileTerminatingPrefix === candidate.mobileTerminatingPrefix
        ? 'refreshed'
        : 'replaced';
  }
  return { ok: true, value: { registration: candidate, kind } };
}

/**
 * Decides a delete against the registrations stored for the number: the live
 * registration of that route type must exist, belong to the same owner and
 * hold the same SIP URI. Returns the registration to remove.
 */
export function decideDelete(
  existing: readonly Registration[],
  request: DeleteRequest,
  now: number,
): Decision<Registration> {
  const current = existing.find(
    (r) => r.phoneNumber === request.phoneNumber && r.routeType === request.routeType && isActive(r, now),
  );
  if (current === undefined) {
    return refuse(
      new RegistrarError('REG_ERR_NOT_FOUND', `no ${request.routeType} registration for ${request.phoneNumber}`),
    );
  }
  if (current.owner !== request.owner) {
    return refuse(
      new RegistrarError(
        'REG_ERR_NOT_OWNER',
        `${describe(current)} belongs to another client than ${JSON.stringify(request.owner)}`,
      ),
    );
  }
  if (current.sipUri !== request.sipUri) {
    return refuse(
      new RegistrarError('REG_ERR_URI_MISMATCH', `${describe(current)} is not registered with ${request.sipUri}`),
    );
  }
  return { ok: true, value: current };
}

/** `+4790000001 LOOP sips:tas.example.com`: how errors name a registration. */
export function describe(registration: Registration): string {
  return `${registration.phoneNumber} ${registration.routeType} ${registration.sipUri}`;
}

function refuse<T>(error: RegistrarError): Decision<T> {
  return { ok: false, error };
}
