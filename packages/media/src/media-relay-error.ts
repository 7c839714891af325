import { defineErrorFamily, type ErrorTable } from '@sipbreakout/sip-core/error-kit';

/**
 * Stable error codes of the media relay: the bencode codec, the rtpengine
 * "ng" control client and the SDP rewriting of calls. Check them with
 * {@link isMediaRelayError}, by code. Each carries status 503: the SIP
 * status a caller is answered with when a call's SDP cannot go through the
 * relay.
 */
export const MEDIA_RELAY_ERROR_CODES = {
  MEDIA_RELAY_ERR_BENCODE_TRUNCATED: { message: 'the bencoded input is empty or ends inside a value', status: 503 },
  MEDIA_RELAY_ERR_BENCODE_SYNTAX: { message: 'a byte that cannot start or continue a bencoded value', status: 503 },
  MEDIA_RELAY_ERR_BENCODE_INTEGER: { message: 'an integer beyond 2^53', status: 503 },
  MEDIA_RELAY_ERR_BENCODE_TOO_DEEP: { message: 'lists and dictionaries nested deeper than the limit', status: 503 },
  MEDIA_RELAY_ERR_BENCODE_VALUE: {
    message: 'a value bencode cannot carry (not a safe integer, string, bytes, list or dictionary)',
    status: 503,
  },
  MEDIA_RELAY_ERR_BAD_REPLY: { message: 'the reply is not "cookie dictionary" with a result', status: 503 },
  MEDIA_RELAY_ERR_REFUSED: { message: 'rtpengine answered result "error" (or "load limit")', status: 503 },
  MEDIA_RELAY_ERR_TIMEOUT: { message: 'no reply within the timeout, after every retransmission', status: 503 },
  MEDIA_RELAY_ERR_REQUEST_TOO_LARGE: { message: 'the request does not fit in one UDP datagram', status: 503 },
  MEDIA_RELAY_ERR_CLOSED: { message: 'the client is closed', status: 503 },
  MEDIA_RELAY_ERR_SOCKET: { message: 'the control socket failed', status: 503 },
  MEDIA_RELAY_ERR_ABORTED: { message: 'the request was aborted by its signal', status: 503 },
} as const satisfies ErrorTable<'MEDIA_RELAY_ERR'>;

/** One of the stable `MEDIA_RELAY_ERR_…` codes. */
export type MediaRelayErrorCode = keyof typeof MEDIA_RELAY_ERROR_CODES;

const MEDIA_RELAY_ERRORS = defineErrorFamily('MediaRelayError', 'MEDIA_RELAY_ERR', MEDIA_RELAY_ERROR_CODES);

/**
 * An error of the media relay. `offset` is the byte offset of a bencode
 * problem, when known; `reason` the `error-reason` of a refused command;
 * `status` (from the table) the SIP status a caller is answered with.
 */
export class MediaRelayError extends MEDIA_RELAY_ERRORS.Error {
  readonly offset: number | undefined;
  readonly reason: string | undefined;

  constructor(
    code: MediaRelayErrorCode,
    message?: string,
    options: { readonly offset?: number; readonly reason?: string; readonly cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.offset = options.offset;
    this.reason = options.reason;
  }
}

/**
 * True when `value` is a {@link MediaRelayError} (from any copy of this
 * package) and, when `code` is given, carries that code.
 */
export function isMediaRelayError(value: unknown, code?: MediaRelayErrorCode): value is MediaRelayError {
  return MEDIA_RELAY_ERRORS.is(value, code);
}
