/**
 * Arbitraries for whole SIP messages. Each sample is generated three ways
 * at once: as a message object built with the constructors (not by the
 * parser), as the bytes that encode it (written here, not by the
 * serializer, with the syntax varied), and as what every typed accessor
 * must read from it.
 */
import fc from 'fast-check';
import type { MediaType } from '../content-type.js';
import type { Credentials } from '../digest-params.js';
import { canonicalHeaderName } from '../header-names.js';
import { SipRequest, SipResponse, type SipMessage } from '../message.js';
import type { Contact, FromTo, NameAddress } from '../name-address.js';
import type { CSeq } from '../scalar-headers.js';
import type { SessionId } from '../session-id.js';
import type { Via } from '../via.js';
import {
  RAW_HEADER_NAMES,
  addressList,
  callId,
  challenge,
  contactValue,
  contentType,
  credentials,
  cseq,
  date,
  deltaSeconds,
  freeText,
  fromTo,
  permute,
  retryAfter,
  sessionId,
  unknownHeaderName,
  viaEntry,
  warning,
  type Generated,
} from './header-arbitraries.js';
import { style, styled, token } from './syntax.js';
import { uriSample } from './uri-arbitraries.js';

/** What the typed accessors of a generated message must return. */
export interface ExpectedHeaders {
  readonly via: readonly Via[];
  readonly from: FromTo;
  readonly to: FromTo;
  readonly callId: string;
  readonly cseq: CSeq;
  readonly maxForwards: number | undefined;
  readonly contact: readonly Contact[];
  readonly route: readonly NameAddress[];
  readonly recordRoute: readonly NameAddress[];
  readonly contentLength: number;
  readonly contentType: MediaType | undefined;
  readonly expires: number | undefined;
  readonly sessionId: SessionId | undefined;
  readonly pAssertedIdentity: readonly NameAddress[];
  readonly authorization: readonly Credentials[];
  readonly proxyAuthorization: readonly Credentials[];
  readonly wwwAuthenticate: readonly Credentials[];
  readonly proxyAuthenticate: readonly Credentials[];
}

/** One generated message, three ways. */
export interface MessageSample<M extends SipMessage = SipMessage> {
  /** The message, built with the {@link SipRequest} / {@link SipResponse} constructors. */
  readonly message: M;
  /** Bytes that encode it, with varied but valid syntax (whitespace around colons and separators, compact names…). */
  readonly bytes: Uint8Array;
  /** The bytes `serializeMessage(message)` must write: every header as `name: value`. */
  readonly serialized: Uint8Array;
  /** What each typed accessor must return. */
  readonly expected: ExpectedHeaders;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Contribution = (expected: Mutable<ExpectedHeaders>) => void;

interface HeaderItem {
  readonly name: string;
  readonly value: string;
  readonly contribute?: Contribution;
}

const METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'REGISTER',
  'OPTIONS',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'PUBLISH',
  'INFO',
  'REFER',
  'MESSAGE',
  'UPDATE',
];

/** A request method: one RFC 3261 and its extensions define, or any token (RFC 3261 §7.1 `extension-method`). */
const method: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 1, arbitrary: token(10) },
);

/** Whitespace around the colon of a header line, and after the value; the parser drops it (RFC 3261 §7.3.1). */
const COLONS = [': ', ': ', ': ', ': ', ':', ' : ', ':\t', ':  ', '\t: '];
const TRAILS = ['', '', '', '', '', '', ' ', '\t', '  '];

