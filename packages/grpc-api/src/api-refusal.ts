/**
 * Stable codes for every registration the API refuses with
 * `STATUS_CODE_NOT_ACCEPTABLE` (a normal response, not a gRPC error), and
 * the human-readable message each is answered with.
 */
export type ApiRefusalCode =
  | 'API_ERR_NO_REGISTRATION'
  | 'API_ERR_NO_PHONE_NUMBER'
  | 'API_ERR_BAD_NUMBER'
  | 'API_ERR_UNSPECIFIED_ROUTE_TYPE'
  | 'API_ERR_NOT_SIPS'
  | 'API_ERR_IP_LITERAL'
  | 'API_ERR_MALFORMED_URI'
  | 'API_ERR_BAD_PORT'
  | 'API_ERR_BAD_PREFIX'
  | 'API_ERR_CONFLICT'
  | 'API_ERR_NOT_OWNER'
  | 'API_ERR_NOT_FOUND'
  | 'API_ERR_URI_MISMATCH'
  | 'API_ERR_STORE_FULL';

/** The message that starts the `error_message` of each {@link ApiRefusalCode}. */
export const API_REFUSALS = {
  API_ERR_NO_REGISTRATION: 'Registration required',
  API_ERR_NO_PHONE_NUMBER: 'Phone number required',
  API_ERR_BAD_NUMBER: 'Phone number must be E.164 (+ and up to 15 digits)',
  API_ERR_UNSPECIFIED_ROUTE_TYPE: 'Route type required',
  // The product documents' wording for a sip: URI.
  API_ERR_NOT_SIPS: 'Secure SIP domain name required',
  API_ERR_IP_LITERAL: 'Secure SIP domain name required, not an IP address',
  API_ERR_MALFORMED_URI: 'Malformed SIP URI',
  API_ERR_BAD_PORT: 'SIP URI port must be 1-65535',
  API_ERR_BAD_PREFIX: 'Prefix must be 0-16 digits',
  API_ERR_CONFLICT: 'Conflicts with an existing registration',
  API_ERR_NOT_OWNER: 'Registration belongs to another client',
  API_ERR_NOT_FOUND: 'No such registration',
  API_ERR_URI_MISMATCH: 'SIP URI does not match the registration',
  API_ERR_STORE_FULL: 'Registration limit reached',
} as const satisfies Record<ApiRefusalCode, string>;

/** Every {@link ApiRefusalCode}, in table order. */
export const API_REFUSAL_CODES: readonly ApiRefusalCode[] = Object.keys(API_REFUSALS).filter(isApiRefusalCode);

/** A refused request as a value: its code and the message for the client. */
export interface ApiRefusal {
  /** Stable, machine-checkable code. */
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
