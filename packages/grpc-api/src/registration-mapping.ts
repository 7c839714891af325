import { isE164, isValidPrefix, parseTasUri, type RouteType } from '@sipbreakout/routing';
import { isRegistrarError } from '@sipbreakout/registrar';
import { apiRefusal, isApiRefusalCode, type ApiRefusal, type ApiRefusalCode } from './api-refusal.js';
import { ROUTE_TYPE_NUMBERS, type Registration, type RouteTypeName } from './messages.js';

const FROM_PROTO: Readonly<Record<RouteTypeName, RouteType | undefined>> = {
  ROUTE_TYPE_UNSPECIFIED: undefined,
  ROUTE_TYPE_LOOP: 'LOOP',
  ROUTE_TYPE_FORK: 'FORK',
  ROUTE_TYPE_FALLBACK: 'FALLBACK',
  ROUTE_TYPE_LOOP_MO: 'LOOP_MO',
  ROUTE_TYPE_LOOP_MT: 'LOOP_MT',
  ROUTE_TYPE_INGRESS: 'INGRESS',
};

/**
 * The domain route type of a proto `RouteType` (by name or number), or
 * `undefined` for `ROUTE_TYPE_UNSPECIFIED` and values this version does not
 * know (proto3 enums are open: a newer client may send one).
 */
export function routeTypeFromProto(value: RouteTypeName | number | string | undefined): RouteType | undefined {
  if (value === undefined) return undefined;
  const name =
    typeof value === 'number'
      ? (Object.keys(ROUTE_TYPE_NUMBERS) as RouteTypeName[]).find((key) => ROUTE_TYPE_NUMBERS[key] === value)
      : value;
  return name !== undefined && Object.prototype.hasOwnProperty.call(FROM_PROTO, name)
    ? FROM_PROTO[name as RouteTypeName]
    : undefined;
}

/** The proto `RouteType` name of a domain route type. */
export function routeTypeToProto(routeType: RouteType): RouteTypeName {
  return `ROUTE_TYPE_${routeType}`;
}

/** A registration message checked field by field, before the store's own rules. */
export interface RequestedRegistration {
  /** The number it is for, E.164. */
  readonly phoneNumber: string;
  /** The domain route type. */
  readonly routeType: RouteType;
  /** The TAS's `sips:` URI, as sent. */
  readonly sipUri: string;
  /** `''` when not sent. */
  readonly mobileOriginatingPrefix: string;
  /** `''` when not sent. */
  readonly mobileTerminatingPrefix: string;
}

/** The outcome of {@link readRegistration}. */
export type ReadRegistrationResult =
  | { readonly ok: true; readonly registration: RequestedRegistration }
  | { readonly ok: false; readonly refusal: ApiRefusal };

/**
 * Checks a registration message for the number it was resolved to (the
 * caller decides which number a token may name) and maps it to domain
 * values, refusing with the most specific {@link ApiRefusal}. Checks, in
 * order: number, route type, SIP URI, prefixes.
 */