function trimWs(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

function item(name: string, value: string, contribute?: Contribution): HeaderItem {
  return contribute === undefined ? { name, value: trimWs(value) } : { name, value: trimWs(value), contribute };
}

/** Headers from an optional generated value. */
function optional<T>(
  name: fc.Arbitrary<string>,
  value: fc.Arbitrary<T>,
  build: (name: string, value: T) => HeaderItem,
  freq = 3,
): fc.Arbitrary<HeaderItem[]> {
  return fc
    .option(fc.tuple(name, value), { nil: undefined, freq })
    .map((g) => (g === undefined ? [] : [build(g[0], g[1])]));
}

/** Headers from up to `max` generated values. */
function repeated<T>(
  name: fc.Arbitrary<string>,
  value: fc.Arbitrary<T>,
  build: (name: string, value: T) => HeaderItem,
  max: number,
): fc.Arbitrary<HeaderItem[]> {
  return fc.array(fc.tuple(name, value), { maxLength: max }).map((list) => list.map(([n, v]) => build(n, v)));
}

const names = {
  via: fc.constantFrom('Via', 'Via', 'via', 'VIA', 'v', 'V'),
  from: fc.constantFrom('From', 'From', 'from', 'FROM', 'f'),
  to: fc.constantFrom('To', 'To', 'to', 't', 'T'),
  callId: fc.constantFrom('Call-ID', 'Call-ID', 'call-id', 'Call-Id', 'i'),
  cseq: fc.constantFrom('CSeq', 'CSeq', 'cseq', 'CSEQ'),
  maxForwards: fc.constantFrom('Max-Forwards', 'max-forwards'),
  contact: fc.constantFrom('Contact', 'Contact', 'contact', 'm'),
  route: fc.constantFrom('Route', 'route'),
  recordRoute: fc.constantFrom('Record-Route', 'record-route'),
  contentLength: fc.constantFrom('Content-Length', 'Content-Length', 'content-length', 'l', 'L'),
  contentType: fc.constantFrom('Content-Type', 'content-type', 'c'),
  expires: fc.constantFrom('Expires', 'expires'),
  minExpires: fc.constantFrom('Min-Expires'),
  sessionId: fc.constantFrom('Session-ID', 'session-id'),
  pAssertedIdentity: fc.constantFrom('P-Asserted-Identity', 'p-asserted-identity'),
  authorization: fc.constantFrom('Authorization'),
  proxyAuthorization: fc.constantFrom('Proxy-Authorization'),
  wwwAuthenticate: fc.constantFrom('WWW-Authenticate', 'Www-Authenticate'),
  proxyAuthenticate: fc.constantFrom('Proxy-Authenticate'),
  date: fc.constantFrom('Date'),
  retryAfter: fc.constantFrom('Retry-After'),
  warning: fc.constantFrom('Warning'),
};

/** Via entries spread over one to three Via header fields, in order. */
const viaHeaders: fc.Arbitrary<HeaderItem[]> = fc
  .tuple(
    fc.array(viaEntry, { minLength: 1, maxLength: 4 }),
    fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    fc.array(names.via, { minLength: 4, maxLength: 4 }),
    fc.constantFrom(',', ', ', ' , ', ',\t'),
  )
  .map(([entries, cuts, spellings, comma]) => {
    const items: HeaderItem[] = [];
    let group: Array<Generated<Via>> = [];
    const flush = (): void => {
      const list = group;
      items.push(
        item(
          spellings[items.length] ?? 'Via',
          list.map((e) => e.text).join(comma),
          (x) => (x.via = [...x.via, ...list.map((e) => e.value)]),
        ),
      );
      group = [];
    };
    entries.forEach((entry, i) => {
      group.push(entry);
      if (i === entries.length - 1 || cuts[i] === true) flush();
    });
    return items;
  });

/** The headers every message carries (RFC 3261 §8.1.1), and those both requests and responses may carry. */
function commonHeaders(fromTag: 'always' | 'maybe'): fc.Arbitrary<HeaderItem[]> {
  return fc
    .tuple(
      viaHeaders,
      fc.tuple(names.from, fromTo(fromTag)).map(([n, g]) => [item(n, g.text, (x) => (x.from = g.value))]),
      fc.tuple(names.to, fromTo('maybe')).map(([n, g]) => [item(n, g.text, (x) => (x.to = g.value))]),
      fc.tuple(names.callId, callId).map(([n, v]) => [item(n, v, (x) => (x.callId = v))]),
      repeated(
        names.contact,
        contactValue,
        (n, g) => item(n, g.text, (x) => (x.contact = [...x.contact, ...g.value])),
        2,
      ),
      optional(names.recordRoute, addressList(['brackets', 'tokens', 'quoted'], 3), (n, g) =>
        item(n, g.text, (x) => (x.recordRoute = [...x.recordRoute, ...g.value])),
      ),
      optional(names.expires, deltaSeconds, (n, g) => item(n, g.text, (x) => (x.expires = g.value))),
      optional(names.sessionId, sessionId, (n, g) => item(n, g.text, (x) => (x.sessionId = g.value))),
      optional(names.pAssertedIdentity, addressList(['brackets', 'tokens', 'quoted', 'addr-spec'], 2), (n, g) =>
        item(n, g.text, (x) => (x.pAssertedIdentity = [...x.pAssertedIdentity, ...g.value])),
      ),
      optional(names.date, date, (n, v) => item(n, v)),
      repeated(fc.constantFrom(...RAW_HEADER_NAMES), freeText, (n, v) => item(n, v), 3),
      repeated(unknownHeaderName(canonicalHeaderName), freeText, (n, v) => item(n, v), 3),
    )
    .map((groups) => groups.flat());
}

/** A CSeq header for the method the caller picks (a request's own, RFC 3261 §8.1.1.5), so that no arbitrary is built per method. */
const cseqFor: fc.Arbitrary<(method: string) => HeaderItem> = fc.tuple(names.cseq, cseq(fc.constant(''))).map(
  ([n, g]) =>
    (m: string) =>
      item(n, g.text + m, (x) => (x.cseq = { seq: g.value.seq, method: m })),
);

const requestHeaders: fc.Arbitrary<HeaderItem[]> = fc
  .tuple(
    commonHeaders('always'),
    optional(names.maxForwards, fc.nat(255), (n, v) => item(n, String(v), (x) => (x.maxForwards = v)), 8),
    optional(names.route, addressList(['brackets', 'tokens', 'quoted'], 3), (n, g) =>
      item(n, g.text, (x) => (x.route = [...x.route, ...g.value])),
    ),
    optional(names.authorization, credentials, (n, g) =>
      item(n, g.text, (x) => (x.authorization = [...x.authorization, g.value])),
    ),
    optional(names.proxyAuthorization, credentials, (n, g) =>
      item(n, g.text, (x) => (x.proxyAuthorization = [...x.proxyAuthorization, g.value])),
    ),
  )
  .map((groups) => groups.flat());

const responseHeaders: fc.Arbitrary<HeaderItem[]> = fc
  .tuple(
    commonHeaders('maybe'),
    fc.tuple(names.cseq, cseq(method)).map(([n, g]) => [item(n, g.text, (x) => (x.cseq = g.value))]),
    repeated(
      names.wwwAuthenticate,
      challenge,
      (n, g) => item(n, g.text, (x) => (x.wwwAuthenticate = [...x.wwwAuthenticate, g.value])),
      2,
    ),
    optional(names.proxyAuthenticate, challenge, (n, g) =>
      item(n, g.text, (x) => (x.proxyAuthenticate = [...x.proxyAuthenticate, g.value])),
    ),
    optional(names.retryAfter, retryAfter, (n, v) => item(n, v)),
    optional(names.warning, warning, (n, v) => item(n, v)),
    optional(names.minExpires, deltaSeconds, (n, g) => item(n, g.text)),
  )
  .map((groups) => groups.flat());

const SDP =
  'v=0\r\no=alice 2890844526 2890844526 IN IP4 host.example.com\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

/** A multipart body (RFC 5621): empty lines inside, which must not be taken for the end of a head. */
const MULTIPART =
  '--boundary42\r\nContent-Type: application/sdp\r\n\r\n' +
  SDP +
  '\r\n--boundary42\r\nContent-Type: text/plain\r\n\r\n\r\n\r\n--boundary42--\r\n';

/** A body: none, arbitrary bytes (CRLFs and NULs included), SDP, multipart, or UTF-8 text. */
const body: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 160 }) },
  { weight: 2, arbitrary: fc.constantFrom(SDP, MULTIPART).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))) },
  { weight: 1, arbitrary: freeText.filter((t) => t.length > 0).map((s) => new Uint8Array(Buffer.from(s, 'utf8'))) },
);

