/**
 * Stable codes for everything this package refuses: malformed registration
 * data (answered by the registrar or the gRPC layer, no SIP status) and
 * INVITEs the engine rejects (answered with the SIP status).
 */
export type RoutingErrorCode =
  | 'ROUTE_ERR_BAD_NUMBER'
  | 'ROUTE_ERR_NOT_SIPS'
  | 'ROUTE_ERR_NOT_DOMAIN'
  | 'ROUTE_ERR_BAD_PORT'
  | 'ROUTE_ERR_BAD_PREFIX'
  | 'ROUTE_ERR_BAD_EXPIRY'
  | 'ROUTE_ERR_BAD_MAX_FORWARDS'
  | 'ROUTE_ERR_TOO_MANY_HOPS'
  | 'ROUTE_ERR_LEG3_HOPS'
  | 'ROUTE_ERR_TAS_FORBIDDEN';

/** What a {@link RoutingErrorCode} means: the SIP status to answer, if any, and a reason phrase. */
export interface RoutingErrorInfo {
  /** The SIP status to answer with, or `undefined` when no SIP peer is answered. */
  readonly status: number | undefined;
  /** A reason phrase, usable in a SIP status line. */
  readonly reason: string;
}

/** The table of every {@link RoutingErrorCode}. */
export const ROUTING_ERRORS = {
  ROUTE_ERR_BAD_NUMBER: { status: undefined, reason: 'Phone number must be E.164' },
  ROUTE_ERR_NOT_SIPS: { status: undefined, reason: 'Secure SIP domain name required' },
  ROUTE_ERR_NOT_DOMAIN: { status: undefined, reason: 'Secure SIP domain name required' },
  ROUTE_ERR_BAD_PORT: { status: undefined, reason: 'Port must be 1-65535' },
  ROUTE_ERR_BAD_PREFIX: { status: undefined, reason: 'Prefix must be digits' },
  ROUTE_ERR_BAD_EXPIRY: { status: undefined, reason: 'Expiry must be a finite time' },
  // RFC 3261 §20.22: Max-Forwards is an integer 0-255; anything else is a bad request.
  ROUTE_ERR_BAD_MAX_FORWARDS: { status: 400, reason: 'Invalid Max-Forwards' },
  // RFC 3261 §16.3 item 3: a request with Max-Forwards 0 is answered 483.
  ROUTE_ERR_TOO_MANY_HOPS: { status: 483, reason: 'Too Many Hops' },
  ROUTE_ERR_LEG3_HOPS: { status: 483, reason: 'Too Many Hops' },
  ROUTE_ERR_TAS_FORBIDDEN: { status: 403, reason: 'Forbidden' },
} as const satisfies { readonly [C in RoutingErrorCode]: RoutingErrorInfo };

/** The codes an INVITE is rejected with: those that carry a SIP status. */
export type RejectCode = {
  [C in RoutingErrorCode]: (typeof ROUTING_ERRORS)[C]['status'] extends number ? C : never;
}[RoutingErrorCode];

/** Every {@link RoutingErrorCode}, in table order. */
export const ROUTING_ERROR_CODES: readonly RoutingErrorCode[] = Object.keys(ROUTING_ERRORS).filter(
  isRoutingErrorCode,
);

/** A refusal as a value: its code, the SIP status (if any) and a reason. */
export interface RoutingError extends RoutingErrorInfo {
  /** Stable, machine-checkable code. */
  readonly code: RoutingErrorCode;
  /** What exactly was wrong, for logs; never sent to a peer. */
  readonly detail: string;
}

/** Builds the {@link RoutingError} of a code, with a detail for logs. */
export function routingError(code: RoutingErrorCode, detail: string): RoutingError {
  const info = ROUTING_ERRORS[code];
  return { code, status: info.status, reason: info.reason, detail };
}

/** Narrows a string to a {@link RoutingErrorCode}. */
export function isRoutingErrorCode(value: unknown): value is RoutingErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ROUTING_ERRORS, value);
}

/**
 * Whether a value is a {@link RoutingError}, optionally of one code. Checks
 * the shape, not a class, so two loaded copies of this package agree.
 */
export function isRoutingError(value: unknown, code?: RoutingErrorCode): value is RoutingError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = (value as { readonly code?: unknown }).code;
  return isRoutingErrorCode(candidate) && (code === undefined || candidate === code);
}
