/**
 * Stable error codes of the message layer. Each code names one kind of
 * problem; the code never changes meaning between releases, so callers may
 * switch on it and count it.
 */
export const SIP_ERROR_CODES = {
  SIP_ERR_EMPTY: 'the input holds no message',
  SIP_ERR_MESSAGE_TOO_LARGE: 'the message exceeds the configured size limit',
  SIP_ERR_NO_HEADER_END: 'the header section is not terminated by an empty line',
  SIP_ERR_INVALID_UTF8: 'the header section is not valid UTF-8',
  SIP_ERR_BAD_START_LINE: 'the start line is malformed',
  SIP_ERR_BAD_METHOD: 'the request method is not a token',
  SIP_ERR_BAD_REQUEST_URI: 'the Request-URI is malformed',
  SIP_ERR_BAD_VERSION: 'the SIP version is not SIP/2.0',
  SIP_ERR_BAD_STATUS_CODE: 'the status code is not a number from 100 to 699',
  SIP_ERR_BAD_REASON_PHRASE: 'the reason phrase holds characters it may not',
  SIP_ERR_BAD_HEADER_LINE: 'a header line is not "name: value"',
  SIP_ERR_TOO_MANY_HEADERS: 'the message has more header fields than the configured limit',
  SIP_ERR_HEADER_LINE_TOO_LONG: 'a header field is longer than the configured limit',
  SIP_ERR_TOO_MANY_VIAS: 'the message has more Via entries than the configured limit',
  SIP_ERR_MISSING_HEADER: 'a header field every message needs is missing',
  SIP_ERR_DUPLICATE_HEADER: 'a header field that may appear once appears more than once',
  SIP_ERR_BAD_VIA: 'a Via header field is malformed',
  SIP_ERR_BAD_FROM: 'the From header field is malformed',
  SIP_ERR_BAD_TO: 'the To header field is malformed',
  SIP_ERR_BAD_CONTACT: 'a Contact header field is malformed',
  SIP_ERR_BAD_ROUTE: 'a Route header field is malformed',
  SIP_ERR_BAD_RECORD_ROUTE: 'a Record-Route header field is malformed',
  SIP_ERR_BAD_CALL_ID: 'the Call-ID header field is malformed',
  SIP_ERR_BAD_CSEQ: 'the CSeq header field is malformed or out of range',
  SIP_ERR_CSEQ_METHOD_MISMATCH: 'the CSeq method differs from the request method',
  SIP_ERR_BAD_MAX_FORWARDS: 'the Max-Forwards header field is not a number from 0 to 255',
  SIP_ERR_BAD_CONTENT_LENGTH: 'the Content-Length header field is not a valid length',
  SIP_ERR_MISSING_CONTENT_LENGTH: 'a message on a stream transport has no Content-Length',
  SIP_ERR_BODY_TRUNCATED: 'the body is shorter than Content-Length says',
  SIP_ERR_BAD_CONTENT_TYPE: 'the Content-Type header field is malformed',
  SIP_ERR_BAD_EXPIRES: 'an Expires value is malformed or out of range',
  SIP_ERR_BAD_MIN_EXPIRES: 'the Min-Expires header field is malformed or out of range',
  SIP_ERR_BAD_RETRY_AFTER: 'the Retry-After header field is malformed or out of range',
  SIP_ERR_BAD_WARNING: 'a Warning header field is malformed',
  SIP_ERR_BAD_DATE: 'the Date header field is not an RFC 1123 date in GMT',
  SIP_ERR_BAD_SESSION_ID: 'the Session-ID header field is malformed',
  SIP_ERR_BAD_P_ASSERTED_IDENTITY: 'a P-Asserted-Identity header field is malformed',
  SIP_ERR_BAD_AUTHORIZATION: 'an Authorization or authentication challenge header field is malformed',
  SIP_ERR_BAD_URI: 'the URI is malformed',
  SIP_ERR_BAD_HEADER_VALUE: 'the header value is malformed',
} as const;

/** One of the stable `SIP_ERR_…` codes. */
export type SipErrorCode = keyof typeof SIP_ERROR_CODES;

/**
 * What a parser found wrong, as a value: a stable code, the byte offset in
 * the input where the problem was seen (when known), a sentence for people,
 * and, when the input was a request that can still be answered, the status
 * to answer with.
 */
export interface SipParseError {
  readonly code: SipErrorCode;
  readonly message: string;
  /** Byte offset into the input where the problem was found. */
  readonly offset?: number;
  /** The SIP status a server should answer the request with (400, 505, 513…). */
  readonly status?: number;
  /** What could be read of the request, enough to build the error response. */
  readonly request?: PartialRequest;
}

/**
 * The parts of a rejected request that RFC 3261 §8.2.6.2 copies into a
 * response: the method and Request-URI text, and the raw Via, From, To,
 * Call-ID and CSeq header fields in the order they appeared.
 */
export interface PartialRequest {
  readonly method: string;
  readonly requestUri: string;
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
}

/**
 * The error thrown by the few APIs that throw (typed accessors of headers
 * parsed on first access, serializers given impossible values). Check it with
 * {@link isSipError}, not `instanceof` alone: a workspace can load two copies
 * of this package.
 */
export class SipError extends Error {
  readonly code: SipErrorCode;
  readonly offset: number | undefined;
  readonly status: number | undefined;

  constructor(code: SipErrorCode, message?: string, options?: { offset?: number; status?: number }) {
    super(message ?? SIP_ERROR_CODES[code]);
    this.name = 'SipError';
    this.code = code;
    this.offset = options?.offset;
    this.status = options?.status;
  }
}

/**
 * True when `value` is a {@link SipError} (from any copy of this package),
 * and, when `code` is given, carries that code.
 */
export function isSipError(value: unknown, code?: SipErrorCode): value is SipError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  if (candidate.name !== 'SipError' || typeof candidate.code !== 'string') return false;
  if (!(candidate.code in SIP_ERROR_CODES)) return false;
  return code === undefined || candidate.code === code;
}