/** The body, its Content-Length (always present: a stream needs it) and a Content-Type when there is a body. */
const bodyHeaders: fc.Arbitrary<{ body: Uint8Array; headers: HeaderItem[] }> = fc
  .tuple(body, names.contentLength, fc.nat(15), names.contentType, fc.option(contentType, { nil: undefined, freq: 8 }))
  .map(([b, lengthName, zeros, typeName, type]) => {
    const length = b.length;
    const headers = [item(lengthName, (zeros === 0 ? '0' : '') + length, (x) => (x.contentLength = length))];
    if (length > 0 && type !== undefined) headers.push(item(typeName, type.text, (x) => (x.contentType = type.value)));
    return { body: b, headers };
  });

function emptyExpected(): Mutable<ExpectedHeaders> {
  return {
    via: [],
    from: undefined as unknown as FromTo,
    to: undefined as unknown as FromTo,
    callId: '',
    cseq: undefined as unknown as CSeq,
    maxForwards: undefined,
    contact: [],
    route: [],
    recordRoute: [],
    contentLength: 0,
    contentType: undefined,
    expires: undefined,
    sessionId: undefined,
    pAssertedIdentity: [],
    authorization: [],
    proxyAuthorization: [],
    wwwAuthenticate: [],
    proxyAuthenticate: [],
  };
}

