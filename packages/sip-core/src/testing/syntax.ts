/**
 * Arbitraries for the small pieces of the RFC 3261 §25.1 grammar that URIs
 * and header fields are built from: tokens, escapes, quoted strings, hosts.
 * Each produces text that the grammar accepts.
 */
import fc from 'fast-check';

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
/** `alphanum`. */
export const ALPHANUM = DIGITS + LOWER + UPPER;
/** `token` characters. */
export const TOKEN_CHARS = ALPHANUM + "-.!%*_+`'~";
/** `unreserved`: alphanum and the marks. */
export const UNRESERVED = ALPHANUM + "-_.!~*'()";
/** `word` characters (Call-ID). */
export const WORD_CHARS = TOKEN_CHARS + '()<>:\\"/[]?{}';
const HEX = DIGITS + 'abcdefABCDEF';

/** One character of `alphabet`. */
export function charOf(alphabet: string): fc.Arbitrary<string> {
  return fc.constantFrom(...alphabet.split(''));
}

/** A string of characters of `alphabet`. */
export function stringOf(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: charOf(alphabet), minLength, maxLength });
}

/** An RFC 3261 `token`. */
export function token(maxLength = 12): fc.Arbitrary<string> {
  return stringOf(TOKEN_CHARS, 1, maxLength);
}

/** A token that, compared case-insensitively, is none of `reserved`. */
export function tokenExcept(reserved: readonly string[], maxLength = 12): fc.Arbitrary<string> {
  const lower = new Set(reserved.map((r) => r.toLowerCase()));
  return token(maxLength).filter((t) => !lower.has(t.toLowerCase()));
}

/** `escaped` = "%" HEXDIG HEXDIG, hex digits in either case. */
export const escaped: fc.Arbitrary<string> = fc.tuple(charOf(HEX), charOf(HEX)).map(([a, b]) => '%' + a + b);

/** A run of characters of `alphabet` mixed with escapes (user, password, URI parameters and headers). */
export function escapedRun(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 8, arbitrary: charOf(alphabet) }, { weight: 1, arbitrary: escaped }), {
      minLength,
      maxLength,
    })
    .map((parts) => parts.join(''));
}

/** Characters a quoted-string may hold as they are: printable ASCII but `"` and `\`, space, tab, and some UTF-8. */
const QDTEXT = " \t!#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
const NON_ASCII = ['é', 'ß', 'Ω', 'ж', '中', '文', '😀', 'ñ'];

/** Text as a display name or a quoted parameter carries it: the characters, before quoting. */
export const quotableText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 12, arbitrary: charOf(QDTEXT) },
      { weight: 1, arbitrary: fc.constantFrom('"', '\\') },
      { weight: 1, arbitrary: fc.constantFrom(...NON_ASCII) },
    ),
    { maxLength: 16 },
  )
  .map((parts) => parts.join(''));

/**
 * A quoted-string holding `text`: `"` and `\` escaped as they must be, and
 * now and then another character escaped as it may be (RFC 3261 §25.1
 * quoted-pair), so readers must unescape rather than just strip quotes.
 */
export function quotedString(text: string, escapeMask: number): string {
  let out = '"';
  let i = 0;
  for (const ch of text) {
    const mustEscape = ch === '"' || ch === '\\';
    const mayEscape =
      ch.length === 1 && ch.charCodeAt(0) < 128 && ch !== '\t' && ((escapeMask >>> (i++ % 31)) & 1) === 1;
    out += mustEscape || mayEscape ? '\\' + ch : ch;
  }
  return out + '"';
}

/** A text arbitrary and a quoted-string of it, with some optional escapes. */
export const quoted: fc.Arbitrary<{ readonly text: string; readonly quoted: string }> = fc
  .tuple(quotableText, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0x7fffffff })))
  .map(([text, mask]) => ({ text, quoted: quotedString(text, mask) }));

const label: fc.Arbitrary<string> = fc.oneof(
  charOf(ALPHANUM),
  fc.tuple(charOf(ALPHANUM), stringOf(ALPHANUM + '-', 0, 8), charOf(ALPHANUM)).map(([a, b, c]) => a + b + c),
);
const topLabel: fc.Arbitrary<string> = fc.oneof(
  charOf(LOWER + UPPER),
  fc.tuple(charOf(LOWER + UPPER), stringOf(ALPHANUM + '-', 0, 6), charOf(ALPHANUM)).map(([a, b, c]) => a + b + c),
);

/** A host name (RFC 3261 §25.1 `hostname`), now and then with the trailing dot of a fully qualified name. */
export const hostname: fc.Arbitrary<string> = fc
  .tuple(fc.array(label, { maxLength: 3 }), topLabel, fc.integer({ min: 0, max: 15 }))
  .map(([labels, top, dot]) => [...labels, top].join('.') + (dot === 0 ? '.' : ''));

