/**
 * Fast paths for the forms almost every SIP element writes: one Via entry
 * with single spaces and token parameters, name-addrs in angle brackets with
 * an optional simple quoted display name, and SIP URIs without password,
 * IPv6 host or URI headers. A value is first checked against a strict
 * regular expression of that canonical form (the engine runs it natively,
 * in time linear in the value); when it matches, its parts are cut out with
 * `indexOf`, which needs no further character checks. Anything else goes to
 * the general parser, which accepts every form of the grammar. Both give
 * the same result for a canonical value; a test holds them to it.
 * @internal
 */
import { parseDigits } from './charset.js';
import { isIPv4, type HostKind } from './host.js';
import { Params } from './params.js';
import type { SipUri } from './uri-types.js';

const T = "A-Za-z0-9\\-.!%*_+`'~";
/**
 * A host name or IPv4 address as labels: runs of alphanumerics joined by
 * single dots or by runs of hyphens, with an optional trailing dot (RFC 3261
 * §25.1 `hostname`, `IPv4address`). Each separator starts with a character
 * the runs cannot hold, so the engine never has two ways to match and the
 * match is linear. Whether the top label starts with a letter, or the
 * address's parts are at most 255, is checked by {@link canonicalHostKind}.
 */
const H = '[A-Za-z0-9]+(?:(?:\\.|-+)[A-Za-z0-9]+)*\\.?';
const PORT = '(?::[0-9]{1,5})?';
/** A quoted-string without escapes or control characters (RFC 3261 §25.1 `quoted-string`, its simple form). */
const QUOTED = '"[^"\\\\\\x00-\\x1f\\x7f]*"';
/** Via parameters: token values only, so that the entry can be cut at each `;`. */
const VIA_PARAMS = `(?:;[${T}]+(?:=[${T}]+)?)*`;
/** Header parameters of a name-addr: token or quoted values (`+sip.instance="<urn:…>"`, RFC 5626). */
const HEADER_PARAMS = `(?:;[${T}]+(?:=(?:[${T}]+|${QUOTED}))?)*`;
const USER_CHARS = "A-Za-z0-9\\-_.!~*'()+&=$";
const PARAM_CHARS = "A-Za-z0-9\\-_.!~*'()\\[\\]/:&+$";
const ESCAPED = '%[0-9A-Fa-f]{2}';

/**
 * The canonical SIP URI, with or without `%XX` escapes in the user and the
 * parameters, with an optional user part or none. Without escapes each part
 * is a single character class, which the engine scans about three times
 * faster than a class-or-escape alternation; a value without `%` cannot hold
 * an escape, so it is matched by that form. Without a user part the engine
 * does not first read the host as a user and step back when no `@` follows;
 * a value without `@` cannot have a user part.
 */
function sipUri(escapes: boolean, user: boolean): string {
  const userPart = escapes ? `(?:[${USER_CHARS}]|${ESCAPED})+` : `[${USER_CHARS}]+`;
  const param = escapes ? `(?:[${PARAM_CHARS}]|${ESCAPED})+` : `[${PARAM_CHARS}]+`;
  return `sips?:${user ? `(?:${userPart}@)?` : ''}${H}${PORT}(?:;${param}(?:=${param})?)*`;
}

function nameAddr(escapes: boolean, user: boolean): string {
  return `(?:${QUOTED} ?)?<${sipUri(escapes, user)}>${HEADER_PARAMS}`;
}

/** One canonical Via entry: `SIP/2.0/TRANSPORT host[:port][;name[=value]]…`. */
export const CANONICAL_VIA = new RegExp(`^SIP/2\\.0/[A-Z]+ ${H}${PORT}${VIA_PARAMS}$`);

/** The name-addr forms, one and a list, by `(user ? 2 : 0) + (escapes ? 1 : 0)`. */
const NAME_ADDR: readonly RegExp[] = [];
const NAME_ADDR_LIST: readonly RegExp[] = [];
for (const user of [false, true]) {
  for (const escapes of [false, true]) {
    const one = nameAddr(escapes, user);
    (NAME_ADDR as RegExp[]).push(new RegExp(`^${one}$`));
    (NAME_ADDR_LIST as RegExp[]).push(new RegExp(`^${one}(?:, ?${one})*$`));
  }
}
const SIP_URI = new RegExp(`^${sipUri(false, true)}$`);
const SIP_URI_ESCAPED = new RegExp(`^${sipUri(true, true)}$`);

/**
 * True when `s` is one canonical name-addr with header parameters, or with
 * `list`, a comma-separated list of them. The form without escapes is tried
 * first; only a value holding `%` can need the other.
 */
export function isCanonicalNameAddr(s: string, list: boolean): boolean {
  const forms = list ? NAME_ADDR_LIST : NAME_ADDR;
  const user = s.indexOf('@') < 0 ? 0 : 2;
  if ((forms[user] as RegExp).test(s)) return true;
  return s.indexOf('%') >= 0 && (forms[user + 1] as RegExp).test(s);
}

