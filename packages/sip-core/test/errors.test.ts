import { describe, expect, it } from 'vitest';
import { SIP_ERROR_CODES, SipError, isSipError, type SipErrorCode } from '../src/index.js';

describe('SipError', () => {
  const codes = Object.keys(SIP_ERROR_CODES) as SipErrorCode[];

  it.each(codes)('%s has a stable name and a sentence, and is recognised by code', (code) => {
    expect(code).toMatch(/^SIP_ERR_[A-Z0-9_]+$/);
    const error = new SipError(code, undefined, { status: 400, offset: 3 });
    expect(error.message).toBe(SIP_ERROR_CODES[code]);
    expect(error.message.length).toBeGreaterThan(10);
    expect(isSipError(error)).toBe(true);
    expect(isSipError(error, code)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.offset).toBe(3);
  });

  it('recognises an error from another copy of the package by its shape', () => {
    const foreign = Object.assign(new Error('x'), { name: 'SipError', code: 'SIP_ERR_BAD_VIA' });
    expect(isSipError(foreign, 'SIP_ERR_BAD_VIA')).toBe(true);
    expect(isSipError(foreign, 'SIP_ERR_BAD_CSEQ')).toBe(false);
  });

  it('refuses values that are not SIP errors', () => {
    expect(isSipError(new Error('x'))).toBe(false);
    expect(isSipError({ name: 'SipError', code: 'NOT_A_CODE' })).toBe(false);
    expect(isSipError(null)).toBe(false);
    expect(isSipError('SIP_ERR_BAD_VIA')).toBe(false);
  });
});
