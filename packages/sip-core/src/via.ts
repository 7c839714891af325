import { TOKEN, allIn, parseDigits } from './charset.js';
import { CANONICAL_MAX_LENGTH, CANONICAL_VIA, canonicalHostKind, fastPaths, portColon } from './canonical.js';
import { VIA_ENTRY } from './grammar.js';
import { splitHeaderParams } from './header-params.js';
import { classifyHost, isIPv4, isIPv6, type HostKind } from './host.js';
import { Params } from './params.js';

/** The RFC 3261 §8.1.1.7 magic cookie that starts every compliant branch. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** One Via entry (RFC 3261 §20.42, RFC 3581). */
export interface Via {
  /** `SIP/2.0` as written, without spaces. */
  readonly protocol: string;
  /** Transport in upper case: `UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS`, or another token. */
  readonly transport: string;
  /** The sent-by host as written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
  readonly branch: string | undefined;
  readonly received: string | undefined;
  /** RFC 3581: `true` when present without a value (a request asking for it), else the port. */
  readonly rport: number | true | undefined;
  readonly maddr: string | undefined;
  readonly ttl: number | undefined;
  /** Every parameter in order, values as written. */
  readonly params: Params;
}

/**
 * Parses one Via header value (one or more comma-separated entries),
 * appending to `out`. Returns false when malformed.
 * @internal
 */
export function parseViaValue(s: string, out: Via[]): boolean {
  if (fastPaths.enabled && s.length <= CANONICAL_MAX_LENGTH && CANONICAL_VIA.test(s) && parseCanonicalVia(s, out))
    return true;
  const end = s.length;
  let p = 0;
  for (;;) {
    VIA_ENTRY.lastIndex = p;
    const m = VIA_ENTRY.exec(s);
    if (m === null) return false;
    const hostText = m[4] as string;
    const hostKind = classifyHost(hostText, 0, hostText.length);
    if (hostKind === undefined) return false;
    let port: number | undefined;
    const portText = m[5];
    if (portText !== undefined) {
      port = portText.length > 5 ? 65536 : +portText;
      if (port > 65535) return false;
    }
    let params = Params.EMPTY;
    let branch: string | undefined;
    let received: string | undefined;
    let rport: number | true | undefined;
    let maddr: string | undefined;
    let ttl: number | undefined;
    const paramText = m[6] as string;
    if (paramText.length > 0) {
      const flat: Array<string | null> = [];
      splitHeaderParams(paramText, flat);
      for (let i = 0; i < flat.length; i += 2) {
        const name = flat[i] as string;
        const value = flat[i + 1] ?? null;
        if (isName(name, 'branch')) {
          // RFC 3261 §20.42: via-branch = "branch" EQUAL token.
          if (value === null || !isTokenText(value)) return false;
          branch = value;
        } else if (isName(name, 'received')) {
          // RFC 3261 §20.42 takes an IPv4 or IPv6 address; RFC 5118 §4.5 asks to accept brackets too.
          if (value === null || !isAddress(value)) return false;
          received = value;
        } else if (isName(name, 'rport')) {
          if (value === null) rport = true;
          else {
            const n = parseDigits(value, 0, value.length, 65535);
            if (n < 0) return false;
            rport = n;
          }
        } else if (isName(name, 'maddr')) {
          if (value === null || classifyHost(value, 0, value.length) === undefined) return false;
          maddr = value;
        } else if (isName(name, 'ttl')) {
          const n = value === null ? -1 : parseDigits(value, 0, value.length, 255);
          if (n < 0) return false;
          ttl = n;
        } else if (
          value !== null &&
          value.charCodeAt(0) !== 34 &&
          value.charCodeAt(0) !== 91 &&
          value.indexOf(':') >= 0
        ) {
          // Only `received` may hold a bare IPv6 address.
          return false;
        }
      }
      params = new Params(flat);
    }
    const transport = m[3] as string;
    out.push({
      protocol: (m[1] as string) + '/' + (m[2] as string),
      transport: isUpper(transport) ? transport : transport.toUpperCase(),
      host: hostText,
      hostKind,
      port,
      branch,
      received,
      rport,
      maddr,
      ttl,
      params,
    });
    p = VIA_ENTRY.lastIndex;
    if (m[7] !== ',') return p === end;
  }
}

/**
 * Cuts a Via entry that matched {@link CANONICAL_VIA}; returns false when a
 * check the expression cannot make fails, leaving `out` unchanged.
 */
