import { describe, expect, it } from 'vitest';
import { ERROR_BRAND, isSipError, SipError } from '@sipbreakout/sip-core';
import {
  isMediaRelayError,
  MEDIA_RELAY_ERROR_CODES,
  MediaRelayError,
  type MediaRelayErrorCode,
} from '../src/media-relay-error.js';

describe('MediaRelayError', () => {
  it.each(Object.keys(MEDIA_RELAY_ERROR_CODES) as MediaRelayErrorCode[])(
    '%s is recognised by its code, with its sentence and status 503',
    (code) => {
      const error = new MediaRelayError(code);
      expect(code.startsWith('MEDIA_RELAY_ERR_')).toBe(true);
      expect(isMediaRelayError(error)).toBe(true);
      expect(isMediaRelayError(error, code)).toBe(true);
      expect(error.name).toBe('MediaRelayError');
      expect(error.message).toBe(MEDIA_RELAY_ERROR_CODES[code].message);
      expect(error.status).toBe(503);
      // A copy from another instance of the package carries the same brand and is recognised by it.
      expect(isMediaRelayError({ [ERROR_BRAND]: 'MediaRelayError', code })).toBe(true);
      // Another family's guard does not take it.
      expect(isSipError(error)).toBe(false);
    },
  );

  it('keeps the facts of a bencode problem and of a refused command', () => {
    const error = new MediaRelayError('MEDIA_RELAY_ERR_REFUSED', 'rtpengine refused', {
      reason: 'Unknown call-id',
      offset: 4,
    });
    expect(error.reason).toBe('Unknown call-id');
    expect(error.offset).toBe(4);
  });

  it('is not confused with other errors', () => {
    expect(isMediaRelayError(new Error('x'))).toBe(false);
    expect(isMediaRelayError(new SipError('SIP_ERR_BAD_CSEQ'))).toBe(false);
    expect(isMediaRelayError({ [ERROR_BRAND]: 'MediaRelayError', code: 'SIP_ERR_BAD_CSEQ' })).toBe(false);
    expect(isMediaRelayError({ name: 'MediaRelayError', code: 'MEDIA_RELAY_ERR_TIMEOUT' })).toBe(false);
    expect(isMediaRelayError(undefined)).toBe(false);
  });
});