/** True when `s` is a canonical SIP URI on its own (a Request-URI). */
export function isCanonicalSipUri(s: string): boolean {
  return (s.indexOf('%') < 0 ? SIP_URI : SIP_URI_ESCAPED).test(s);
}

/** Longest value a fast path takes; longer ones go to the general parser. */
export const CANONICAL_MAX_LENGTH = 2048;

/**
 * The kind of a host that matched the label pattern of the canonical
 * expressions, or undefined when it is neither a name nor an IPv4 address:
 * what is left to check is the top label's first character, or the parts
 * of an address (RFC 3261 §25.1).
 */
export function canonicalHostKind(host: string): HostKind | undefined {
  const first = host.charCodeAt(0);
  if (first <= 57 && isIPv4(host, 0, host.length)) return 'ipv4';
  let i = host.length - 1;
  if (host.charCodeAt(i) === 46) i--;
  // Back to the dot before the top label; the top label is short and `lastIndexOf` costs more than this loop.
  while (i > 0 && host.charCodeAt(i - 1) !== 46) i--;
  const top = host.charCodeAt(i) | 32;
  return top >= 97 && top <= 122 ? 'domain' : undefined;
}

/**
 * Cuts a canonical SIP URI (already matched) from `s[a, b)`. Returns
 * undefined when a check the expression cannot make fails (the host's
 * structure, the port's range); the caller then uses the general parser.
 */
export function canonicalSipUri(s: string, a: number, b: number): SipUri | undefined {
  const sips = s.charCodeAt(a + 3) !== 58;
  let p = a + (sips ? 5 : 4);
  let user: string | undefined;
  const at = s.indexOf('@', p);
  if (at >= 0 && at < b) {
    user = s.slice(p, at);
    p = at + 1;
  }
  let semi = s.indexOf(';', p);
  if (semi < 0 || semi > b) semi = b;
  const hostEnd = portColon(s, p, semi);
  const host = s.slice(p, hostEnd);
  const hostKind = canonicalHostKind(host);
  if (hostKind === undefined) return undefined;
  let port: number | undefined;
  if (hostEnd !== semi) {
    port = parseDigits(s, hostEnd + 1, semi, 65535);
    if (port < 0) return undefined;
  }
  const params = semi < b ? new Params(s.slice(semi, b)) : Params.EMPTY;
  return {
    kind: 'sip',
    scheme: sips ? 'sips' : 'sip',
    user,
    password: undefined,
    host,
    hostKind,
    port,
    params,
    headers: Params.EMPTY,
  };
}

/**
 * The header parameters of a canonical name-addr, `s[start, end)`. Without
 * quotes the text is kept and split on first use; a quoted value may hold
 * `;`, so such a list is cut here, quotes skipped (they hold no escapes).
 */
export function canonicalHeaderParams(s: string, start: number, end: number): Params {
  if (start === end) return Params.EMPTY;
  const quote = s.indexOf('"', start);
  if (quote < 0 || quote >= end) return new Params(s.slice(start, end));
  const flat: Array<string | null> = [];
  let p = start;
  while (p < end) {
    let next = s.indexOf(';', p + 1);
    if (next < 0 || next > end) next = end;
    const eq = s.indexOf('=', p + 1);
    if (eq < 0 || eq > next) {
      flat.push(s.slice(p + 1, next), null);
    } else {
      if (s.charCodeAt(eq + 1) === 34) {
        next = s.indexOf(';', s.indexOf('"', eq + 2) + 1);
        if (next < 0 || next > end) next = end;
      }
      flat.push(s.slice(p + 1, eq), s.slice(eq + 1, next));
    }
    p = next;
  }
  return new Params(flat);
}

/**
 * Where the canonical name-addr whose URI ends at `gt` (its `>`) ends: at the
 * first comma after it outside a quoted parameter value, or at `end`.
 */
export function canonicalEntryEnd(s: string, gt: number, end: number): number {
  let p = gt + 1;
  for (;;) {
    const comma = s.indexOf(',', p);
    const quote = s.indexOf('"', p);
    if (quote < 0 || quote >= end || (comma >= 0 && comma < quote)) return comma < 0 || comma > end ? end : comma;
    const close = s.indexOf('"', quote + 1);
    if (close < 0) return end;
    p = close + 1;
  }
}

/**
 * Where the host of a canonical value ends: at the colon before the port that
 * ends at `end`, or at `end`. Host characters hold no colon, so looking back
 * over the digits before `end` is enough, and costs less than a search.
 */
export function portColon(s: string, start: number, end: number): number {
  let i = end - 1;
  for (let c = s.charCodeAt(i); i > start && c >= 48 && c <= 57; c = s.charCodeAt(--i));
  return i < end - 1 && s.charCodeAt(i) === 58 ? i : end;
}

/** @internal Switch for tests that hold the fast paths and the general parser to the same results. */
export const fastPaths = { enabled: true };
