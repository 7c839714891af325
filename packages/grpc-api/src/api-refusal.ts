import { REGISTRAR_ERRORS, type RegistrarErrorCode } from '@sipbreakout/registrar';
import type { RoutingErrorCode } from '@sipbreakout/routing';
import { API_ERROR_CODES, type ApiErrorCode } from './api-error.js';

/**
 * The text of every refusal of a registration's `sip_uri` — not `sips:`, an
 * IP address, malformed, empty, a port out of range — as the product
 * documents word it. One text, so a client matching on it sees every such
 * refusal; the code (in the log and the refusal metric) says which it was.
 */
export const SECURE_SIP_DOMAIN_REQUIRED = 'Secure SIP domain name required';

/**
 * The one table from the code of a refused registration to its
 * `error_message`, exactly (answered `STATUS_CODE_NOT_ACCEPTABLE`, a normal
 * response, not a gRPC error). The text is the whole `error_message`, with
 * nothing appended: clients match on it. What exactly was wrong (the value,
 * the registration in the way) is the refusal's `detail`, for the operator's
 * log and metrics only — it may name another client's registration. A
 * refusal keeps the code of the layer that decided it — routing's
 * validation (`ROUTE_ERR_…`), the registrar's rules (`REG_ERR_…`) or this
 * API's reading of the message (`API_ERR_…`) — and is worded for the client
 * here only.
 */
export const API_REFUSALS = {
  API_ERR_NO_REGISTRATION: API_ERROR_CODES.API_ERR_NO_REGISTRATION.message,
  API_ERR_NO_PHONE_NUMBER: API_ERROR_CODES.API_ERR_NO_PHONE_NUMBER.message,
  API_ERR_UNSPECIFIED_ROUTE_TYPE: API_ERROR_CODES.API_ERR_UNSPECIFIED_ROUTE_TYPE.message,
  API_ERR_IP_LITERAL: SECURE_SIP_DOMAIN_REQUIRED,
  API_ERR_MALFORMED_URI: SECURE_SIP_DOMAIN_REQUIRED,
  ROUTE_ERR_BAD_NUMBER: 'Phone number must be E.164 (+ and up to 15 digits)',
  ROUTE_ERR_NOT_SIPS: SECURE_SIP_DOMAIN_REQUIRED,
  ROUTE_ERR_NOT_DOMAIN: SECURE_SIP_DOMAIN_REQUIRED,
  ROUTE_ERR_BAD_PORT: SECURE_SIP_DOMAIN_REQUIRED,
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

/** A refused request as a value: its code, the message for the client, and the detail for the operator. */
export interface ApiRefusal {
  /** Stable, machine-checkable code, of the layer that refused. */
  readonly code: ApiRefusalCode;
  /** `error_message`, exactly the code's text in {@link API_REFUSALS}. */
  readonly message: string;
  /** What exactly was wrong, for the log: never sent to the client. */
  readonly detail?: string | undefined;
}

/** Builds the {@link ApiRefusal} of a code, with what exactly was wrong (kept out of the message). */
export function apiRefusal(code: ApiRefusalCode, detail?: string): ApiRefusal {
  const message: string = API_REFUSALS[code];
  return detail === undefined || detail === '' ? { code, message } : { code, message, detail };
}

/** Narrows a string to an {@link ApiRefusalCode}. */
export function isApiRefusalCode(value: unknown): value is ApiRefusalCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(API_REFUSALS, value);
}