function parseCanonicalVia(s: string, out: Via[]): boolean {
  const end = s.length;
  const sp = s.indexOf(' ', 8);
  let semi = s.indexOf(';', sp);
  if (semi < 0) semi = end;
  const hostEnd = portColon(s, sp + 1, semi);
  const host = s.slice(sp + 1, hostEnd);
  const hostKind = canonicalHostKind(host);
  if (hostKind === undefined) return false;
  let port: number | undefined;
  if (hostEnd !== semi) {
    port = parseDigits(s, hostEnd + 1, semi, 65535);
    if (port < 0) return false;
  }
  let branch: string | undefined;
  let received: string | undefined;
  let rport: number | true | undefined;
  let maddr: string | undefined;
  let ttl: number | undefined;
  // Only the parameters the entry names are cut out; the list itself is split on first use.
  for (let p = semi; p < end; ) {
    let next = s.indexOf(';', p + 1);
    if (next < 0) next = end;
    const length = namedParamLength(s, p + 1, next);
    if (length > 0) {
      const eq = p + 1 + length;
      const value = eq < next ? s.slice(eq + 1, next) : null;
      if (isNameAt(s, p + 1, length, 'branch')) {
        if (value === null) return false;
        branch = value;
      } else if (isNameAt(s, p + 1, length, 'received')) {
        if (value === null || !isIPv4(value, 0, value.length)) return false;
        received = value;
      } else if (isNameAt(s, p + 1, length, 'rport')) {
        if (value === null) rport = true;
        else {
          const n = parseDigits(value, 0, value.length, 65535);
          if (n < 0) return false;
          rport = n;
        }
      } else if (isNameAt(s, p + 1, length, 'maddr')) {
        if (value === null || classifyHost(value, 0, value.length) === undefined) return false;
        maddr = value;
      } else if (isNameAt(s, p + 1, length, 'ttl')) {
        const n = value === null ? -1 : parseDigits(value, 0, value.length, 255);
        if (n < 0) return false;
        ttl = n;
      }
    }
    p = next;
  }
  const params = semi < end ? new Params(s.slice(semi)) : Params.EMPTY;
  out.push({
    protocol: 'SIP/2.0',
    transport: s.slice(8, sp),
    host,
    hostKind,
    port,
    branch,
    received,
    rport,
    maddr,
    ttl,
    params,
  });
  return true;
}

/**
 * The length of the parameter name at `p` when it may be one of those a Via
 * entry names (`branch`, `received`, `rport`, `maddr`, `ttl`, in any case):
 * its first letter and what follows it fit. Zero for any other parameter.
 */
function namedParamLength(s: string, p: number, next: number): number {
  let length: number;
  switch (s.charCodeAt(p) | 32) {
    case 98:
      length = 6;
      break;
    case 114:
      length = s.charCodeAt(p + 1) === 101 || s.charCodeAt(p + 1) === 69 ? 8 : 5;
      break;
    case 109:
      length = 5;
      break;
    case 116:
      length = 3;
      break;
    default:
      return 0;
  }
  const end = p + length;
  return end === next || (end < next && s.charCodeAt(end) === 61) ? length : 0;
}

/**
 * True when the parameter name `s[at, at + length)` is `lower` in any case,
 * compared in place. `| 32` folds ASCII letters only onto lower case, and a
 * canonical value holds ASCII only.
 */
function isNameAt(s: string, at: number, length: number, lower: string): boolean {
  if (length !== lower.length) return false;
  for (let i = 0; i < length; i++) if ((s.charCodeAt(at + i) | 32) !== lower.charCodeAt(i)) return false;
  return true;
}

/** Case-insensitive comparison with a lower-case parameter name, without allocating in the common case. */
function isName(name: string, lower: string): boolean {
  return name === lower || (name.length === lower.length && name.toLowerCase() === lower);
}

function isUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
  }
  return true;
}

function isTokenText(v: string): boolean {
  return allIn(v, 0, v.length, TOKEN);
}

function isAddress(v: string): boolean {
  if (v.charCodeAt(0) === 91) return v.charCodeAt(v.length - 1) === 93 && isIPv6(v, 1, v.length - 1);
  return isIPv4(v, 0, v.length) || isIPv6(v, 0, v.length);
}

/** Serializes one Via entry. */
export function serializeVia(via: Pick<Via, 'protocol' | 'transport' | 'host' | 'port' | 'params'>): string {
  return (
    via.protocol +
    '/' +
    via.transport +
    ' ' +
    via.host +
    (via.port !== undefined ? ':' + via.port : '') +
    via.params.toString(';')
  );
}
