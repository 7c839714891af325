import { describe, expect, it } from 'vitest';
import { methodLabel, summarizeSent } from '../src/observed-transport.js';

const bytes = (text: string): Uint8Array => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

describe('summarizeSent', () => {
  it.each([
    ['a request', 'OPTIONS sip:a@b SIP/2.0\nCall-ID: x1\nCSeq: 1 OPTIONS\n\n', { method: 'OPTIONS', status: '', callId: 'x1', sessionId: undefined }],
    ['a response (method from CSeq)', 'SIP/2.0 503 Service Unavailable\ni: x2\nCSeq: 7 INVITE\nSession-ID: 0123456789abcdef0123456789abcdef\n\n', { method: 'INVITE', status: '503', callId: 'x2', sessionId: '0123456789abcdef0123456789abcdef' }],
    ['an invented method', 'FROBNICATE sip:a@b SIP/2.0\nCSeq: 1 FROBNICATE\n\n', { method: 'other', status: '', callId: undefined, sessionId: undefined }],
  ])('reads %s', (_what, text, expected) => {
    expect(summarizeSent(bytes(text))).toEqual(expected);
  });

  it('bounds the method label set', () => {
    expect(methodLabel('INVITE')).toBe('INVITE');
    expect(methodLabel('invite')).toBe('other');
  });
});
