/**
 * Arbitraries for header field values, each generated with what the typed
 * accessors of a message must read from it. Values vary in the ways the
 * grammar allows (optional whitespace, compact names, quoting, case), and
 * never fold lines.
 */
import fc from 'fast-check';
import type { MediaType } from '../content-type.js';
import type { Credentials } from '../digest-params.js';
import type { AddressContact, Contact, FromTo, NameAddress } from '../name-address.js';
import { Params } from '../params.js';
import type { CSeq } from '../scalar-headers.js';
import type { SessionId } from '../session-id.js';
import type { Via } from '../via.js';
import {
  type GeneratedParam,
  WORD_CHARS,
  genericParams,
  genericValue,
  host,
  hostname,
  ipv4,
  ipv6,
  paramText,
  port,
  quoted,
  stringOf,
  SWS,
  style,
  styled,
  sws,
  token,
  tokenExcept,
} from './syntax.js';
import { uriSample } from './uri-arbitraries.js';

/** A header value and what it means. */
export interface Generated<T> {
  readonly text: string;
  readonly value: T;
}

/** Fisher–Yates with a small generator seeded by `seed`; seed 0 keeps the order. */
export function permute<T>(list: readonly T[], seed: number): T[] {
  const out = list.slice();
  if (seed === 0) return out;
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const j = (state >>> 0) % (i + 1);
    const t = out[i] as T;
    out[i] = out[j] as T;
    out[j] = t;
  }
  return out;
}

/** A list separator: a comma with optional whitespace around it. */
const comma = fc.constantFrom(',', ', ', ', ', ' , ', ',\t');

function joinList(texts: readonly string[], separators: readonly string[]): string {
  let out = texts[0] ?? '';
  for (let i = 1; i < texts.length; i++) out += (separators[i % separators.length] ?? ', ') + texts[i];
  return out;
}

function paramsOf(list: readonly GeneratedParam[]): Params {
  return Params.from(list.map((p) => [p.name, p.value] as const));
}

const branch = fc.oneof(
  { weight: 6, arbitrary: token(16).map((t) => 'z9hG4bK' + t) },
  { weight: 1, arbitrary: token(10) },
);

/** One Via entry (RFC 3261 §20.42, RFC 3581): sent-protocol, sent-by and parameters in any order. */
export const viaEntry: fc.Arbitrary<Generated<Via>> = fc
  .record({
    protocol: fc.constantFrom(['SIP', '2.0'], ['SIP', '2.0'], ['sip', '2.0'], ['SIP', '3.1']),
    style,
    transport: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS', 'udp', 'tls') },
      { weight: 1, arbitrary: token(6) },
    ),
    host,
    port: fc.option(port, { nil: undefined, freq: 2 }),
    branch: fc.option(branch, { nil: undefined, freq: 8 }),
    received: fc.option(
      fc.oneof(
        ipv4,
        ipv6,
        ipv6.map((a) => '[' + a + ']'),
      ),
      { nil: undefined },
    ),
    rport: fc.option(fc.oneof(fc.constant(true as const), port), { nil: undefined }),
    maddr: fc.option(
      host.map((h) => h.text),
      { nil: undefined, freq: 8 },
    ),
    ttl: fc.option(fc.nat(255), { nil: undefined, freq: 8 }),
    generic: genericParams(['branch', 'received', 'rport', 'maddr', 'ttl'], 2),
    order: fc.oneof(fc.constant(0), fc.nat()),
  })
  .map((g) => {
    const special: GeneratedParam[] = [];
    if (g.branch !== undefined) special.push(paramText('branch', g.branch));
    if (g.received !== undefined) special.push(paramText('received', g.received));
    if (g.rport !== undefined) special.push(paramText('rport', g.rport === true ? null : String(g.rport)));
    if (g.maddr !== undefined) special.push(paramText('maddr', g.maddr));
    if (g.ttl !== undefined) special.push(paramText('ttl', String(g.ttl)));
    const params = permute([...special, ...g.generic], g.order);
    const [s1, s2, s3, s4] = [
      styled(SWS, g.style, 101),
      styled(SWS, g.style, 102),
      styled(SWS, g.style, 103),
      styled(SWS, g.style, 104),
    ];
    const gap = styled([' ', ' ', ' ', '  ', '\t'], g.style, 105);
    const portSpace = styled(['', '', '', '', ' '], g.style, 106);
    const [name, version] = g.protocol as [string, string];
    let text = name + s1 + '/' + s2 + version + s3 + '/' + s4 + g.transport + gap + g.host.text;
    if (g.port !== undefined) text += portSpace + ':' + portSpace + g.port;
    text += params.map((p) => p.text).join('');
    const value: Via = {
      protocol: name + '/' + version,
      transport: g.transport.toUpperCase(),
      host: g.host.text,
      hostKind: g.host.kind,
      port: g.port,
      branch: g.branch,
      received: g.received,
      rport: g.rport,
      maddr: g.maddr,
      ttl: g.ttl,
      params: paramsOf(params),
    };
    return { text, value };
  });

