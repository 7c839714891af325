/**
 * Arbitraries for URIs (RFC 3261 §19.1, RFC 3966, RFC 3261 `absoluteURI`),
 * each generated with the text that encodes it, so tests can parse the text
 * and compare with the value without going through the serializer.
 */
import fc from 'fast-check';
import { Params } from '../params.js';
import type { AbsoluteUri, SipUri, TelUri, Uri } from '../uri.js';
import { ALPHANUM, UNRESERVED, charOf, escapedRun, host, hostname, port, stringOf, token } from './syntax.js';

/** A URI and the text that encodes it. */
export interface GeneratedUri<U extends Uri = Uri> {
  readonly uri: U;
  readonly text: string;
}

/**
 * Where a URI is written, which decides what it may hold (RFC 3261 §19.1.1
 * table 1, §20.10): a Request-URI has no URI headers and no `method`
 * parameter; a bare addr-spec in a header has no `;`, `?` or `,` at all.
 */
export type UriPlace = 'request-uri' | 'name-addr' | 'addr-spec';

const USER_CHARS = UNRESERVED + '&=+$,;?/';
const USER_CHARS_BARE = UNRESERVED + '&=+$/';
const PASSWORD_CHARS = UNRESERVED + '&=+$,';
const PASSWORD_CHARS_BARE = UNRESERVED + '&=+$';
const PARAM_CHARS = UNRESERVED + '[]/:&+$';
const HEADER_CHARS = UNRESERVED + '[]/?:+$';

type Pair = readonly [name: string, value: string | null];

const sipParam: fc.Arbitrary<Pair> = fc.oneof(
  fc.tuple(fc.constantFrom('transport'), fc.constantFrom('udp', 'tcp', 'tls', 'sctp', 'ws', 'wss', 'UDP', 'TCP')),
  fc.tuple(fc.constantFrom('user'), fc.constantFrom('phone', 'ip', 'dialstring')),
  fc.constant(['lr', null] as const),
  fc.tuple(fc.constantFrom('ttl'), fc.nat(255).map(String)),
  fc.tuple(
    fc.constantFrom('maddr'),
    host.map((h) => h.text),
  ),
  fc.tuple(fc.constantFrom('method'), fc.constantFrom('INVITE', 'REGISTER', 'BYE')),
  fc.tuple(escapedRun(PARAM_CHARS, 1, 8), fc.option(escapedRun(PARAM_CHARS, 1, 10), { nil: null })),
);

function sipParams(place: UriPlace): fc.Arbitrary<Pair[]> {
  if (place === 'addr-spec') return fc.constant([]);
  const params = fc.uniqueArray(sipParam, { maxLength: 4, selector: ([name]) => name.toLowerCase() });
  return place === 'request-uri'
    ? params.map((list) => list.filter(([name]) => name.toLowerCase() !== 'method'))
    : params;
}

function sipHeaders(place: UriPlace): fc.Arbitrary<Array<readonly [string, string]>> {
  if (place !== 'name-addr') return fc.constant([]);
  return fc.array(fc.tuple(escapedRun(HEADER_CHARS, 1, 8), escapedRun(HEADER_CHARS, 0, 10)), { maxLength: 3 });
}

/** A `sip:` or `sips:` URI fit for `place`, with its text. */
export function sipUriSample(place: UriPlace = 'name-addr'): fc.Arbitrary<GeneratedUri<SipUri>> {
  const userinfo = fc.option(
    fc.tuple(
      escapedRun(place === 'addr-spec' ? USER_CHARS_BARE : USER_CHARS, 1, 10),
      fc.option(escapedRun(place === 'addr-spec' ? PASSWORD_CHARS_BARE : PASSWORD_CHARS, 0, 8), { nil: undefined }),
    ),
    { nil: undefined, freq: 4 },
  );
  return fc
    .record({
      scheme: fc.constantFrom('sip' as const, 'sip' as const, 'sips' as const),
      userinfo,
      host,
      port: fc.option(port, { nil: undefined }),
      params: sipParams(place),
      headers: sipHeaders(place),
    })
    .map(({ scheme, userinfo, host: h, port: p, params, headers }) => {
      let text = scheme + ':';
      if (userinfo !== undefined) text += userinfo[0] + (userinfo[1] !== undefined ? ':' + userinfo[1] : '') + '@';
      text += h.text;
      if (p !== undefined) text += ':' + p;
      for (const [name, value] of params) text += ';' + name + (value === null ? '' : '=' + value);
      headers.forEach(([name, value], i) => (text += (i === 0 ? '?' : '&') + name + '=' + value));
      const uri: SipUri = {
        kind: 'sip',
        scheme,
        user: userinfo?.[0],
        password: userinfo?.[1],
        host: h.text,
        hostKind: h.kind,
        port: p,
        params: Params.from(params),
        headers: Params.from(headers),
      };
      return { uri, text };
    });
}

