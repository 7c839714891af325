/**
 * Compact header names and their full forms: RFC 3261 §7.3.3 and the
 * extensions that define one (RFC 3265/6665 `o`, `u`; RFC 3515 `r`;
 * RFC 3892 `b`; RFC 3841 `a`, `j`, `d`; RFC 4028 `x`; RFC 8224 `y`, `n`).
 */
const COMPACT: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

const MAX_CACHED_NAMES = 2048;
const known = new Map<string, string>();

/**
 * The lookup key of a header name: lower case, compact forms expanded
 * (`v` and `VIA` both give `via`). Names are case-insensitive (RFC 3261 §7.3.1).
 */
export function canonicalHeaderName(name: string): string {
  const cached = known.get(name);
  if (cached !== undefined) return cached;
  const lower = name.toLowerCase();
  const key = lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
  // Bounded, so that hostile unique names cannot grow it without end.
  if (known.size < MAX_CACHED_NAMES) known.set(name, key);
  return key;
}

/** The conventional spelling of a header name, used when this library writes a header it was given by key. */
export function displayHeaderName(key: string): string {
  switch (key) {
    case 'call-id':
      return 'Call-ID';
    case 'cseq':
      return 'CSeq';
    case 'www-authenticate':
      return 'WWW-Authenticate';
    case 'session-id':
      return 'Session-ID';
    case 'p-asserted-identity':
      return 'P-Asserted-Identity';
    default:
      return key.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
  }
}

/** @internal The key of a header name seen before, or undefined (no allocation, no validation). */
export function knownHeaderKey(name: string): string | undefined {
  return known.get(name);
}
