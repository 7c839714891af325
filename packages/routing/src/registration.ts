import type { RouteType } from './route-type.js';
import { routingError, type RoutingError } from './routing-error.js';
import { parseTasUri, type TasAddress } from './tas-uri.js';

/**
 * A virtual registration: a number (MSISDN) that puts a TAS into its call
 * path with one route type. Plain data; the registrar stores it, the gRPC
 * layer maps it, the engine reads it.
 */
export interface Registration {
  /** The registered number, E.164 (`+4790000001`). */
  readonly phoneNumber: string;
  /** How the TAS joins the number's calls. */
  readonly routeType: RouteType;
  /** The TAS's `sips:` URI, as registered; with the number and route type it identifies the registration. */
  readonly sipUri: string;
  /** The domain and port taken from {@link Registration.sipUri}. */
  readonly tas: TasAddress;
  /** Inserted into the Request-URI toward a TAS when this number is the caller (`''` for none). */
  readonly mobileOriginatingPrefix: string;
  /** Inserted into the Request-URI toward this TAS when the caller has no registration (`''` for none). */
  readonly mobileTerminatingPrefix: string;
  /** Who made the registration (the authenticated API client). */
  readonly owner: string;
  /** When it stops counting, in ms since the epoch; it is expired from this instant on. */
  readonly expiresAt: number;
}

/** The fields a caller provides to {@link createRegistration}; `tas` is derived from `sipUri`. */
export interface RegistrationInput {
  /** See {@link Registration.phoneNumber}. */
  readonly phoneNumber: string;
  /** See {@link Registration.routeType}. */
  readonly routeType: RouteType;
  /** See {@link Registration.sipUri}. */
  readonly sipUri: string;
  /** See {@link Registration.mobileOriginatingPrefix}; defaults to `''`. */
  readonly mobileOriginatingPrefix?: string | undefined;
  /** See {@link Registration.mobileTerminatingPrefix}; defaults to `''`. */
  readonly mobileTerminatingPrefix?: string | undefined;
  /** See {@link Registration.owner}. */
  readonly owner: string;
  /** See {@link Registration.expiresAt}. */
  readonly expiresAt: number;
}

/** The outcome of {@link createRegistration}. */
export type RegistrationResult =
  | { readonly ok: true; readonly registration: Registration }
  | { readonly ok: false; readonly error: RoutingError };

/** The longest prefix accepted, in digits. */
export const MAX_PREFIX_LENGTH = 16;

// ITU-T E.164: '+', a country code that does not start with 0, at most 15 digits.
const E164 = /^\+[1-9][0-9]{1,14}$/;
const PREFIX = new RegExp(`^[0-9]{0,${MAX_PREFIX_LENGTH}}$`);

/** Whether a string is an E.164 number with its `+` (`+4790000001`). */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/** Whether a string is an acceptable prefix: up to {@link MAX_PREFIX_LENGTH} digits, possibly none. */
export function isValidPrefix(value: string): boolean {
  return PREFIX.test(value);
}

/**
 * Validates registration fields and derives the TAS address from the URI.
 * Bad input is returned as a {@link RoutingError}, never thrown.
 */
export function createRegistration(input: RegistrationInput): RegistrationResult {
  if (!isE164(input.phoneNumber)) {
    return refuse('ROUTE_ERR_BAD_NUMBER', `not E.164: ${JSON.stringify(input.phoneNumber)}`);
  }
  const parsed = parseTasUri(input.sipUri);
  if (!parsed.ok) return parsed;
  const mobileOriginatingPrefix = input.mobileOriginatingPrefix ?? '';
  const mobileTerminatingPrefix = input.mobileTerminatingPrefix ?? '';
  for (const prefix of [mobileOriginatingPrefix, mobileTerminatingPrefix]) {
    if (!isValidPrefix(prefix)) {
      return refuse('ROUTE_ERR_BAD_PREFIX', `bad prefix: ${JSON.stringify(prefix)}`);
    }
  }
  if (!Number.isFinite(input.expiresAt)) {
    return refuse('ROUTE_ERR_BAD_EXPIRY', `bad expiresAt: ${String(input.expiresAt)}`);
  }
  return {
    ok: true,
    registration: {
      phoneNumber: input.phoneNumber,
      routeType: input.routeType,
      sipUri: input.sipUri,
      tas: parsed.tas,
      mobileOriginatingPrefix,
      mobileTerminatingPrefix,
      owner: input.owner,
      expiresAt: input.expiresAt,
    },
  };
}

/**
 * Whether a registration counts at `now` (ms since the epoch). It lives until
 * `expiresAt` exclusive: at `expiresAt` it is expired, and an expired
 * registration is as good as none.
 */
export function isActive(registration: Registration, now: number): boolean {
  return now < registration.expiresAt;
}

/**
 * Whether two registrations are the same one: same number, route type and
 * SIP URI (delete needs the same SIP URI; an upsert of the same one refreshes
 * it).
 */
export function isSameRegistration(a: Registration, b: Registration): boolean {
  return a.phoneNumber === b.phoneNumber && a.routeType === b.routeType && a.sipUri === b.sipUri;
}

function refuse(
  code: 'ROUTE_ERR_BAD_NUMBER' | 'ROUTE_ERR_BAD_PREFIX' | 'ROUTE_ERR_BAD_EXPIRY',
  detail: string,
): RegistrationResult {
  return { ok: false, error: routingError(code, detail) };
}
