/**
 * URI equivalence, RFC 3261 §19.1.4: whether two URIs name the same
 * resource, as a registrar compares Contacts and a Digest server compares
 * the `uri` parameter with the Request-URI.
 */
import type { Params } from './params.js';
import { serializeUri, type SipUri, type Uri } from './uri.js';

/**
 * Whether two URIs are equivalent. Two SIP or SIPS URIs are compared by the
 * rules of RFC 3261 §19.1.4 ({@link sipUriEquals}); any other pair (tel,
 * other schemes, or a SIP URI against a non-SIP one) is equal only when the
 * two serialize to the same text.
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind === 'sip' && b.kind === 'sip') return sipUriEquals(a, b);
  return serializeUri(a) === serializeUri(b);
}

// RFC 3261 §19.1.4: present in one URI only, these never match (the defaulted
// components, and maddr); every other parameter present in one only is ignored.
const MUST_BE_IN_BOTH: readonly string[] = ['transport', 'user', 'ttl', 'method', 'maddr'];

/**
 * SIP URI equivalence, RFC 3261 §19.1.4:
 * - a SIP and a SIPS URI are never equivalent;
 * - user and password are compared case-sensitively, host, scheme and
 *   parameters case-insensitively;
 * - characters outside RFC 2396's reserved set compare equal to their
 *   `%HH` escapes (`%61lice` is `alice`), reserved ones do not (`%3B` is not `;`);
 * - user, password, host and port must all match, and a component present in
 *   one URI only never matches, even with its default value (no port is not
 *   `:5060`);
 * - the order of parameters and of headers is not significant;
 * - a parameter present in both must match; `transport`, `user`, `ttl`,
 *   `method` or `maddr` present in only one never matches; any other
 *   parameter present in only one is ignored;
 * - headers are never ignored: each must be present in both and match.
 *
 * Deliberate limits: hosts are compared as text (an IPv6 reference written
 * two ways, or a name and the address it resolves to, differ — the latter as
 * §19.1.4 requires); `method` is compared case-sensitively, as method names
 * are (§7.1); header values are compared as unescaped text, not by each
 * header field's own rules of §20.
 */
export function sipUriEquals(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  if (!sameOptional(a.user, b.user, false)) return false;
  if (!sameOptional(a.password, b.password, false)) return false;
  if (normalize(a.host, true) !== normalize(b.host, true)) return false;
  if (a.port !== b.port) return false;
  return sameParams(a.params, b.params) && sameHeaders(a.headers, b.headers);
}

function sameParams(a: Params, b: Params): boolean {
  for (const name of MUST_BE_IN_BOTH) {
    if (a.has(name) !== b.has(name)) return false;
  }
  for (const [name, value] of a) {
    if (!b.has(name)) continue;
    const other = b.get(name);
    // §7.1: method names are case-sensitive; every other parameter value is not (§19.1.4).
    const ignoreCase = name.toLowerCase() !== 'method';
    // A flag (`;lr`, value null) matches only a flag.
    if (!sameOptional(value ?? undefined, other ?? undefined, ignoreCase)) return false;
  }
  return true;
}

function sameHeaders(a: Params, b: Params): boolean {
  if (a.size !== b.size) return false;
  const key = ([name, value]: readonly [string, string | null]): string =>
    `${normalize(name, true)}=${value === null ? '' : normalize(value, false)}`;
  const left = a.entries().map(key).sort();
  const right = b.entries().map(key).sort();
  return left.every((entry, i) => entry === right[i]);
}

function sameOptional(a: string | undefined, b: string | undefined, ignoreCase: boolean): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || normalize(a, ignoreCase) === normalize(b, ignoreCase);
}

// RFC 2396 §2.2 reserved characters: escaped, they stay distinct from the character itself.
// `%` is kept escaped too: decoding `%25` would make `%253B` (the text "%3B") equal `%3B` (an escaped `;`).
const KEPT_ESCAPED = new Set([';', '/', '?', ':', '@', '&', '=', '+', '$', ',', '%']);

/**
 * Decodes the `%HH` escapes of characters outside the reserved set (RFC 3261
 * §19.1.4), upper-cases the hex of the escapes kept, and folds case when asked.
 */
function normalize(text: string, ignoreCase: boolean): string {
  const folded =
    text.indexOf('%') < 0
      ? text
      : text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
          const code = parseInt(hex, 16);
          const char = String.fromCharCode(code);
          return code < 0x80 && !KEPT_ESCAPED.has(char) ? char : `%${hex.toUpperCase()}`;
        });
  return ignoreCase ? folded.toLowerCase() : folded;
}
