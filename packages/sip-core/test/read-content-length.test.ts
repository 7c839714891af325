import { describe, expect, it } from 'vitest';
import { readContentLength } from '../src/read-content-length.js';

const head = (fields: string): Buffer => Buffer.from('INVITE sip:a@b SIP/2.0\r\n' + fields + '\r\n', 'latin1');

describe('readContentLength', () => {
  it.each([
    ['Content-Length: 12\r\n', 12],
    ['content-length:12\r\n', 12],
    ['CONTENT-LENGTH \t: 0\r\n', 0],
    ['l: 7\r\n', 7],
    ['L:7  \r\n', 7],
    ['Content-Length: 000123\r\n', 123],
    ['Content-Length:\r\n 42\r\n', 42],
    ['Content-Length: 42\r\n \r\n', 42],
    ['Via: x\r\nl: 3\r\nX: y\r\n', 3],
    ['Content-Length: 3\r\nl: 3\r\n', 3],
    ['Content-Length: 2147483647\r\n', 2147483647],
  ])('reads %j as %d', (fields, length) => {
    expect(readContentLength(head(fields))).toBe(length);
  });

  it.each([
    ['', 'SIP_ERR_MISSING_CONTENT_LENGTH'],
    ['Content-Lengths: 3\r\n', 'SIP_ERR_MISSING_CONTENT_LENGTH'],
    ['X-Content-Length: 3\r\n', 'SIP_ERR_MISSING_CONTENT_LENGTH'],
    [' l: 3\r\n', 'SIP_ERR_MISSING_CONTENT_LENGTH'],
    ['Content\rLength: 3\r\n', 'SIP_ERR_MISSING_CONTENT_LENGTH'],
    ['Content-Length: \r\n', 'SIP_ERR_BAD_CONTENT_LENGTH'],
    ['Content-Length: 1 2\r\n', 'SIP_ERR_BAD_CONTENT_LENGTH'],
    ['Content-Length: 1\r\n 2\r\n', 'SIP_ERR_BAD_CONTENT_LENGTH'],
    ['Content-Length: 0x10\r\n', 'SIP_ERR_BAD_CONTENT_LENGTH'],
    ['Content-Length: 2147483648\r\n', 'SIP_ERR_BAD_CONTENT_LENGTH'],
    ['Content-Length: 99999999999999999999999\r\n', 'SIP_ERR_BAD_CONTENT_LENGTH'],
    ['Content-Length: 3\r\nl: 4\r\n', 'SIP_ERR_DUPLICATE_HEADER'],
  ])('refuses %j with %s', (fields, code) => {
    const result = readContentLength(head(fields));
    expect(typeof result === 'number' ? result : result.code).toBe(code);
  });

  it('does not read the start line as a header field', () => {
    expect(readContentLength(Buffer.from('l: 5 SIP/2.0\r\n\r\n', 'latin1'))).toMatchObject({
      code: 'SIP_ERR_MISSING_CONTENT_LENGTH',
    });
  });
});
