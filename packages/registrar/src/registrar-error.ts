import { defineErrorFamily, type ErrorSpec, type ErrorTable } from '@sipbreakout/sip-core/error-kit';
import type { CoexistenceRule, Registration, RoutingError, RoutingErrorCode } from '@sipbreakout/routing';

/**
 * Stable codes for everything the registrar refuses: virtual registration
 * writes the gRPC layer answers, store failures, and REGISTER requests a SIP
 * peer is answered for (those carry a SIP status). The message is a reason
 * phrase, usable in a SIP status line.
 */
export const REGISTRAR_ERRORS = {
  REG_ERR_INVALID_REGISTRATION: { message: 'Invalid registration' },
  REG_ERR_CONFLICT: { message: 'Conflicts with an existing registration' },
  REG_ERR_NOT_OWNER: { message: 'Registration belongs to another client' },
  REG_ERR_NOT_FOUND: { message: 'No such registration' },
  REG_ERR_URI_MISMATCH: { message: 'SIP URI does not match the registration' },
  REG_ERR_STORE_FULL: { message: 'Registration limit reached' },
  REG_ERR_STORE_CLOSED: { message: 'Store is closed' },
  REG_ERR_STORE_FAILED: { message: 'Store failed' },
  REG_ERR_CONTENTION: { message: 'Too many concurrent writes to one number' },
  REG_ERR_NOT_A_JOURNAL: { message: 'Not a registrar journal' },
  // RFC 3261 §8.2.1: a registrar answers only REGISTER; anything else is 405.
  REG_ERR_NOT_REGISTER: { message: 'Method Not Allowed', status: 405 },
  REG_ERR_BAD_REQUEST: { message: 'Bad Request', status: 400 },
  // RFC 3261 §10.3 step 1: a domain this registrar is not responsible for.
  REG_ERR_DOMAIN_NOT_SERVED: { message: 'Not Found', status: 404 },
  // RFC 3261 §22.1: no or wrong credentials are answered with a new challenge.
  REG_ERR_UNAUTHORIZED: { message: 'Unauthorized', status: 401 },
  // RFC 7616 §3.3: an expired nonce is challenged again with stale=true.
  REG_ERR_STALE_NONCE: { message: 'Unauthorized', status: 401 },
  REG_ERR_NONCE_REPLAY: { message: 'Unauthorized', status: 401 },
  // RFC 3261 §10.3 step 3: the authenticated user may not modify this AoR (or is disabled).
  REG_ERR_FORBIDDEN: { message: 'Forbidden', status: 403 },
  // RFC 3261 §10.3 step 7 and §21.4.17.
  REG_ERR_INTERVAL_TOO_BRIEF: { message: 'Interval Too Brief', status: 423 },
  // RFC 3261 §10.3 step 7: an older CSeq for the same Call-ID aborts the update.
  REG_ERR_CSEQ_OUT_OF_ORDER: { message: 'Server Internal Error', status: 500 },
  REG_ERR_TOO_MANY_BINDINGS: { message: 'Too Many Bindings', status: 403 },
} as const satisfies ErrorTable<'REG_ERR'>;

/** One of the stable `REG_ERR_…` codes. */
export type RegistrarErrorCode = keyof typeof REGISTRAR_ERRORS;

/** What a {@link RegistrarErrorCode} means: its reason phrase and the SIP status to answer, if any. */
export type RegistrarErrorInfo = ErrorSpec;

const REG_ERRORS = defineErrorFamily('RegistrarError', 'REG_ERR', REGISTRAR_ERRORS);

/** Every {@link RegistrarErrorCode}, in table order. */
export const REGISTRAR_ERROR_CODES: readonly RegistrarErrorCode[] = REG_ERRORS.codeList;

/** Narrows a string to a {@link RegistrarErrorCode}. */
export function isRegistrarErrorCode(value: unknown): value is RegistrarErrorCode {
  return REG_ERRORS.isCode(value);
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
 * Check it with {@link isRegistrarError}, not `instanceof` alone.
 */
export class RegistrarError extends REG_ERRORS.Error {
  /** Reason phrase: the code's message in {@link REGISTRAR_ERRORS}. */
  readonly reason: string;
  /** What exactly was wrong, for logs. */
  readonly detail: string;
  /**
   * The code of the rule that refused: routing's code for a registration its
   * validation refused (`REG_ERR_INVALID_REGISTRATION`), else {@link code}.
   * The gRPC layer answers by this code, so a refusal keeps the code it was
   * given where it was decided.
   */
  readonly reasonCode: RegistrarErrorCode | RoutingErrorCode;
  /** See {@link RegistrarErrorFacts.conflict}. */
  readonly conflict: RegistrarErrorFacts['conflict'];
  /** See {@link RegistrarErrorFacts.routingError}. */
  readonly routingError: RoutingError | undefined;
  /** See {@link RegistrarErrorFacts.minExpires}. */
  readonly minExpires: number | undefined;

  constructor(code: RegistrarErrorCode, detail: string, facts: RegistrarErrorFacts = {}) {
    super(code, `${code}: ${detail}`, { cause: facts.cause });
    this.reason = REGISTRAR_ERRORS[code].message;
    this.detail = detail;
    this.reasonCode = facts.routingError?.code ?? code;
    this.conflict = facts.conflict;
    this.routingError = facts.routingError;
    this.minExpires = facts.minExpires;
  }
}

/**
 * Whether a value is a registrar error, optionally of one code. Checks the
 * brand and the code, not the class, so two loaded copies of this package agree.
 */
export function isRegistrarError(value: unknown, code?: RegistrarErrorCode): value is RegistrarError {
  return REG_ERRORS.is(value, code);
}
