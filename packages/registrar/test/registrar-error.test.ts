import { describe, expect, it } from 'vitest';
import {
  REGISTRAR_ERRORS,
  REGISTRAR_ERROR_CODES,
  RegistrarError,
  isRegistrarError,
  type RegistrarErrorCode,
} from '../src/index.js';

// Every code, its SIP status (undefined: no SIP peer is answered) and reason.
const TABLE: ReadonlyArray<readonly [RegistrarErrorCode, number | undefined]> = [
  ['REG_ERR_INVALID_REGISTRATION', undefined],
  ['REG_ERR_CONFLICT', undefined],
  ['REG_ERR_NOT_OWNER', undefined],
  ['REG_ERR_NOT_FOUND', undefined],
  ['REG_ERR_URI_MISMATCH', undefined],
  ['REG_ERR_STORE_FULL', undefined],
  ['REG_ERR_STORE_CLOSED', undefined],
  ['REG_ERR_STORE_FAILED', undefined],
  ['REG_ERR_CONTENTION', undefined],
  ['REG_ERR_NOT_REGISTER', 405],
  ['REG_ERR_BAD_REQUEST', 400],
  ['REG_ERR_DOMAIN_NOT_SERVED', 404],
  ['REG_ERR_UNAUTHORIZED', 401],
  ['REG_ERR_STALE_NONCE', 401],
  ['REG_ERR_NONCE_REPLAY', 401],
  ['REG_ERR_FORBIDDEN', 403],
  ['REG_ERR_INTERVAL_TOO_BRIEF', 423],
  ['REG_ERR_CSEQ_OUT_OF_ORDER', 500],
  ['REG_ERR_TOO_MANY_BINDINGS', 403],
];

describe('RegistrarError', () => {
  it('the table covers every code', () => {
    expect(TABLE.map(([code]) => code)).toEqual(REGISTRAR_ERROR_CODES);
  });

  it.each(TABLE)('%s carries status %s and is recognized by code', (code, status) => {
    const error = new RegistrarError(code, 'detail');
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.reason).toBe(REGISTRAR_ERRORS[code].reason);
    expect(error.message).toBe(`${code}: detail`);
    expect(isRegistrarError(error, code)).toBe(true);
    expect(isRegistrarError(error)).toBe(true);
    const other = REGISTRAR_ERROR_CODES.find((c) => c !== code) as RegistrarErrorCode;
    expect(isRegistrarError(error, other)).toBe(false);
  });

  it('is checked by shape, so a copy from another package instance is recognized', () => {
    expect(isRegistrarError({ code: 'REG_ERR_CONFLICT' }, 'REG_ERR_CONFLICT')).toBe(true);
    expect(isRegistrarError({ code: 'SIP_ERR_BAD_CSEQ' })).toBe(false);
    expect(isRegistrarError(undefined)).toBe(false);
    expect(isRegistrarError('REG_ERR_CONFLICT')).toBe(false);
  });
});
