import { describe, expect, it } from 'vitest';
import { isMediaRelayError, MEDIA_RELAY_ERROR_CODES, MediaRelayError, type MediaRelayErrorCode } from '../src/media-relay-error.js';

describe('MediaRelayError', () => {
  it.each(Object.keys(MEDIA_RELAY_ERROR_CODES) as MediaRelayErrorCode[])('%s is recognised by its code, with a sentence and status 503', (code) => {
    const error = new MediaRelayError(code);
    expect(isMediaRelayError(error)).toBe(true);
    expect(isMediaRelayError(error, code)).toBe(true);
    expect(error.message).toBe(MEDIA_RELAY_ERROR_CODES[code]);
    expect(error.status).toBe(503);
    // A copy from another instance of the module is recognised by name and code.
    expect(isMediaRelayError({ name: 'MediaRelayError', code })).toBe(true);
  });

  it('is not confused with other errors', () => {
    expect(isMediaRelayError(new Error('x'))).toBe(false);
    expect(isMediaRelayError({ name: 'MediaRelayError', code: 'SIP_ERR_BAD_CSEQ' })).toBe(false);
    expect(isMediaRelayError(undefined)).toBe(false);
  });
});
