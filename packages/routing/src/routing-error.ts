import { defineErrorFamily, type ErrorSpec, type ErrorTable, type ErrorValue } from '@sipbreakout/sip-core/error-kit';

/**
 * Stable codes for everything this package refuses: malformed registration
 * data (answered by the registrar or the gRPC layer, no SIP status) and
 * INVITEs the engine rejects (answered with the SIP status). The message is
 * a reason phrase, usable in a SIP status line.
 */
export const ROUTING_ERRORS = {
  ROUTE_ERR_BAD_NUMBER: { message: 'Phone number must be E.164' },
  ROUTE_ERR_NOT_SIPS: { message: 'Secure SIP domain name required' },
  ROUTE_ERR_NOT_DOMAIN: { message: 'Secure SIP domain name required' },
  ROUTE_ERR_BAD_PORT: { message: 'Port must be 1-65535' },
  ROUTE_ERR_BAD_PREFIX: { message: 'Prefix must be digits' },
  ROUTE_ERR_BAD_EXPIRY: { message: 'Expiry must be a finite time' },
  // RFC 3261 §20.22: Max-Forwards is an integer 0-255; anything else is a bad request.
  ROUTE_ERR_BAD_MAX_FORWARDS: { message: 'Invalid Max-Forwards', status: 400 },
  // RFC 3261 §16.3 item 3: a request with Max-Forwards 0 is answered 483.
  ROUTE_ERR_TOO_MANY_HOPS: { message: 'Too Many Hops', status: 483 },
  ROUTE_ERR_LEG3_HOPS: { message: 'Too Many Hops', status: 483 },
  ROUTE_ERR_TAS_FORBIDDEN: { message: 'Forbidden', status: 403 },
} as const satisfies ErrorTable<'ROUTE_ERR'>;

/** One of the stable `ROUTE_ERR_…` codes. */
export type RoutingErrorCode = keyof typeof ROUTING_ERRORS;

/** What a {@link RoutingErrorCode} means: its reason phrase and the SIP status to answer, if any. */
export type RoutingErrorInfo = ErrorSpec;

/** The codes an INVITE is rejected with: those that carry a SIP status. */
export type RejectCode = {
  [C in RoutingErrorCode]: (typeof ROUTING_ERRORS)[C] extends { readonly status: number } ? C : never;
}[RoutingErrorCode];

// Routing's refusals are values returned by pure functions, never thrown.
const ROUTE_ERRORS = defineErrorFamily('RoutingError', 'ROUTE_ERR', ROUTING_ERRORS);

/** Every {@link RoutingErrorCode}, in table order. */
export const ROUTING_ERROR_CODES: readonly RoutingErrorCode[] = ROUTE_ERRORS.codeList;

/**
 * A refusal as a value: its code, its reason phrase (`message`), the SIP
 * status (if any), and `detail`, what exactly was wrong, for logs; never
 * sent to a peer.
 */
export type RoutingError = ErrorValue<RoutingErrorCode>;

/** Builds the {@link RoutingError} of a code, with a detail for logs. */
export function routingError(code: RoutingErrorCode, detail: string): RoutingError {
  return ROUTE_ERRORS.value(code, detail);
}

/** Narrows a string to a {@link RoutingErrorCode}. */
export function isRoutingErrorCode(value: unknown): value is RoutingErrorCode {
  return ROUTE_ERRORS.isCode(value);
}

/**
 * Whether a value is a {@link RoutingError}, optionally of one code. Checks
 * the shape and the code, not a class, so a copy (another loaded copy of this
 * package, or one through JSON) is recognised.
 */
export function isRoutingError(value: unknown, code?: RoutingErrorCode): value is RoutingError {
  return ROUTE_ERRORS.isValue(value, code);
}