/** How a name-addr is written. */
type AddressForm = 'quoted' | 'tokens' | 'brackets' | 'addr-spec';

/** A name-addr or addr-spec with header parameters; `reserved` names are left to the caller's `extra` parameters. */
function address(options: {
  forms: readonly AddressForm[];
  reserved: readonly string[];
  extra?: fc.Arbitrary<readonly GeneratedParam[]>;
}): fc.Arbitrary<Generated<NameAddress>> {
  const extra = options.extra ?? fc.constant([]);
  const displayTokens = fc.array(token(8), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(' '));
  const byForm = options.forms.map((form) =>
    fc
      .record({
        uri: uriSample(form === 'addr-spec' ? 'addr-spec' : 'name-addr'),
        // Only the display name this form writes is generated.
        quoted: form === 'quoted' ? quoted : fc.constant({ text: '', quoted: '' }),
        tokens: form === 'tokens' ? displayTokens : fc.constant(''),
        style,
        generic: genericParams(options.reserved, 2),
        extra,
        order: fc.oneof(fc.constant(0), fc.nat()),
      })
      .map((g): Generated<NameAddress> => {
        const params = permute([...g.extra, ...g.generic], g.order);
        let text: string;
        let displayName: string | undefined;
        switch (form) {
          case 'quoted':
            text = g.quoted.quoted + styled(SWS, g.style, 201) + '<' + g.uri.text + '>';
            displayName = g.quoted.text;
            break;
          case 'tokens':
            text = g.tokens + styled(SWS, g.style, 201) + '<' + g.uri.text + '>';
            displayName = g.tokens;
            break;
          case 'brackets':
            text = '<' + g.uri.text + '>';
            break;
          case 'addr-spec':
            text = g.uri.text;
            break;
        }
        text = styled(SWS, g.style, 202) + text + params.map((p) => p.text).join('');
        return { text, value: { displayName, uri: g.uri.uri, params: paramsOf(params) } };
      }),
  );
  return fc.oneof(...byForm);
}

const ALL_FORMS: readonly AddressForm[] = ['quoted', 'tokens', 'brackets', 'addr-spec'];

/** A From or To value (RFC 3261 §20.20, §20.39) with its tag, or, when `tag` is 'maybe', perhaps without. */
export function fromTo(tag: 'always' | 'maybe'): fc.Arbitrary<Generated<FromTo>> {
  const tagParam: fc.Arbitrary<GeneratedParam[]> =
    tag === 'always'
      ? token(12).map((t) => [paramText('tag', t)])
      : fc.option(token(12), { nil: undefined, freq: 2 }).map((t) => (t === undefined ? [] : [paramText('tag', t)]));
  return address({ forms: ALL_FORMS, reserved: ['tag'], extra: tagParam }).map(({ text, value }) => ({
    text,
    value: { ...value, tag: value.params.get('tag') ?? undefined },
  }));
}

const qvalue = fc.constantFrom('0', '1', '0.5', '0.25', '0.1', '1.0', '1.000', '0.001', '0.999', '0.');