const TEL_SEPARATORS = '-.()';

const globalNumber: fc.Arbitrary<string> = fc
  .tuple(
    charOf('0123456789'),
    fc.array(
      fc.oneof({ weight: 4, arbitrary: charOf('0123456789') }, { weight: 1, arbitrary: charOf(TEL_SEPARATORS) }),
      { maxLength: 14 },
    ),
  )
  .map(([first, rest]) => '+' + first + rest.join(''));

const localNumber: fc.Arbitrary<string> = fc
  .tuple(
    charOf('0123456789*#'),
    fc.array(
      fc.oneof(
        { weight: 6, arbitrary: charOf('0123456789') },
        { weight: 1, arbitrary: charOf('*#ABCDabcd') },
        { weight: 1, arbitrary: charOf(TEL_SEPARATORS) },
      ),
      { maxLength: 10 },
    ),
  )
  .map(([first, rest]) => first + rest.join(''));

const telParamName = stringOf(ALPHANUM + '-', 1, 10).filter((n) => n.toLowerCase() !== 'phone-context');

/** A `tel:` URI (RFC 3966): a global number, or a local one with its `phone-context`. Tel URIs hold `;`, so never a bare addr-spec. */
export function telUriSample(): fc.Arbitrary<GeneratedUri<TelUri>> {
  const context = fc.oneof(
    globalNumber.map((n) => n.replace(/[()]/g, '')),
    hostname.map((h) => h.replace(/\.$/, '')),
  );
  const params = fc.uniqueArray(fc.tuple(telParamName, fc.option(escapedRun(PARAM_CHARS, 1, 10), { nil: null })), {
    maxLength: 3,
    selector: ([name]) => name.toLowerCase(),
  });
  return fc
    .tuple(fc.boolean(), globalNumber, localNumber, context, params, fc.nat(3))
    .map(([global, g, local, phoneContext, generic, at]) => {
      const number = global ? g : local;
      const list: Pair[] = [...generic];
      if (!global) list.splice(at % (list.length + 1), 0, ['phone-context', phoneContext]);
      let text = 'tel:' + number;
      for (const [name, value] of list) text += ';' + name + (value === null ? '' : '=' + value);
      const uri: TelUri = { kind: 'tel', scheme: 'tel', number, global, params: Params.from(list) };
      return { uri, text };
    });
}

const URIC = ALPHANUM + "-_.!~*'()" + ';/?:@&=+$,';
const URIC_BARE = ALPHANUM + "-_.!~*'()" + '/:@&=+$';

/** A URI of another scheme (RFC 3261 `absoluteURI`), kept opaque by the parser. */
export function absoluteUriSample(place: UriPlace = 'name-addr'): fc.Arbitrary<GeneratedUri<AbsoluteUri>> {
  const scheme = fc
    .tuple(charOf('abcdefghijklmnopqrstuvwxyz'), stringOf('abcdefghijklmnopqrstuvwxyz0123456789+-.', 0, 6))
    .map(([a, b]) => a + b)
    .filter((s) => s !== 'sip' && s !== 'sips' && s !== 'tel');
  const opaque = fc.oneof(
    fc.tuple(token(8), hostname).map(([user, h]) => user.replace(/[%`']/g, 'x') + '@' + h),
    fc.tuple(hostname, escapedRun(ALPHANUM + '-_.', 0, 10)).map(([h, path]) => '//' + h + '/' + path),
    fc.tuple(charOf(ALPHANUM), escapedRun(place === 'addr-spec' ? URIC_BARE : URIC, 0, 16)).map(([a, b]) => a + b),
  );
  return fc
    .tuple(scheme, opaque)
    .map(([s, o]) => ({ uri: { kind: 'absolute', scheme: s, opaque: o }, text: s + ':' + o }));
}

/** Any URI fit for `place`: mostly SIP, then tel, then other schemes. */
export function uriSample(place: UriPlace = 'name-addr'): fc.Arbitrary<GeneratedUri> {
  const sip: fc.Arbitrary<GeneratedUri> = sipUriSample(place);
  const absolute: fc.Arbitrary<GeneratedUri> = absoluteUriSample(place);
  if (place === 'addr-spec') return fc.oneof({ weight: 6, arbitrary: sip }, { weight: 1, arbitrary: absolute });
  const tel: fc.Arbitrary<GeneratedUri> = telUriSample();
  return fc.oneof({ weight: 6, arbitrary: sip }, { weight: 2, arbitrary: tel }, { weight: 1, arbitrary: absolute });
}
