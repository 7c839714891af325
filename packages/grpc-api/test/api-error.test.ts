import { describe, expect, it } from 'vitest';
import { ERROR_BRAND } from '@sipbreakout/sip-core/error-kit';
import { RegistrarError, isRegistrarError } from '@sipbreakout/registrar';
import {
  API_ERROR_CODES,
  API_REFUSALS,
  API_REFUSAL_CODES,
  ApiError,
  apiRefusal,
  isApiError,
  isApiRefusalCode,
  type ApiErrorCode,
  type ApiRefusalCode,
} from '../src/index.js';

/** Every `API_ERR_…` code and its sentence; none is answered with a status. */
const CODES: readonly (readonly [ApiErrorCode, string])[] = [
  ['API_ERR_NO_REGISTRATION', 'Registration required'],
  ['API_ERR_NO_PHONE_NUMBER', 'Phone number required'],
  ['API_ERR_UNSPECIFIED_ROUTE_TYPE', 'Route type required'],
  ['API_ERR_IP_LITERAL', 'Secure SIP domain name required, not an IP address'],
  ['API_ERR_MALFORMED_URI', 'Malformed SIP URI'],
  ['API_ERR_PROTO_NOT_FOUND', 'the proto/ directory of this package was not found'],
  ['API_ERR_PROTO_FILE_UNKNOWN', 'a type is declared in no .proto file the descriptor set knows'],
  ['API_ERR_SERVICE_NOT_FOUND', 'the service is not declared in the loaded .proto files'],
  ['API_ERR_NO_RESPONSE', 'the call ended with neither an error nor a response'],
];

/** Every refusal code, of whichever layer decided it, and its exact `error_message`. */
const REFUSALS: readonly (readonly [ApiRefusalCode, string])[] = [
  ['API_ERR_NO_REGISTRATION', 'Registration required'],
  ['API_ERR_NO_PHONE_NUMBER', 'Phone number required'],
  ['API_ERR_UNSPECIFIED_ROUTE_TYPE', 'Route type required'],
  ['API_ERR_IP_LITERAL', 'Secure SIP domain name required'],
  ['API_ERR_MALFORMED_URI', 'Secure SIP domain name required'],
  ['ROUTE_ERR_BAD_NUMBER', 'Phone number must be E.164 (+ and up to 15 digits)'],
  ['ROUTE_ERR_NOT_SIPS', 'Secure SIP domain name required'],
  ['ROUTE_ERR_NOT_DOMAIN', 'Secure SIP domain name required'],
  ['ROUTE_ERR_BAD_PORT', 'Secure SIP domain name required'],
  ['ROUTE_ERR_BAD_PREFIX', 'Prefix must be 0-16 digits'],
  ['REG_ERR_INVALID_REGISTRATION', 'Invalid registration'],
  ['REG_ERR_CONFLICT', 'Conflicts with an existing registration'],
  ['REG_ERR_NOT_OWNER', 'Registration belongs to another client'],
  ['REG_ERR_NOT_FOUND', 'No such registration'],
  ['REG_ERR_URI_MISMATCH', 'SIP URI does not match the registration'],
  ['REG_ERR_STORE_FULL', 'Registration limit reached'],
];

describe('ApiError', () => {
  it('has one row per code in this table, and no other code', () => {
    expect(Object.keys(API_ERROR_CODES)).toEqual(CODES.map(([code]) => code));
  });

  it.each(CODES)('%s: %s, no status, recognised by its code and family only', (code, message) => {
    expect(code).toMatch(/^API_ERR_[A-Z0-9_]+$/);
    expect(API_ERROR_CODES[code]).toEqual({ message });
    const error = new ApiError(code);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.status).toBeUndefined();
    expect(error.name).toBe('ApiError');
    expect(isApiError(error)).toBe(true);
    expect(isApiError(error, code)).toBe(true);
    const sibling = CODES.find(([c]) => c !== code)![0];
    expect(isApiError(error, sibling)).toBe(false);
    expect(isRegistrarError(error)).toBe(false);
    expect(isApiError(new RegistrarError('REG_ERR_CONFLICT', 'x'))).toBe(false);
    expect(isApiError({ [ERROR_BRAND]: 'ApiError', code })).toBe(true);
    expect(isApiError({ name: 'ApiError', code })).toBe(false);
  });
});

describe('API_REFUSALS', () => {
  it('has one row per refusal code in this table, and no other code', () => {
    expect(API_REFUSAL_CODES).toEqual(REFUSALS.map(([code]) => code));
  });

  it.each(REFUSALS)('%s is answered "%s"', (code, text) => {
    expect(code).toMatch(/^(API|ROUTE|REG)_ERR_[A-Z0-9_]+$/);
    expect(isApiRefusalCode(code)).toBe(true);
    expect(API_REFUSALS[code]).toBe(text);
    expect(apiRefusal(code)).toEqual({ code, message: text });
    // The detail is for the operator: the client's text stays exactly the table's.
    expect(apiRefusal(code, 'what exactly')).toEqual({ code, message: text, detail: 'what exactly' });
  });

  it('knows no other code', () => {
    for (const other of [
      'REG_ERR_STORE_FAILED',
      'ROUTE_ERR_TOO_MANY_HOPS',
      'API_ERR_NO_RESPONSE',
      'toString',
      undefined,
    ]) {
      expect(isApiRefusalCode(other)).toBe(false);
    }
  });
});