/** One Contact address with its `expires` and `q` (RFC 3261 §20.10). */
const contactAddress: fc.Arbitrary<Generated<AddressContact>> = address({
  forms: ALL_FORMS,
  reserved: ['expires', 'q'],
  extra: fc
    .tuple(
      fc.option(fc.oneof(fc.nat(3600), fc.constant(4294967295), fc.nat(4294967295)), { nil: undefined }),
      fc.option(qvalue, { nil: undefined }),
    )
    .map(([expires, q]) => {
      const out: GeneratedParam[] = [];
      if (expires !== undefined) out.push(paramText('expires', String(expires)));
      if (q !== undefined) out.push(paramText('q', q));
      return out;
    }),
}).map(({ text, value }) => {
  const expires = value.params.get('expires');
  const q = value.params.get('q');
  return {
    text,
    value: {
      star: false as const,
      ...value,
      expires: typeof expires === 'string' ? Number(expires) : undefined,
      q: typeof q === 'string' ? Number(q) : undefined,
    },
  };
});

/** A Contact header value: `*`, or a list of addresses. */
export const contactValue: fc.Arbitrary<Generated<Contact[]>> = fc.oneof(
  { weight: 1, arbitrary: sws.map((ws) => ({ text: '*' + ws, value: [{ star: true as const }] })) },
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.array(contactAddress, { minLength: 1, maxLength: 3 }), fc.array(comma, { minLength: 1, maxLength: 3 }))
      .map(([list, seps]) => ({
        text: joinList(
          list.map((c) => c.text),
          seps,
        ),
        value: list.map((c) => c.value),
      })),
  },
);

/** A list of name-addrs (Route, Record-Route, P-Asserted-Identity). */
export function addressList(forms: readonly AddressForm[], maxLength: number): fc.Arbitrary<Generated<NameAddress[]>> {
  const routeParams = fc.constantFrom<GeneratedParam[]>(
    [],
    [paramText('lr', null)],
    [paramText('lr', null)],
    [paramText('lr', 'on')],
  );
  return fc
    .tuple(
      fc.array(address({ forms, reserved: ['lr'], extra: routeParams }), { minLength: 1, maxLength }),
      fc.array(comma, { minLength: 1, maxLength: 3 }),
    )
    .map(([list, seps]) => ({
      text: joinList(
        list.map((a) => a.text),
        seps,
      ),
      value: list.map((a) => a.value),
    }));
}

/** A Call-ID: `word [ "@" word ]` (RFC 3261 §20.8). */
export const callId: fc.Arbitrary<string> = fc
  .tuple(stringOf(WORD_CHARS, 1, 20), fc.option(stringOf(WORD_CHARS, 1, 12), { nil: undefined }))
  .map(([a, b]) => (b === undefined ? a : a + '@' + b));

/** A CSeq for `method` (RFC 3261 §20.16). */
export function cseq(method: fc.Arbitrary<string>): fc.Arbitrary<Generated<CSeq>> {
  return fc
    .tuple(
      fc.oneof(fc.nat(100), fc.constant(4294967295), fc.nat(4294967295)),
      fc.constantFrom(' ', ' ', '  ', '\t'),
      method,
    )
    .map(([seq, gap, m]) => ({ text: seq + gap + m, value: { seq, method: m } }));
}

/** A delta-seconds value, as text and number. */
export const deltaSeconds: fc.Arbitrary<Generated<number>> = fc
  .tuple(fc.oneof(fc.nat(7200), fc.constant(4294967295), fc.nat(4294967295)), fc.nat(20))
  .map(([n, zeros]) => ({ text: (zeros === 0 ? '00' : '') + n, value: n }));

const MEDIA_TYPES: ReadonlyArray<readonly [string, string]> = [
  ['application', 'sdp'],
  ['text', 'plain'],
  ['message', 'sipfrag'],
  ['multipart', 'mixed'],
  ['application', 'pidf+xml'],
  ['Application', 'SDP'],
];

