import { defineErrorFamily, type ErrorTable } from './error-kit.js';

/**
 * Stable error codes of the message layer. Each code names one kind of
 * problem; the code never changes meaning between releases, so callers may
 * switch on it and count it. The status a request with the problem is
 * answered with depends on where it was found, so it is given by the parser
 * per occurrence ({@link SipParseError.status}), not by this table.
 */
export const SIP_ERROR_CODES = {
  SIP_ERR_EMPTY: { message: 'the input holds no message' },
  SIP_ERR_MESSAGE_TOO_LARGE: { message: 'the message exceeds the configured size limit' },
  SIP_ERR_NO_HEADER_END: { message: 'the header section is not terminated by an empty line' },
  SIP_ERR_INVALID_UTF8: { message: 'the header section is not valid UTF-8' },
  SIP_ERR_BAD_START_LINE: { message: 'the start line is malformed' },
  SIP_ERR_BAD_METHOD: { message: 'the request method is not a token' },
  SIP_ERR_BAD_REQUEST_URI: { message: 'the Request-URI is malformed' },
  SIP_ERR_BAD_VERSION: { message: 'the SIP version is not SIP/2.0' },
  SIP_ERR_BAD_STATUS_CODE: { message: 'the status code is not a number from 100 to 699' },
  SIP_ERR_BAD_REASON_PHRASE: { message: 'the reason phrase holds characters it may not' },
  SIP_ERR_BAD_HEADER_LINE: { message: 'a header line is not "name: value"' },
  SIP_ERR_TOO_MANY_HEADERS: { message: 'the message has more header fields than the configured limit' },
  SIP_ERR_HEADER_LINE_TOO_LONG: { message: 'a header field is longer than the configured limit' },
  SIP_ERR_TOO_MANY_VIAS: { message: 'the message has more Via entries than the configured limit' },
  SIP_ERR_MISSING_HEADER: { message: 'a header field every message needs is missing' },
  SIP_ERR_DUPLICATE_HEADER: { message: 'a header field that may appear once appears more than once' },
  SIP_ERR_BAD_VIA: { message: 'a Via header field is malformed' },
  SIP_ERR_BAD_FROM: { message: 'the From header field is malformed' },
  SIP_ERR_BAD_TO: { message: 'the To header field is malformed' },
  SIP_ERR_BAD_CONTACT: { message: 'a Contact header field is malformed' },
  SIP_ERR_BAD_ROUTE: { message: 'a Route header field is malformed' },
  SIP_ERR_BAD_RECORD_ROUTE: { message: 'a Record-Route header field is malformed' },
  SIP_ERR_BAD_CALL_ID: { message: 'the Call-ID header field is malformed' },
  SIP_ERR_BAD_CSEQ: { message: 'the CSeq header field is malformed or out of range' },
  SIP_ERR_CSEQ_METHOD_MISMATCH: { message: 'the CSeq method differs from the request method' },
  SIP_ERR_BAD_MAX_FORWARDS: { message: 'the Max-Forwards header field is not a number from 0 to 255' },
  SIP_ERR_BAD_CONTENT_LENGTH: { message: 'the Content-Length header field is not a valid length' },
  SIP_ERR_MISSING_CONTENT_LENGTH: { message: 'a message on a stream transport has no Content-Length' },
  SIP_ERR_BODY_TRUNCATED: { message: 'the body is shorter than Content-Length says' },
  SIP_ERR_BAD_CONTENT_TYPE: { message: 'the Content-Type header field is malformed' },
  SIP_ERR_BAD_EXPIRES: { message: 'an Expires value is malformed or out of range' },
  SIP_ERR_BAD_MIN_EXPIRES: { message: 'the Min-Expires header field is malformed or out of range' },
  SIP_ERR_BAD_RETRY_AFTER: { message: 'the Retry-After header field is malformed or out of range' },
  SIP_ERR_BAD_WARNING: { message: 'a Warning header field is malformed' },
  SIP_ERR_BAD_DATE: { message: 'the Date header field is not an RFC 1123 date in GMT' },
  SIP_ERR_BAD_SESSION_ID: { message: 'the Session-ID header field is malformed' },
  SIP_ERR_BAD_P_ASSERTED_IDENTITY: { message: 'a P-Asserted-Identity header field is malformed' },
  SIP_ERR_BAD_AUTHORIZATION: { message: 'an Authorization or authentication challenge header field is malformed' },
  SIP_ERR_BAD_URI: { message: 'the URI is malformed' },
  SIP_ERR_BAD_HEADER_VALUE: { message: 'the header value is malformed' },
  SIP_ERR_NOT_A_REQUEST: { message: 'a request was expected and the message is a response' },
} as const satisfies ErrorTable<'SIP_ERR'>;

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

const SIP_ERRORS = defineErrorFamily('SipError', 'SIP_ERR', SIP_ERROR_CODES);

/**
 * The error thrown by the few APIs that throw (typed accessors of headers
 * parsed on first access, serializers given impossible values). Check it with
 * {@link isSipError}, not `instanceof` alone: a workspace can load two copies
 * of this package.
 */
export class SipError extends SIP_ERRORS.Error {
  /** Byte offset into the input where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(code: SipErrorCode, message?: string, options?: { offset?: number; status?: number; cause?: unknown }) {
    super(code, message, options);
    this.offset = options?.offset;
  }
}

/**
 * True when `value` is a {@link SipError} (from any copy of this package),
 * and, when `code` is given, carries that code.
 */
export function isSipError(value: unknown, code?: SipErrorCode): value is SipError {
  return SIP_ERRORS.is(value, code);
}