export function readRegistration(message: Registration, phoneNumber: string): ReadRegistrationResult {
  if (!isE164(phoneNumber)) return refuse('ROUTE_ERR_BAD_NUMBER', JSON.stringify(phoneNumber));
  const routeType = routeTypeFromProto(message.routeType);
  if (routeType === undefined) {
    return refuse('API_ERR_UNSPECIFIED_ROUTE_TYPE', `got ${String(message.routeType ?? 'ROUTE_TYPE_UNSPECIFIED')}`);
  }
  const sipUri = message.sipUri ?? '';
  const uriRefusal = checkSipUri(sipUri);
  if (uriRefusal !== undefined) return { ok: false, refusal: uriRefusal };
  const mobileOriginatingPrefix = message.mobileOriginatingPrefix ?? '';
  const mobileTerminatingPrefix = message.mobileTerminatingPrefix ?? '';
  if (!isValidPrefix(mobileOriginatingPrefix)) {
    return refuse('ROUTE_ERR_BAD_PREFIX', `mobile_originating_prefix ${JSON.stringify(mobileOriginatingPrefix)}`);
  }
  if (!isValidPrefix(mobileTerminatingPrefix)) {
    return refuse('ROUTE_ERR_BAD_PREFIX', `mobile_terminating_prefix ${JSON.stringify(mobileTerminatingPrefix)}`);
  }
  return {
    ok: true,
    registration: { phoneNumber, routeType, sipUri, mobileOriginatingPrefix, mobileTerminatingPrefix },
  };
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// Whitespace and controls never occur in a URI (RFC 3261 §25.1 escapes them).
const NOT_URI_CHARACTERS = /[\s\u0000-\u001f\u007f]/;
const IPV4 = /^[0-9]+(?:\.[0-9]+){3}\.?$/;

/**
 * Why a TAS URI is refused, or `undefined` when it is acceptable: malformed,
 * not `sips:` ("Secure SIP domain name required"), an IP literal, a host that
 * is not a domain name, or a port out of range. The acceptance rule itself is
 * routing's {@link parseTasUri}; this only names the reason precisely.
 */
export function checkSipUri(sipUri: string): ApiRefusal | undefined {
  if (sipUri === '') return apiRefusal('API_ERR_MALFORMED_URI', 'sip_uri is empty');
  const scheme = SCHEME.exec(sipUri)?.[1];
  if (scheme === undefined || NOT_URI_CHARACTERS.test(sipUri)) {
    return apiRefusal('API_ERR_MALFORMED_URI', JSON.stringify(sipUri));
  }
  if (scheme.toLowerCase() !== 'sips') {
    return apiRefusal('ROUTE_ERR_NOT_SIPS', `${JSON.stringify(sipUri)} is not a sips: URI`);
  }
  const parsed = parseTasUri(sipUri);
  if (parsed.ok) return undefined;
  switch (parsed.error.code) {
    case 'ROUTE_ERR_BAD_PORT':
      return apiRefusal('ROUTE_ERR_BAD_PORT', JSON.stringify(sipUri));
    case 'ROUTE_ERR_NOT_DOMAIN': {
      const host = hostOf(sipUri);
      return host.startsWith('[') || IPV4.test(host)
        ? apiRefusal('API_ERR_IP_LITERAL', JSON.stringify(host))
        : apiRefusal('ROUTE_ERR_NOT_DOMAIN', `host ${JSON.stringify(host)} is not a domain name`);
    }
    default:
      return apiRefusal('ROUTE_ERR_NOT_SIPS', JSON.stringify(sipUri));
  }
}

function hostOf(sipUri: string): string {
  let rest = sipUri.slice(sipUri.indexOf(':') + 1);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  const end = rest.search(/[;?]/);
  const hostPort = end >= 0 ? rest.slice(0, end) : rest;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    return close >= 0 ? hostPort.slice(0, close + 1) : hostPort;
  }
  const colon = hostPort.indexOf(':');
  return colon >= 0 ? hostPort.slice(0, colon) : hostPort;
}

/**
 * The refusal for a store rejection the client should be told about, or
 * `undefined` for a failure of the store itself (answered as a gRPC error).
 * The refusal keeps the code of the rule that refused: routing's code for a
 * registration its validation refused, else the registrar's.
 */
export function refusalFromStoreError(error: unknown): ApiRefusal | undefined {
  if (!isRegistrarError(error)) return undefined;
  // readRegistration checks everything routing's validation does first;
  // should the two ever disagree, the client still gets routing's precise reason.
  const code = isApiRefusalCode(error.reasonCode) ? error.reasonCode : error.code;
  if (!isApiRefusalCode(code)) return undefined;
  // The store's limit is the operator's business: the client learns only that it is reached.
  return apiRefusal(code, code === 'REG_ERR_STORE_FULL' ? undefined : error.detail);
}

function refuse(code: ApiRefusalCode, detail: string): ReadRegistrationResult {
  return { ok: false, refusal: apiRefusal(code, detail) };
}