/** A Content-Type (RFC 3261 §20.15): type and subtype in any case, parameters that all carry a value. */
export const contentType: fc.Arbitrary<Generated<MediaType>> = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...MEDIA_TYPES) },
      { weight: 1, arbitrary: fc.tuple(token(8), token(10)) },
    ),
    sws,
    fc.uniqueArray(
      fc.tuple(
        fc.oneof(fc.constantFrom('charset', 'boundary', 'version'), token(8)),
        fc.oneof(fc.constantFrom('utf-8', 'UTF-8', '"boundary42"'), genericValue),
        sws,
      ),
      { maxLength: 2, selector: ([name]) => name.toLowerCase() },
    ),
  )
  .map(([[type, subtype], gap, params]) => ({
    text: type + gap + '/' + gap + subtype + params.map(([n, v, ws]) => ws + ';' + ws + n + '=' + v).join(''),
    value: {
      type: type.toLowerCase(),
      subtype: subtype.toLowerCase(),
      params: Params.from(params.map(([n, v]) => [n, v] as const)),
    },
  }));

const uuid = stringOf('0123456789abcdefABCDEF', 32, 32);

/** A Session-ID (RFC 7989 §4). */
export const sessionId: fc.Arbitrary<Generated<SessionId>> = fc
  .tuple(uuid, fc.option(uuid, { nil: undefined }), genericParams(['remote'], 2), fc.oneof(fc.constant(0), fc.nat()))
  .map(([local, remote, generic, order]) => {
    const params = permute([...(remote === undefined ? [] : [paramText('remote', remote)]), ...generic], order);
    return {
      text: local + params.map((p) => p.text).join(''),
      value: { local: local.toLowerCase(), remote: remote?.toLowerCase(), params: paramsOf(params) },
    };
  });

const hex32 = stringOf('0123456789abcdef', 32, 32);
const quotedValue = quoted.map((q) => ({ text: q.quoted, value: q.text }));
const bareValue = (values: fc.Arbitrary<string>): fc.Arbitrary<{ text: string; value: string }> =>
  values.map((v) => ({ text: v, value: v }));

const CREDENTIAL_PARAMS: ReadonlyArray<readonly [string, fc.Arbitrary<{ text: string; value: string }>]> = [
  ['username', quotedValue],
  ['realm', quotedValue],
  ['nonce', quotedValue],
  ['uri', uriSample('request-uri').map((u) => ({ text: '"' + u.text + '"', value: u.text }))],
  ['response', hex32.map((h) => ({ text: '"' + h + '"', value: h }))],
  ['algorithm', bareValue(fc.constantFrom('MD5', 'SHA-256', 'MD5-sess'))],
  ['cnonce', quotedValue],
  ['opaque', quotedValue],
  ['qop', bareValue(fc.constantFrom('auth', 'auth-int'))],
  ['nc', bareValue(fc.constantFrom('00000001', '0000000a'))],
];

const CHALLENGE_PARAMS: ReadonlyArray<readonly [string, fc.Arbitrary<{ text: string; value: string }>]> = [
  ['realm', quotedValue],
  ['domain', quotedValue],
  ['nonce', quotedValue],
  ['opaque', quotedValue],
  ['stale', bareValue(fc.constantFrom('FALSE', 'true'))],
  ['algorithm', bareValue(fc.constantFrom('MD5', 'SHA-256'))],
  ['qop', fc.constantFrom({ text: '"auth"', value: 'auth' }, { text: '"auth,auth-int"', value: 'auth,auth-int' })],
];

function authValue(
  params: ReadonlyArray<readonly [string, fc.Arbitrary<{ text: string; value: string }>]>,
): fc.Arbitrary<Generated<Credentials>> {
  const digest = fc
    .tuple(
      fc.subarray(
        params.map(([name]) => name),
        { minLength: 1 },
      ),
      fc.tuple(...params.map(([, arbitrary]) => arbitrary)),
      fc.array(comma, { minLength: 1, maxLength: 3 }),
      fc.oneof(fc.constant(0), fc.nat()),
      fc.constantFrom('Digest', 'Digest', 'digest'),
      fc.constantFrom('', '', ' '),
    )
    .map(([names, values, seps, order, scheme, eqWs]) => {
      const chosen = permute(names, order);
      const map = new Map<string, string>();
      const texts = chosen.map((name) => {
        const v = values[params.findIndex(([n]) => n === name)] as { text: string; value: string };
        map.set(name, v.value);
        return name + eqWs + '=' + eqWs + v.text;
      });
      return { text: scheme + ' ' + joinList(texts, seps), value: { scheme, params: map } };
    });
  // A scheme with a single opaque token (RFC 7235 token68 written as a token), kept under the name ''.
  const opaque = fc
    .tuple(fc.constantFrom('Bearer', 'Negotiate'), token(20))
    .map(([scheme, t]) => ({ text: scheme + ' ' + t, value: { scheme, params: new Map([['', t]]) } }));
  return fc.oneof({ weight: 6, arbitrary: digest }, { weight: 1, arbitrary: opaque });
}

