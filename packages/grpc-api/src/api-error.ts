import { defineErrorFamily, type ErrorTable } from '@sipbreakout/sip-core/error-kit';

/**
 * Stable codes of what this package decides itself. Refusals of what only
 * the API knows — the shape of a registration message, its finer reading of
 * a TAS URI — are answered `STATUS_CODE_NOT_ACCEPTABLE` with the message as
 * `error_message` (see `API_REFUSALS`); refusals decided by routing or the
 * registrar keep their own `ROUTE_ERR_…` and `REG_ERR_…` codes. The others
 * are failures it throws as an {@link ApiError}: its .proto files, a call
 * that ended without a response.
 */
export const API_ERROR_CODES = {
  API_ERR_NO_REGISTRATION: { message: 'Registration required' },
  API_ERR_NO_PHONE_NUMBER: { message: 'Phone number required' },
  API_ERR_UNSPECIFIED_ROUTE_TYPE: { message: 'Route type required' },
  API_ERR_IP_LITERAL: { message: 'Secure SIP domain name required, not an IP address' },
  API_ERR_MALFORMED_URI: { message: 'Malformed SIP URI' },
  API_ERR_PROTO_NOT_FOUND: { message: 'the proto/ directory of this package was not found' },
  API_ERR_PROTO_FILE_UNKNOWN: { message: 'a type is declared in no .proto file the descriptor set knows' },
  API_ERR_SERVICE_NOT_FOUND: { message: 'the service is not declared in the loaded .proto files' },
  API_ERR_NO_RESPONSE: { message: 'the call ended with neither an error nor a response' },
} as const satisfies ErrorTable<'API_ERR'>;

/** One of the stable `API_ERR_…` codes. */
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

const API_ERRORS = defineErrorFamily('ApiError', 'API_ERR', API_ERROR_CODES);

/** A failure of this package; check it with {@link isApiError}. */
export class ApiError extends API_ERRORS.Error {}

/**
 * True when `value` is an {@link ApiError} (from any copy of this package)
 * and, when `code` is given, carries that code.
 */
export function isApiError(value: unknown, code?: ApiErrorCode): value is ApiError {
  return API_ERRORS.is(value, code);
}