function concat(head: string, b: Uint8Array): Uint8Array {
  const headBytes = Buffer.from(head, 'utf8');
  const out = new Uint8Array(headBytes.length + b.length);
  out.set(headBytes, 0);
  out.set(b, headBytes.length);
  return out;
}

interface Layout {
  readonly order: number;
  readonly colons: readonly string[];
  readonly trails: readonly string[];
}

const layout: fc.Arbitrary<Layout> = fc.tuple(fc.oneof(fc.constant(0), fc.nat()), style).map(([order, st]) => ({
  order,
  colons: Array.from({ length: 8 }, (_, i) => styled(COLONS, st, i)),
  trails: Array.from({ length: 8 }, (_, i) => styled(TRAILS, st, 100 + i)),
}));

function assemble<M extends SipMessage>(
  startLine: string,
  headers: readonly HeaderItem[],
  b: Uint8Array,
  l: Layout,
  build: (entries: Array<readonly [string, string]>) => M,
): MessageSample<M> {
  const ordered = permute(headers, l.order);
  const expected = emptyExpected();
  let varied = startLine + '\r\n';
  let canonical = startLine + '\r\n';
  ordered.forEach((h, i) => {
    h.contribute?.(expected);
    varied +=
      h.name + (l.colons[i % l.colons.length] ?? ': ') + h.value + (l.trails[i % l.trails.length] ?? '') + '\r\n';
    canonical += h.name + ': ' + h.value + '\r\n';
  });
  const message = build(ordered.map((h) => [h.name, h.value] as const));
  return { message, bytes: concat(varied + '\r\n', b), serialized: concat(canonical + '\r\n', b), expected };
}

/** A valid request, three ways. */
export function requestSample(): fc.Arbitrary<MessageSample<SipRequest>> {
  return fc
    .tuple(method, uriSample('request-uri'), requestHeaders, cseqFor, bodyHeaders, layout)
    .map(([m, uri, headers, cseqItem, { body: b, headers: bodyItems }, l]) =>
      assemble(
        m + ' ' + uri.text + ' SIP/2.0',
        [...headers, cseqItem(m), ...bodyItems],
        b,
        l,
        (entries) => new SipRequest({ method: m, uri: uri.uri, headers: entries, body: b }),
      ),
    );
}

const REASON_CHARS =
  ' \t!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

/** A reason phrase (RFC 3261 §25.1): text with spaces and tabs, UTF-8, perhaps empty. */
const reason: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'OK',
      'Trying',
      'Ringing',
      'Session Progress',
      'Unauthorized',
      'Not Found',
      'Server Internal Error',
      'Busy Everywhere',
      'Décliné',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.oneof(
        { weight: 20, arbitrary: fc.constantFrom(...REASON_CHARS.split('')) },
        { weight: 1, arbitrary: fc.constantFrom('é', '中', '😀') },
      ),
      maxLength: 30,
    }),
  },
);

/** A valid response, three ways. */
export function responseSample(): fc.Arbitrary<MessageSample<SipResponse>> {
  return fc
    .tuple(
      fc.oneof(
        fc.constantFrom(100, 180, 183, 200, 202, 301, 401, 407, 486, 500, 503, 603),
        fc.integer({ min: 100, max: 699 }),
      ),
      reason,
      responseHeaders,
      bodyHeaders,
      layout,
    )
    .map(([status, r, headers, { body: b, headers: bodyItems }, l]) =>
      assemble(
        'SIP/2.0 ' + status + ' ' + r,
        [...headers, ...bodyItems],
        b,
        l,
        (entries) => new SipResponse({ status, reason: r, headers: entries, body: b }),
      ),
    );
}

/** A valid request or response, three ways. */
export function messageSample(): fc.Arbitrary<MessageSample> {
  return fc.oneof(requestSample() as fc.Arbitrary<MessageSample>, responseSample() as fc.Arbitrary<MessageSample>);
}