/** Authorization / Proxy-Authorization credentials (RFC 3261 §22.4, RFC 7616 §3.4). */
export const credentials: fc.Arbitrary<Generated<Credentials>> = authValue(CREDENTIAL_PARAMS);
/** WWW-Authenticate / Proxy-Authenticate challenges (RFC 7616 §3.3). */
export const challenge: fc.Arbitrary<Generated<Credentials>> = authValue(CHALLENGE_PARAMS);

/** A Date (RFC 3261 §20.17): an RFC 1123 date in GMT. */
export const date: fc.Arbitrary<string> = fc
  .integer({ min: 0, max: 4102444799 })
  .map((s) => new Date(s * 1000).toUTCString());

/** A Retry-After (RFC 3261 §20.33) with its optional comment and parameters. */
export const retryAfter: fc.Arbitrary<string> = fc
  .tuple(
    fc.nat(86400),
    fc.option(stringOf('abcdefghijklmnopqrstuvwxyz ', 1, 16), { nil: undefined }),
    fc.option(fc.nat(3600), { nil: undefined }),
  )
  .map(
    ([n, comment, duration]) =>
      String(n) +
      (comment === undefined ? '' : ' (' + comment + ')') +
      (duration === undefined ? '' : ';duration=' + duration),
  );

/** A Warning list (RFC 3261 §20.43). */
export const warning: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.integer({ min: 300, max: 399 }), fc.oneof(hostname, token(10)), quoted), {
    minLength: 1,
    maxLength: 2,
  })
  .map((list) => list.map(([code, agent, text]) => code + ' ' + agent + ' ' + text.quoted).join(', '));

const TEXT_CHARS =
  ' \t!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

/** A header value of free text (Subject, User-Agent, unknown headers): printable ASCII and UTF-8, trimmed, perhaps empty. */
export const freeText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...TEXT_CHARS.split('')) },
      { weight: 1, arbitrary: fc.constantFrom('é', 'ü', '中', '€', '😀') },
    ),
    { maxLength: 24 },
  )
  .map((chars) => chars.join('').replace(/^[ \t]+|[ \t]+$/g, ''));

/** Raw header names the message layer does not type; their values are kept as written. */
export const RAW_HEADER_NAMES: readonly string[] = [
  'Subject',
  's',
  'User-Agent',
  'Server',
  'Allow',
  'Supported',
  'k',
  'Require',
  'Accept',
  'Organization',
  'Event',
  'o',
  'Allow-Events',
  'u',
  'Priority',
  'Refer-To',
  'r',
  'Referred-By',
  'b',
  'Content-Encoding',
  'e',
  'Accept-Contact',
  'a',
  'Reject-Contact',
  'j',
  'Request-Disposition',
  'd',
  'Session-Expires',
  'x',
  'Identity',
  'y',
  'Alert-Info',
  'Call-Info',
  'In-Reply-To',
  'Reply-To',
  'Timestamp',
  'P-Charging-Vector',
  'P-Preferred-Identity',
];

/** Keys of the headers whose values the message layer checks or types; an unknown header must not use them. */
export const TYPED_HEADER_KEYS: ReadonlySet<string> = new Set([
  'via',
  'from',
  'to',
  'call-id',
  'cseq',
  'max-forwards',
  'contact',
  'route',
  'record-route',
  'content-length',
  'content-type',
  'expires',
  'min-expires',
  'date',
  'retry-after',
  'warning',
  'session-id',
  'p-asserted-identity',
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
]);

/** A header name no SIP extension the message layer knows uses. */
export function unknownHeaderName(canonical: (name: string) => string): fc.Arbitrary<string> {
  return fc
    .oneof(
      token(12).map((t) => 'X-' + t),
      tokenExcept([], 12),
    )
    .filter((name) => !TYPED_HEADER_KEYS.has(canonical(name)));
}
