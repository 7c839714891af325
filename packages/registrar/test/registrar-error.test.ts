import { describe, expect, it } from 'vitest';
import { ERROR_BRAND } from '@sipbreakout/sip-core/error-kit';
import { SipError, isSipError } from '@sipbreakout/sip-core';
import { routingError } from '@sipbreakout/routing';
import {
  REGISTRAR_ERRORS,
  REGISTRAR_ERROR_CODES,
  RegistrarError,
  isRegistrarError,
  isRegistrarErrorCode,
  type RegistrarErrorCode,
} from '../src/index.js';

// Every code, its SIP status (undefined: no SIP peer is answered) and reason phrase.
const TABLE: ReadonlyArray<readonly [RegistrarErrorCode, number | undefined, string]> = [
  ['REG_ERR_INVALID_REGISTRATION', undefined, 'Invalid registration'],
  ['REG_ERR_CONFLICT', undefined, 'Conflicts with an existing registration'],
  ['REG_ERR_NOT_OWNER', undefined, 'Registration belongs to another client'],
  ['REG_ERR_NOT_FOUND', undefined, 'No such registration'],
  ['REG_ERR_URI_MISMATCH', undefined, 'SIP URI does not match the registration'],
  ['REG_ERR_STORE_FULL', undefined, 'Registration limit reached'],
  ['REG_ERR_STORE_CLOSED', undefined, 'Store is closed'],
  ['REG_ERR_STORE_FAILED', undefined, 'Store failed'],
  ['REG_ERR_CONTENTION', undefined, 'Too many concurrent writes to one number'],
  ['REG_ERR_NOT_A_JOURNAL', undefined, 'Not a registrar journal'],
  ['REG_ERR_NOT_REGISTER', 405, 'Method Not Allowed'],
  ['REG_ERR_BAD_REQUEST', 400, 'Bad Request'],
  ['REG_ERR_DOMAIN_NOT_SERVED', 404, 'Not Found'],
  ['REG_ERR_UNAUTHORIZED', 401, 'Unauthorized'],
  ['REG_ERR_STALE_NONCE', 401, 'Unauthorized'],
  ['REG_ERR_NONCE_REPLAY', 401, 'Unauthorized'],
  ['REG_ERR_FORBIDDEN', 403, 'Forbidden'],
  ['REG_ERR_INTERVAL_TOO_BRIEF', 423, 'Interval Too Brief'],
  ['REG_ERR_CSEQ_OUT_OF_ORDER', 500, 'Server Internal Error'],
  ['REG_ERR_TOO_MANY_BINDINGS', 403, 'Too Many Bindings'],
];

describe('RegistrarError', () => {
  it('the table covers every code', () => {
    expect(TABLE.map(([code]) => code)).toEqual(REGISTRAR_ERROR_CODES);
  });

  it.each(TABLE)('%s carries status %s and reason %s, and is recognized by code', (code, status, reason) => {
    expect(code).toMatch(/^REG_ERR_[A-Z0-9_]+$/);
    expect(REGISTRAR_ERRORS[code]).toEqual({ message: reason, status });
    const error = new RegistrarError(code, 'detail');
    expect(error.code).toBe(code);
    expect(error.reasonCode).toBe(code);
    expect(error.status).toBe(status);
    expect(error.reason).toBe(reason);
    expect(error.detail).toBe('detail');
    expect(error.message).toBe(`${code}: detail`);
    expect(error.name).toBe('RegistrarError');
    expect(isRegistrarErrorCode(code)).toBe(true);
    expect(isRegistrarError(error, code)).toBe(true);
    expect(isRegistrarError(error)).toBe(true);
    const other = REGISTRAR_ERROR_CODES.find((c) => c !== code) as RegistrarErrorCode;
    expect(isRegistrarError(error, other)).toBe(false);
    // Another family's error is not a registrar error, nor the other way round.
    expect(isSipError(error)).toBe(false);
    expect(isRegistrarError(new SipError('SIP_ERR_BAD_CSEQ'))).toBe(false);
  });

  it('keeps the routing code of an invalid registration as its reason code, and the facts', () => {
    const refused = routingError('ROUTE_ERR_NOT_SIPS', 'sip:tas.example.com');
    const error = new RegistrarError('REG_ERR_INVALID_REGISTRATION', refused.detail, { routingError: refused });
    expect(error.code).toBe('REG_ERR_INVALID_REGISTRATION');
    expect(error.reasonCode).toBe('ROUTE_ERR_NOT_SIPS');
    expect(error.routingError).toBe(refused);
    expect(new RegistrarError('REG_ERR_INTERVAL_TOO_BRIEF', 'x', { minExpires: 60 }).minExpires).toBe(60);
    const cause = new Error('disk');
    expect(new RegistrarError('REG_ERR_STORE_FAILED', 'x', { cause }).cause).toBe(cause);
  });

  it('is checked by brand and code, so a copy from another package instance is recognized', () => {
    expect(isRegistrarError({ [ERROR_BRAND]: 'RegistrarError', code: 'REG_ERR_CONFLICT' }, 'REG_ERR_CONFLICT')).toBe(
      true,
    );
    expect(isRegistrarError({ code: 'REG_ERR_CONFLICT' })).toBe(false);
    expect(isRegistrarError({ code: 'SIP_ERR_BAD_CSEQ' })).toBe(false);
    expect(isRegistrarError(undefined)).toBe(false);
    expect(isRegistrarError('REG_ERR_CONFLICT')).toBe(false);
  });
});
