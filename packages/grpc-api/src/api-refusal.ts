import { REGISTRAR_ERRORS, type RegistrarErrorCode } from '@sipbreakout/registrar';
import type { RoutingErrorCode } from '@sipbreakout/routing';
import { API_ERROR_CODES, type ApiErrorCode } from './api-error.js';

/**
 * The one table from the code of a refused registration to the message that
 * starts its `error_message` (answered `STATUS_CODE_NOT_ACCEPTABLE`, a normal
 * response, not a gRPC error). A refusal keeps the code of the layer that
 * decided it — routing's validation (`ROUTE_ERR_…`), the registrar's rules
 * (`REG_ERR_…`) or this API's reading of the message (`API_ERR_…`) — and is
 * worded for the client here only.
 */
export const API_REFUSALS = {
  API_ERR_NO_REGISTRATION: API_ERROR_CODES.API_ERR_NO_REGISTRATION.message,
  API_ERR_NO_PHONE_NUMBER: API_ERROR_CODES.API_ERR_NO_PHONE_NUMBER.message,
  API_ERR_UNSPECIFIED_ROUTE_TYPE: API_ERROR_CODES.API_ERR_UNSPECIFIED_ROUTE_TYPE.message,
  API_ERR_IP_LITERAL: API_ERROR_CODES.API_ERR_IP_LITERAL.message,
  API_ERR_MALFORMED_URI: API_ERROR_CODES.API_ERR_MALFORMED_URI.message,
  ROUTE_ERR_BAD_NUMBER: 'Phone number must be E.164 (+ and up to 15 digits)',
  // The product documents' wording for a sip: URI.
  ROUTE_ERR_NOT_SIPS: 'Secure SIP domain name required',
  ROUTE_ERR_NOT_DOMAIN: API_ERROR_CODES.API_ERR_MALFORMED_URI.message,
  ROUTE_ERR_BAD_PORT: 'SIP URI port must be 1-65535',
  ROUTE_ERR_BAD_PREFIX: 'Prefix must be 0-16 digits',
  // The registrar's reason phrases are already worded for the client.
  REG_ERR_INVALID_REGISTRATION: REGISTRAR_ERRORS.REG_ERR_INVALID_REGISTRATION.message,
  REG_ERR_CONFLICT: REGISTRAR_ERRORS.REG_ERR_CONFLICT.message,
  REG_ERR_NOT_OWNER: REGISTRAR_ERRORS.REG_ERR_NOT_OWNER.message,
  REG_ERR_NOT_FOUND: REGISTRAR_ERRORS.REG_ERR_NOT_FOUND.message,
  REG_ERR_URI_MISMATCH: REGISTRAR_ERRORS.REG_ERR_URI_MISMATCH.message,
  REG_ERR_STORE_FULL: REGISTRAR_ERRORS.REG_ERR_STORE_FULL.message,
} as const satisfies { readonly [C in ApiErrorCode | RoutingErrorCode | RegistrarErrorCode]?: string };

/** The code of a refused registration: one of the keys of {@link API_REFUSALS}. */
export type ApiRefusalCode = keyof typeof API_REFUSALS;

/** Every {@link ApiRefusalCode}, in table order. */
export const API_REFUSAL_CODES: readonly ApiRefusalCode[] = Object.keys(API_REFUSALS).filter(isApiRefusalCode);

/** A refused request as a value: its code and the message for the client. */
export interface ApiRefusal {
  /** Stable, machine-checkable code, of the layer that refused. */
  readonly code: ApiRefusalCode;
  /** `error_message`: the code's message, then what exactly was wrong. */
  readonly message: string;
}

/** Builds the {@link ApiRefusal} of a code, with what exactly was wrong. */
export function apiRefusal(code: ApiRefusalCode, detail?: string): ApiRefusal {
  const base: string = API_REFUSALS[code];
  return { code, message: detail === undefined || detail === '' ? base : `${base}: ${detail}` };
}

/** Narrows a string to an {@link ApiRefusalCode}. */
export function isApiRefusalCode(value: unknown): value is ApiRefusalCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(API_REFUSALS, value);
}
