import type { CoexistenceRule, Registration, RoutingError } from '@sipbreakout/routing';

/**
 * Stable codes for everything the registrar refuses: virtual registration
 * writes the gRPC layer answers, store failures, and REGISTER requests a SIP
 * peer is answered for (those carry a SIP status).
 */
export type RegistrarErrorCode =
  | 'REG_ERR_INVALID_REGISTRATION'
  | 'REG_ERR_CONFLICT'
  | 'REG_ERR_NOT_OWNER'
  | 'REG_ERR_NOT_FOUND'
  | 'REG_ERR_URI_MISMATCH'
  | 'REG_ERR_STORE_FULL'
  | 'REG_ERR_STORE_CLOSED'
  | 'REG_ERR_STORE_FAILED'
  | 'REG_ERR_CONTENTION'
  | 'REG_ERR_NOT_REGISTER'
  | 'REG_ERR_BAD_REQUEST'
  | 'REG_ERR_DOMAIN_NOT_SERVED'
  | 'REG_ERR_UNAUTHORIZED'
  | 'REG_ERR_STALE_NONCE'
  | 'REG_ERR_NONCE_REPLAY'
  | 'REG_ERR_FORBIDDEN'
  | 'REG_ERR_INTERVAL_TOO_BRIEF'
  | 'REG_ERR_CSEQ_OUT_OF_ORDER'
  | 'REG_ERR_TOO_MANY_BINDINGS';

/** What a {@link RegistrarErrorCode} means: the SIP status to answer, if any, and a reason phrase. */
export interface RegistrarErrorInfo {
  /** The SIP status to answer a REGISTER with, or `undefined` when no SIP peer is answered. */
  readonly status: number | undefined;
  /** A reason phrase, usable in a SIP status line. */
  readonly reason: string;
}

/** The table of every {@link RegistrarErrorCode}. */
export const REGISTRAR_ERRORS = {
  REG_ERR_INVALID_REGISTRATION: { status: undefined, reason: 'Invalid registration' },
  REG_ERR_CONFLICT: { status: undefined, reason: 'Conflicts with an existing registration' },
  REG_ERR_NOT_OWNER: { status: undefined, reason: 'Registration belongs to another client' },
  REG_ERR_NOT_FOUND: { status: undefined, reason: 'No such registration' },
  REG_ERR_URI_MISMATCH: { status: undefined, reason: 'SIP URI does not match the registration' },
  REG_ERR_STORE_FULL: { status: undefined, reason: 'Registration limit reached' },
  REG_ERR_STORE_CLOSED: { status: undefined, reason: 'Store is closed' },
  REG_ERR_STORE_FAILED: { status: undefined, reason: 'Store failed' },
  REG_ERR_CONTENTION: { status: undefined, reason: 'Too many concurrent writes to one number' },
  // RFC 3261 §8.2.1: a registrar answers only REGISTER; anything else is 405.
  REG_ERR_NOT_REGISTER: { status: 405, reason: 'Method Not Allowed' },
  REG_ERR_BAD_REQUEST: { status: 400, reason: 'Bad Request' },
  // RFC 3261 §10.3 step 1: a domain this registrar is not responsible for.
  REG_ERR_DOMAIN_NOT_SERVED: { status: 404, reason: 'Not Found' },
  // RFC 3261 §22.1: no or wrong credentials are answered with a new challenge.
  REG_ERR_UNAUTHORIZED: { status: 401, reason: 'Unauthorized' },
  // RFC 7616 §3.3: an expired nonce is challenged again with stale=true.
  REG_ERR_STALE_NONCE: { status: 401, reason: 'Unauthorized' },
  REG_ERR_NONCE_REPLAY: { status: 401, reason: 'Unauthorized' },
  // RFC 3261 §10.3 step 3: the authenticated user may not modify this AoR (or is disabled).
  REG_ERR_FORBIDDEN: { status: 403, reason: 'Forbidden' },
  // RFC 3261 §10.3 step 7 and §21.4.17.
  REG_ERR_INTERVAL_TOO_BRIEF: { status: 423, reason: 'Interval Too Brief' },
  // RFC 3261 §10.3 step 7: an older CSeq for the same Call-ID aborts the update.
  REG_ERR_CSEQ_OUT_OF_ORDER: { status: 500, reason: 'Server Internal Error' },
  REG_ERR_TOO_MANY_BINDINGS: { status: 403, reason: 'Too Many Bindings' },
} as const satisfies { readonly [C in RegistrarErrorCode]: RegistrarErrorInfo };

/** Every {@link RegistrarErrorCode}, in table order. */
export const REGISTRAR_ERROR_CODES: readonly RegistrarErrorCode[] = Object.keys(REGISTRAR_ERRORS).filter(
  isRegistrarErrorCode,
);

/** Narrows a string to a {@link RegistrarErrorCode}. */
export function isRegistrarErrorCode(value: unknown): value is RegistrarErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REGISTRAR_ERRORS, value);
}

/** Extra facts some refusals carry. */
export interface RegistrarErrorFacts {
  /** For `REG_ERR_CONFLICT`: the registration in the way, and the rule it would break. */
  readonly conflict?: { readonly existing: Registration; readonly rule: CoexistenceRule } | undefined;
  /** For `REG_ERR_INVALID_REGISTRATION`: what routing's validation said. */
  readonly routingError?: RoutingError | undefined;
  /** For `REG_ERR_INTERVAL_TOO_BRIEF`: the Min-Expires to answer with. */
  readonly minExpires?: number | undefined;
  /** For `REG_ERR_STORE_FAILED`: the underlying failure. */
  readonly cause?: unknown;
}

/**
 * A refusal with a stable code. Stores reject their promises with it; the
 * REGISTER registrar turns it into a response with {@link RegistrarError.status}.
 */
export class RegistrarError extends Error {
  /** Stable, machine-checkable code. */
  readonly code: RegistrarErrorCode;
  /** SIP status to answer with, if a SIP peer is answered. */
  readonly status: number | undefined;
  /** Reason phrase. */
  readonly reason: string;
  /** What exactly was wrong, for logs. */
  readonly detail: string;
  /** See {@link RegistrarErrorFacts.conflict}. */
  readonly conflict: RegistrarErrorFacts['conflict'];
  /** See {@link RegistrarErrorFacts.routingError}. */
  readonly routingError: RoutingError | undefined;
  /** See {@link RegistrarErrorFacts.minExpires}. */
  readonly minExpires: number | undefined;

  constructor(code: RegistrarErrorCode, detail: string, facts: RegistrarErrorFacts = {}) {
    super(`${code}: ${detail}`, facts.cause === undefined ? undefined : { cause: facts.cause });
    this.name = 'RegistrarError';
    const info: RegistrarErrorInfo = REGISTRAR_ERRORS[code];
    this.code = code;
    this.status = info.status;
    this.reason = info.reason;
    this.detail = detail;
    this.conflict = facts.conflict;
    this.routingError = facts.routingError;
    this.minExpires = facts.minExpires;
  }
}

/**
 * Whether a value is a registrar error, optionally of one code. Checks the
 * shape, not the class, so two loaded copies of this package agree.
 */
export function isRegistrarError(value: unknown, code?: RegistrarErrorCode): value is RegistrarError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = (value as { readonly code?: unknown }).code;
  return isRegistrarErrorCode(candidate) && (code === undefined || candidate === code);
}
