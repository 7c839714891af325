import { isAscii, isUtf8 } from 'node:buffer';
import { CLASS, TOKEN, parseDigits } from './charset.js';
import { parseMediaType, type MediaType } from './content-type.js';
import { resolveLimits, type ParseLimits } from './limits.js';
import { SipRequest, SipResponse, TrackedHeaders, TypedSlots, type SipMessage } from './message.js';
import {
  parseContactValue,
  parseFromTo,
  parseNameAddressValue,
  type Contact,
  type NameAddress,
} from './name-address.js';
import type { ParseResult } from './parse-result.js';
import { ParseState, earlyError, noHeaderEnd } from './parse-state.js';
import { MAX_DELTA_SECONDS, isCallId, isWarning, parseCSeq, parseRetryAfter, parseSipDate } from './scalar-headers.js';
import { splitHeaders, valueOffset } from './split-headers.js';
import { UriContext, parseUriRange, type Uri } from './uri.js';
import { parseViaValue, type Via } from './via.js';

/** Options of {@link parseMessage}. */
export interface ParseOptions {
  /** Limits on size and counts; any not given take the defaults. */
  readonly limits?: Partial<ParseLimits>;
  /**
   * How the message arrived. `'datagram'` (the default): Content-Length may be
   * absent (the body is the rest of the datagram) and octets after the body
   * are dropped (RFC 3261 §18.3). `'stream'`: Content-Length is required.
   */
  readonly framing?: 'datagram' | 'stream';
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

const EMPTY_BODY = new Uint8Array(0);

function toBuffer(input: Uint8Array | string): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (Buffer.isBuffer(input)) return input;
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

function startsLikeResponse(buf: Buffer, at: number): boolean {
  return (buf[at]! | 32) === 115 && (buf[at + 1]! | 32) === 105 && (buf[at + 2]! | 32) === 112 && buf[at + 3] === 47;
}

/**
 * Parses one SIP message (RFC 3261 §7) from bytes or a string.
 *
 * Never throws on bad input: it returns `{ ok: false, error }` with a stable
 * code, the byte offset of the problem and, for a request that can still be
 * answered, the status to answer with and the headers to copy into that
 * answer. The start line and the headers a SIP element relies on (Via, From,
 * To, Call-ID, CSeq, Max-Forwards, Contact, Route, Record-Route,
 * Content-Length, Content-Type, Expires, and Date, Retry-After, Warning,
 * Min-Expires when present) are checked here, so a message that parses can be
 * routed; the others stay raw until read.
 *
 * The body is a view of the input, not a copy.
 */
export function parseMessage(input: Uint8Array | string, options?: ParseOptions): ParseResult {
  const limits = resolveLimits(options?.limits);
  const buf = toBuffer(input);
  const length = buf.length;
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  let start = 0;
  while (start + 1 < length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
  if (start >= length) return earlyError('SIP_ERR_EMPTY', 'the input holds no message', 0);
  if (length > limits.maxMessageSize) {
    return earlyError(
      'SIP_ERR_MESSAGE_TOO_LARGE',
      `the message is ${length} bytes, over the limit of ${limits.maxMessageSize}`,
      limits.maxMessageSize,
      startsLikeResponse(buf, start) ? undefined : 513,
    );
  }
  let head: string;
  // Where CRLFCRLF starts, in bytes; for a whole text, the split finds the empty line instead.
  let headEnd = -1;
  let ascii = isAscii(buf);
  const whole = ascii;
  if (whole) {
    // The usual case: the whole message is ASCII, so one decoding serves, and the split below finds
    // the empty line that ends the head (a search for CRLFCRLF first would read the head twice).
    head = buf.toString('latin1', start, length);
  } else {
    headEnd = buf.indexOf(CRLFCRLF, start);
    if (headEnd < 0) return noHeaderEnd(length);
    // The head keeps its last CRLF so that every line, the last included, ends in CRLF.
    const headBytes = buf.subarray(start, headEnd + 2);
    ascii = isAscii(headBytes);
    if (!ascii && !isUtf8(headBytes))
      return earlyError('SIP_ERR_INVALID_UTF8', 'the header section is not valid UTF-8', start);
    head = buf.toString(ascii ? 'latin1' : 'utf8', start, headEnd + 2);
  }
  const state = new ParseState(start, head, ascii, whole);
  const lineEnd = head.indexOf('\r\n');
  if (lineEnd < 0) return noHeaderEnd(length);
  const badStart = parseStartLine(state, head.slice(0, lineEnd));
  const early =
    badStart === undefined
      ? splitHeaders(state, lineEnd + 2, limits)
      : withHeaders(state, badStart, lineEnd + 2, limits);
  if (early !== undefined) {
    // A message without an empty line is reported as such, whatever else is wrong with it.
    return state.whole && head.indexOf('\r\n\r\n') < 0 ? noHeaderEnd(length) : early;
  }
  const typed = new TypedSlots();
  const checked = checkHeaders(state, typed, limits);
  if (checked !== undefined) return checked;

  // Body: RFC 3261 §18.3 — Content-Length bytes after the empty line; in a datagram, extra octets are dropped.
  const bodyStart = whole ? start + state.headLength + 2 : headEnd + 4;
  const available = length - bodyStart;
  let body: Uint8Array;
  const contentLength = typed.contentLength;
  if (contentLength !== null && contentLength !== undefined) {
    if (contentLength > available) {
      return state.fail(
        'SIP_ERR_BODY_TRUNCATED',
        `Content-Length is ${contentLength} but only ${available} bytes follow the headers`,
        state.headLength,
        400,
      );
    }
    body = contentLength === 0 ? EMPTY_BODY : buf.subarray(bodyStart, bodyStart + contentLength);
  } else {
    if (options?.framing === 'stream') {
      return state.fail(
        'SIP_ERR_MISSING_CONTENT_LENGTH',
        'a message on a stream transport must carry Content-Length (RFC 3261 §18.3)',
        state.headLength,
        400,
      );
    }
    body = available === 0 ? EMPTY_BODY : buf.subarray(bodyStart);
  }
  const headers = new TrackedHeaders(state.names, state.keys, state.values, typed);
  const message: SipMessage = state.isRequest
    ? new SipRequest({ method: state.method, uri: state.uri as Uri, headers, body })
    : new SipResponse({ status: state.status, reason: state.reason, headers, body });
  return { ok: true, message };
}

/**
 * A request refused for its start line is still answered (a 505 for its
 * version, RFC 3261 §8.2.6.2), so the answer needs the headers it copies:
 * they are split, as far as they can be, and added to the error.
 */
function withHeaders(state: ParseState, result: ParseResult, pos: number, limits: ParseLimits): ParseResult {
  if (result.ok || result.error.request === undefined) return result;
  splitHeaders(state, pos, limits);
  return { ok: false, error: { ...result.error, request: state.partial() } };
}

function isSipVersionText(v: string): boolean {
  return /^SIP\/[0-9]+\.[0-9]+$/i.test(v);
}

/** True when `line` ends in ` SIP/2.0`, exactly so. */
function endsWithSip20(line: string): boolean {
  const at = line.length - 8;
  return (
    at >= 0 &&
    line.charCodeAt(at) === 32 &&
    line.charCodeAt(at + 1) === 83 &&
    line.charCodeAt(at + 2) === 73 &&
    line.charCodeAt(at + 3) === 80 &&
    line.charCodeAt(at + 4) === 47 &&
    line.charCodeAt(at + 5) === 50 &&
    line.charCodeAt(at + 6) === 46 &&
    line.charCodeAt(at + 7) === 48
  );
}

function isSip20(v: string): boolean {
  return v === 'SIP/2.0' || v.toUpperCase() === 'SIP/2.0';
}

/** RFC 3261 §7.1 and §7.2: `Method SP Request-URI SP SIP-Version` or `SIP-Version SP Status-Code SP Reason-Phrase`. */
function parseStartLine(state: ParseState, line: string): ParseResult | undefined {
  if (
    line.length >= 4 &&
    (line.charCodeAt(0) | 32) === 115 &&
    (line.charCodeAt(1) | 32) === 105 &&
    (line.charCodeAt(2) | 32) === 112 &&
    line.charCodeAt(3) === 47
  ) {
    const sp = line.indexOf(' ');
    const version = sp < 0 ? line : line.slice(0, sp);
    if (!isSip20(version)) {
      return state.fail(
        isSipVersionText(version) ? 'SIP_ERR_BAD_VERSION' : 'SIP_ERR_BAD_START_LINE',
        `unsupported version ${JSON.stringify(version)}`,
        0,
      );
    }
    const codeEnd = sp + 4;
    if (sp < 0 || line.length < codeEnd || (line.length > codeEnd && line.charCodeAt(codeEnd) !== 32)) {
      return state.fail('SIP_ERR_BAD_STATUS_CODE', 'the status code is not three digits', sp + 1);
    }
    const status = parseDigits(line, sp + 1, codeEnd, 999);
    if (status < 100 || status > 699)
      return state.fail(
        'SIP_ERR_BAD_STATUS_CODE',
        `status code ${line.slice(sp + 1, codeEnd)} is not from 100 to 699`,
        sp + 1,
      );
    if (line.length === codeEnd)
      return state.fail('SIP_ERR_BAD_START_LINE', 'the status line lacks the space before the reason phrase', codeEnd);
    const reason = line.slice(codeEnd + 1);
    for (let i = 0; i < reason.length; i++) {
      const c = reason.charCodeAt(i);
      if ((c < 32 && c !== 9) || c === 127)
        return state.fail('SIP_ERR_BAD_REASON_PHRASE', 'the reason phrase holds a control character', codeEnd + 1 + i);
    }
    state.status = status;
    state.reason = reason;
    return undefined;
  }
  state.isRequest = true;
  const sp1 = line.indexOf(' ');
  if (sp1 <= 0)
    return state.fail('SIP_ERR_BAD_START_LINE', 'the request line is not "Method SP Request-URI SP SIP-Version"', 0);
  for (let i = 0; i < sp1; i++) {
    const c = line.charCodeAt(i);
    if (c >= 128 || (CLASS[c]! & TOKEN) === 0) return state.fail('SIP_ERR_BAD_METHOD', 'the method is not a token', i);
  }
  state.method = line.slice(0, sp1);
  // The line almost always ends in " SIP/2.0"; reading those eight characters costs less than `lastIndexOf`.
  const usual = endsWithSip20(line);
  const sp2 = usual ? line.length - 8 : line.lastIndexOf(' ');
  if (sp2 === sp1) return state.fail('SIP_ERR_BAD_START_LINE', 'the request line has no SIP-Version', line.length);
  state.requestUri = line.slice(sp1 + 1, sp2);
  const version = usual ? 'SIP/2.0' : line.slice(sp2 + 1);
  if (version.length === 0) return state.fail('SIP_ERR_BAD_START_LINE', 'the request line ends in whitespace', sp2);
  if (line.charCodeAt(sp1 + 1) === 32 || line.charCodeAt(sp2 - 1) === 32) {
    return state.fail(
      'SIP_ERR_BAD_START_LINE',
      'the request line elements are separated by more than one space',
      sp1 + 1,
    );
  }
  if (!isSip20(version)) {
    if (isSipVersionText(version))
      return state.fail('SIP_ERR_BAD_VERSION', `unsupported version ${JSON.stringify(version)}`, sp2 + 1, 505);
    return state.fail(
      'SIP_ERR_BAD_START_LINE',
      `${JSON.stringify(version.slice(0, 40))} is not a SIP-Version`,
      sp2 + 1,
    );
  }
  state.uri = parseUriRange(line, sp1 + 1, sp2, UriContext.RequestUri);
  if (state.uri === undefined)
    return state.fail(
      'SIP_ERR_BAD_REQUEST_URI',
      `the Request-URI ${JSON.stringify(state.requestUri.slice(0, 80))} is malformed`,
      sp1 + 1,
    );
  return undefined;
}

const MAX_CONTENT_LENGTH = 0x7fffffff;

/** Parses and checks the headers the message layer types, filling `typed`. */
function checkHeaders(state: ParseState, typed: TypedSlots, limits: ParseLimits): ParseResult | undefined {
  const { keys, values } = state;
  let vias: Via[] | undefined;
  let contacts: Contact[] | undefined;
  let routes: NameAddress[] | undefined;
  let recordRoutes: NameAddress[] | undefined;
  let maxForwards = -1;
  let contentLength = -1;
  let contentType: MediaType | undefined;
  let expires = -1;
  for (let i = 0; i < keys.length; i++) {
    const value = values[i] as string;
    switch (keys[i]) {
      case 'via':
        if (!parseViaValue(value, (vias ??= [])))
          return state.fail('SIP_ERR_BAD_VIA', 'a Via header field is malformed', valueOffset(state, i));
        if (vias.length > limits.maxVias)
          return state.fail('SIP_ERR_TOO_MANY_VIAS', `more than ${limits.maxVias} Via entries`, valueOffset(state, i));
        break;
      case 'from':
        if (typed.from !== undefined) return duplicate(state, i, 'From');
        typed.from = parseFromTo(value);
        if (typed.from === undefined)
          return state.fail('SIP_ERR_BAD_FROM', 'the From header field is malformed', valueOffset(state, i));
        break;
      case 'to':
        if (typed.to !== undefined) return duplicate(state, i, 'To');
        typed.to = parseFromTo(value);
        if (typed.to === undefined)
          return state.fail('SIP_ERR_BAD_TO', 'the To header field is malformed', valueOffset(state, i));
        break;
      case 'call-id':
        if (typed.callId !== undefined) return duplicate(state, i, 'Call-ID');
        if (!isCallId(value))
          return state.fail('SIP_ERR_BAD_CALL_ID', 'the Call-ID is not word ["@" word]', valueOffset(state, i));
        typed.callId = value;
        break;
      case 'cseq':
        if (typed.cseq !== undefined) return duplicate(state, i, 'CSeq');
        typed.cseq = parseCSeq(value);
        if (typed.cseq === undefined)
          return state.fail('SIP_ERR_BAD_CSEQ', 'the CSeq is not a 32-bit number and a method', valueOffset(state, i));
        break;
      case 'max-forwards':
        if (maxForwards >= 0) return duplicate(state, i, 'Max-Forwards');
        maxForwards = parseDigits(value, 0, value.length, 255);
        if (maxForwards < 0)
          return state.fail(
            'SIP_ERR_BAD_MAX_FORWARDS',
            'Max-Forwards is not a number from 0 to 255',
            valueOffset(state, i),
          );
        break;
      case 'contact':
        if (!parseContactValue(value, (contacts ??= [])))
          return state.fail('SIP_ERR_BAD_CONTACT', 'a Contact header field is malformed', valueOffset(state, i));
        break;
      case 'route':
        if (!parseNameAddressValue(value, true, (routes ??= [])))
          return state.fail('SIP_ERR_BAD_ROUTE', 'a Route header field is malformed', valueOffset(state, i));
        break;
      case 'record-route':
        if (!parseNameAddressValue(value, true, (recordRoutes ??= [])))
          return state.fail(
            'SIP_ERR_BAD_RECORD_ROUTE',
            'a Record-Route header field is malformed',
            valueOffset(state, i),
          );
        break;
      case 'content-length':
        // RFC 4475 §3.3.9: two Content-Length values leave the framing unknowable.
        if (contentLength >= 0) return duplicate(state, i, 'Content-Length');
        contentLength = parseDigits(value, 0, value.length, MAX_CONTENT_LENGTH);
        if (contentLength < 0)
          return state.fail(
            'SIP_ERR_BAD_CONTENT_LENGTH',
            'Content-Length is not a non-negative number',
            valueOffset(state, i),
          );
        break;
      case 'content-type':
        if (contentType !== undefined) return duplicate(state, i, 'Content-Type');
        contentType = parseMediaType(value);
        if (contentType === undefined)
          return state.fail(
            'SIP_ERR_BAD_CONTENT_TYPE',
            'the Content-Type is not type/subtype;params',
            valueOffset(state, i),
          );
        break;
      case 'expires':
        if (expires >= 0) return duplicate(state, i, 'Expires');
        expires = parseDigits(value, 0, value.length, MAX_DELTA_SECONDS);
        if (expires < 0)
          return state.fail(
            'SIP_ERR_BAD_EXPIRES',
            'Expires is not a number of seconds below 2^32',
            valueOffset(state, i),
          );
        break;
      case 'min-expires':
        if (parseDigits(value, 0, value.length, MAX_DELTA_SECONDS) < 0)
          return state.fail(
            'SIP_ERR_BAD_MIN_EXPIRES',
            'Min-Expires is not a number of seconds below 2^32',
            valueOffset(state, i),
          );
        break;
      case 'date':
        if (parseSipDate(value) === undefined)
          return state.fail(
            'SIP_ERR_BAD_DATE',
            'the Date is not an RFC 1123 date in GMT (RFC 3261 §20.17)',
            valueOffset(state, i),
          );
        break;
      case 'retry-after':
        if (parseRetryAfter(value) < 0)
          return state.fail(
            'SIP_ERR_BAD_RETRY_AFTER',
            'Retry-After is not a number of seconds below 2^32',
            valueOffset(state, i),
          );
        break;
      case 'warning':
        if (!isWarning(value))
          return state.fail(
            'SIP_ERR_BAD_WARNING',
            'a Warning is not "code agent text" with a three-digit code',
            valueOffset(state, i),
          );
        break;
      default:
        break;
    }
  }
  // RFC 3261 §8.1.1: every request carries To, From, CSeq, Call-ID and Via; responses copy them (§8.2.6.2).
  const end = state.headLength;
  if (vias === undefined) return state.fail('SIP_ERR_MISSING_HEADER', 'the message has no Via', end);
  if (typed.from === undefined) return state.fail('SIP_ERR_MISSING_HEADER', 'the message has no From', end);
  if (typed.to === undefined) return state.fail('SIP_ERR_MISSING_HEADER', 'the message has no To', end);
  if (typed.callId === undefined) return state.fail('SIP_ERR_MISSING_HEADER', 'the message has no Call-ID', end);
  if (typed.cseq === undefined) return state.fail('SIP_ERR_MISSING_HEADER', 'the message has no CSeq', end);
  // RFC 3261 §8.1.1.5: the CSeq method matches the request method.
  if (state.isRequest && typed.cseq.method !== state.method) {
    const at = keys.indexOf('cseq');
    return state.fail(
      'SIP_ERR_CSEQ_METHOD_MISMATCH',
      `the CSeq method ${typed.cseq.method} differs from the request method ${state.method}`,
      valueOffset(state, at),
    );
  }
  typed.via = vias;
  typed.contact = contacts ?? [];
  typed.route = routes ?? [];
  typed.recordRoute = recordRoutes ?? [];
  typed.maxForwards = maxForwards < 0 ? null : maxForwards;
  typed.contentLength = contentLength < 0 ? null : contentLength;
  typed.contentType = contentType ?? null;
  typed.expires = expires < 0 ? null : expires;
  return undefined;
}

function duplicate(state: ParseState, i: number, name: string): ParseResult {
  return state.fail('SIP_ERR_DUPLICATE_HEADER', `${name} appears more than once`, valueOffset(state, i));
}
