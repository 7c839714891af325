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

/**
 * The keys the message layer switches on, written here as literals so that
 * the engine keeps one copy of each and compares them by identity.
 */
const INTERNED_KEYS: ReadonlyMap<string, string> = new Map(
  [
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
    'allow',
    'supported',
    'require',
    'proxy-require',
    'user-agent',
    'server',
    'accept',
    'subject',
    'content-encoding',
    'content-disposition',
    'event',
    'refer-to',
    'referred-by',
    'session-expires',
    'min-se',
    'path',
    'service-route',
    'privacy',
    'reason',
    'rseq',
    'rack',
  ].map((key) => [key, key]),
);

const MAX_CACHED_NAMES = 2048;
const known = new Map<string, string>();

/**
 * The lookup key of a header name: lower case, compact forms expanded
 * (`v` and `VIA` both give `via`). Names are case-insensitive (RFC 3261 §7.3.1).
 */
export function canonicalHeaderName(name: string): string {
  const cached = known.get(name);
  if (cached !== undefined) return cached;
  const key = keyOf(name);
  // Bounded, so that hostile unique names cannot grow it without end.
  if (known.size < MAX_CACHED_NAMES) known.set(name, key);
  return key;
}

function keyOf(name: string): string {
  const lower = name.toLowerCase();
  const expanded = lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
  return INTERNED_KEYS.get(expanded) ?? expanded;
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

/**
 * Header names as they are almost always written: a name written exactly so
 * is recognised without hashing it. Any other spelling (`VIA`, `call-id`)
 * takes the general path, with the same result.
 */
const WELL_KNOWN: readonly string[] = [
  'Via',
  'From',
  'To',
  'Call-ID',
  'CSeq',
  'Contact',
  'Max-Forwards',
  'Route',
  'Record-Route',
  'Content-Length',
  'Content-Type',
  'Expires',
  'Min-Expires',
  'Date',
  'Retry-After',
  'Warning',
  'Session-ID',
  'P-Asserted-Identity',
  'Authorization',
  'Proxy-Authorization',
  'WWW-Authenticate',
  'Proxy-Authenticate',
  'Allow',
  'Supported',
  'Require',
  'Proxy-Require',
  'User-Agent',
  'Server',
  'Accept',
  'Subject',
  'Content-Encoding',
  'Content-Disposition',
  'Event',
  'Refer-To',
  'Referred-By',
  'Session-Expires',
  'Min-SE',
  'Path',
  'Service-Route',
  'Privacy',
  'Reason',
  'RSeq',
  'RAck',
  'Allow-Events',
  'Accept-Contact',
  'P-Access-Network-Info',
  'P-Preferred-Service',
  'P-Preferred-Identity',
  'P-Charging-Vector',
  'P-Visited-Network-ID',
  'P-Associated-URI',
  'Unsupported',
  'Accept-Encoding',
  'Accept-Language',
  'Subscription-State',
  'Security-Client',
  'Security-Verify',
  'Security-Server',
  'Authentication-Info',
  'Organization',
  'Timestamp',
  'v',
  'f',
  't',
  'i',
  'm',
  'l',
  'c',
  'k',
  's',
  'e',
  'o',
  'r',
  'b',
  'u',
  'x',
  'a',
];

/** @internal The names of {@link WELL_KNOWN}, by the index {@link wellKnownHeader} returns. */
export const WELL_KNOWN_NAMES: readonly string[] = WELL_KNOWN;
/** @internal The keys of {@link WELL_KNOWN}, by the index {@link wellKnownHeader} returns. */
export const WELL_KNOWN_KEYS: readonly string[] = WELL_KNOWN.map(keyOf);

/** Longest name in {@link WELL_KNOWN} the table can hold. */
const MAX_WELL_KNOWN_LENGTH = 31;

/** Buckets by length and the low five bits of the first character: the first index, then the chain. */
const BUCKETS = new Int16Array((MAX_WELL_KNOWN_LENGTH + 1) << 5).fill(-1);
const CHAIN = new Int16Array(WELL_KNOWN.length).fill(-1);
for (let i = WELL_KNOWN.length - 1; i >= 0; i--) {
  const name = WELL_KNOWN_NAMES[i] as string;
  const bucket = (name.length << 5) | (name.charCodeAt(0) & 31);
  CHAIN[i] = BUCKETS[bucket] as number;
  BUCKETS[bucket] = i;
}

/**
 * @internal The index in {@link WELL_KNOWN_NAMES} of a header name written
 * exactly as one of them, or -1. Comparing with `===` the few names of the
 * same length and first letter costs less than hashing the name for a map.
 */
export function wellKnownHeader(name: string): number {
  const length = name.length;
  if (length > MAX_WELL_KNOWN_LENGTH) return -1;
  for (let i = BUCKETS[(length << 5) | (name.charCodeAt(0) & 31)] as number; i >= 0; i = CHAIN[i] as number) {
    if (name === WELL_KNOWN_NAMES[i]) return i;
  }
  return -1;
}
