/**
 * Stable error codes of the media relay: the bencode codec, the rtpengine
 * "ng" control client and the SDP rewriting of calls. Check them with
 * {@link isMediaRelayError}, by code.
 */
export const MEDIA_RELAY_ERROR_CODES = {
  MEDIA_RELAY_ERR_BENCODE_TRUNCATED: 'the bencoded input ends inside a value',
  MEDIA_RELAY_ERR_BENCODE_SYNTAX: 'a byte that cannot start or continue a bencoded value',
  MEDIA_RELAY_ERR_BENCODE_INTEGER: 'an integer or length that is malformed (leading zero, -0, no digits) or beyond 2^53',
  MEDIA_RELAY_ERR_BENCODE_KEY: 'a dictionary key that is not a UTF-8 byte string, or appears twice',
  MEDIA_RELAY_ERR_BENCODE_TOO_DEEP: 'lists and dictionaries nested deeper than the limit',
  MEDIA_RELAY_ERR_BENCODE_TRAILING: 'bytes after the bencoded value',
  MEDIA_RELAY_ERR_BENCODE_VALUE: 'a value bencode cannot carry (not a safe integer, string, bytes, list or dictionary)',
  MEDIA_RELAY_ERR_BAD_REPLY: 'the reply is not "cookie dictionary" with a result',
  MEDIA_RELAY_ERR_REFUSED: 'rtpengine answered result "error" (or "load limit")',
  MEDIA_RELAY_ERR_TIMEOUT: 'no reply within the timeout, after every retransmission',
  MEDIA_RELAY_ERR_REQUEST_TOO_LARGE: 'the request does not fit in one UDP datagram',
  MEDIA_RELAY_ERR_CLOSED: 'the client is closed',
  MEDIA_RELAY_ERR_SOCKET: 'the control socket failed',
  MEDIA_RELAY_ERR_ABORTED: 'the request was aborted by its signal',
} as const;

/** One of the stable `MEDIA_RELAY_ERR_…` codes. */
export type MediaRelayErrorCode = keyof typeof MEDIA_RELAY_ERROR_CODES;

/**
 * An error of the media relay. `offset` is the byte offset of a bencode
 * problem; `reason` the `error-reason` of a refused command; `status` the
 * SIP status a caller is answered with when a call's SDP cannot go through
 * the relay (503).
 */
export class MediaRelayError extends Error {
  readonly code: MediaRelayErrorCode;
  readonly offset: number | undefined;
  readonly reason: string | undefined;
  readonly status = 503;

  constructor(code: MediaRelayErrorCode, message?: string, options: { readonly offset?: number; readonly reason?: string; readonly cause?: unknown } = {}) {
    super(message ?? MEDIA_RELAY_ERROR_CODES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MediaRelayError';
    this.code = code;
    this.offset = options.offset;
    this.reason = options.reason;
  }
}

/**
 * True when `value` is a {@link MediaRelayError} (from any copy of this
 * module) and, when `code` is given, carries that code.
 */
export function isMediaRelayError(value: unknown, code?: MediaRelayErrorCode): value is MediaRelayError {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { name?: unknown; code?: unknown };
  if (c.name !== 'MediaRelayError' || typeof c.code !== 'string' || !(c.code in MEDIA_RELAY_ERROR_CODES)) return false;
  return code === undefined || c.code === code;
}