/** A dotted-quad IPv4 address. */
export const ipv4: fc.Arbitrary<string> = fc
  .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255))
  .map((parts) => parts.join('.'));

const hexGroup: fc.Arbitrary<string> = fc.tuple(fc.nat(0xffff), fc.boolean(), fc.boolean()).map(([n, upper, pad]) => {
  const text = pad ? n.toString(16).padStart(4, '0') : n.toString(16);
  return upper ? text.toUpperCase() : text;
});

/**
 * An IPv6 address in any RFC 4291 §2.2 text form: eight groups, `::`
 * compression anywhere, an IPv4 tail, either case. No brackets.
 */
export const ipv6: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(hexGroup, { minLength: 8, maxLength: 8 }),
    fc.boolean(),
    ipv4,
    fc.nat(7),
    fc.nat(7),
    fc.integer({ min: 0, max: 3 }),
  )
  .map(([groups, v4Tail, v4, a, b, compress]) => {
    const count = v4Tail ? 6 : 8;
    const g = groups.slice(0, count);
    const tail = v4Tail ? [v4] : [];
    if (compress === 0) return [...g, ...tail].join(':');
    // `::` stands for a run of one group or more: [from, from + span).
    const from = a % count;
    const span = 1 + (b % (count - from));
    return g.slice(0, from).join(':') + '::' + [...g.slice(from + span), ...tail].join(':');
  });

/** What kind of host a generated host is, as the parser should classify it. */
export type GeneratedHostKind = 'domain' | 'ipv4' | 'ipv6';

/** A host of a SIP URI or Via: a name, an IPv4 address, or an IPv6 reference in brackets. */
export const host: fc.Arbitrary<{ readonly text: string; readonly kind: GeneratedHostKind }> = fc.oneof(
  { weight: 5, arbitrary: hostname.map((text) => ({ text, kind: 'domain' as const })) },
  { weight: 2, arbitrary: ipv4.map((text) => ({ text, kind: 'ipv4' as const })) },
  { weight: 2, arbitrary: ipv6.map((text) => ({ text: '[' + text + ']', kind: 'ipv6' as const })) },
);

/** A port number. */
export const port: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(5060, 5061, 443, 80),
  fc.integer({ min: 0, max: 65535 }),
);

/** Optional whitespace where the grammar allows LWS/SWS: mostly none, sometimes spaces or a tab. */
export const SWS: readonly string[] = ['', '', '', '', ' ', '  ', '\t'];

/** Optional whitespace (one of {@link SWS}). */
export const sws: fc.Arbitrary<string> = fc.constantFrom(...SWS);

/**
 * A style: one number that decides many cosmetic choices (whitespace,
 * separators) through {@link styled}, so they cost one draw instead of one
 * each. It shrinks to 0, the plainest style.
 */
export const style: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.nat() },
);

/** The choice among `options` that `style` makes for `slot`; style 0 always takes the first (plainest) one. */
export function styled<T>(options: readonly T[], style: number, slot: number): T {
  if (style === 0) return options[0] as T;
  let x = (style ^ Math.imul(slot + 1, 0x9e3779b1)) >>> 0 || 1;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return options[(x >>> 0) % options.length] as T;
}

/** A generic header parameter value: a token, a quoted-string, or an IPv6 reference. */
export const genericValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: token() },
  { weight: 2, arbitrary: quoted.map((q) => q.quoted) },
  { weight: 1, arbitrary: ipv6.map((a) => '[' + a + ']') },
);

/** A header parameter as text and as the parser should hold it. */
export interface GeneratedParam {
  readonly name: string;
  readonly value: string | null;
  /** `;name=value` with optional whitespace around `;` and `=`. */
  readonly text: string;
}

/** Generic header parameters whose names avoid `reserved` (case-insensitively) and each other. */
export function genericParams(reserved: readonly string[], maxLength = 3): fc.Arbitrary<GeneratedParam[]> {
  const param = fc.tuple(tokenExcept(reserved, 10), fc.option(genericValue, { nil: null }));
  return fc
    .tuple(fc.uniqueArray(param, { maxLength, selector: ([name]) => name.toLowerCase() }), style)
    .map(([list, st]) =>
      list.map(([name, value], i): GeneratedParam => {
        const [ws1, ws2, ws3] = [styled(SWS, st, 3 * i), styled(SWS, st, 3 * i + 1), styled(SWS, st, 3 * i + 2)];
        return { name, value, text: ws1 + ';' + ws2 + name + (value === null ? '' : ws3 + '=' + ws3 + value) };
      }),
    );
}

/** A header parameter with a value of the caller's choosing. */
export function paramText(name: string, value: string | null, ws = ''): GeneratedParam {
  return { name, value, text: ws + ';' + name + (value === null ? '' : '=' + value) };
}

/** Picks one of the spellings of a header name: full in some case, or compact. */
export function headerName(...spellings: string[]): fc.Arbitrary<string> {
  return fc.constantFrom(...spellings);
}
