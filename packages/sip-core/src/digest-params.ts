import { CLASS, TOKEN } from './charset.js';
import { endOfQuoted, unquote } from './header-params.js';

/**
 * Credentials of an Authorization or Proxy-Authorization header (RFC 3261
 * §22.4, RFC 7616 §3.4): the scheme and its parameters, names in lower case
 * and values with quotes removed.
 */
export interface Credentials {
  /** The scheme as written (`Digest`); compare it case-insensitively. */
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
}

/** A challenge of a WWW-Authenticate or Proxy-Authenticate header (RFC 7616 §3.3). */
export type Challenge = Credentials;

function isWs(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * Parses `auth-scheme LWS auth-param *(COMMA auth-param)`. A scheme that is
 * not Digest may carry a single token68-like value, kept under the name `''`.
 * Returns undefined when malformed.
 */
function parseAuthValue(s: string): Credentials | undefined {
  const end = s.length;
  let p = 0;
  while (p < end && s.charCodeAt(p) < 128 && (CLASS[s.charCodeAt(p)]! & TOKEN) !== 0) p++;
  if (p === 0) return undefined;
  const scheme = s.slice(0, p);
  const params = new Map<string, string>();
  if (p === end) return { scheme, params };
  if (!isWs(s.charCodeAt(p))) return undefined;
  for (;;) {
    while (p < end && isWs(s.charCodeAt(p))) p++;
    const nameStart = p;
    while (p < end && s.charCodeAt(p) < 128 && (CLASS[s.charCodeAt(p)]! & TOKEN) !== 0) p++;
    if (p === nameStart) return undefined;
    const name = s.slice(nameStart, p);
    while (p < end && isWs(s.charCodeAt(p))) p++;
    if (s.charCodeAt(p) !== 61) {
      // A bare token (RFC 7235 token68) is allowed only as the whole value.
      if (params.size > 0 || p !== end) return undefined;
      params.set('', name);
      return { scheme, params };
    }
    p++;
    while (p < end && isWs(s.charCodeAt(p))) p++;
    let value: string;
    if (s.charCodeAt(p) === 34) {
      const close = endOfQuoted(s, p, end);
      if (close < 0) return undefined;
      value = unquote(s.slice(p, close));
      p = close;
    } else {
      const valueStart = p;
      while (p < end && s.charCodeAt(p) !== 44 && !isWs(s.charCodeAt(p))) p++;
      if (p === valueStart) return undefined;
      value = s.slice(valueStart, p);
    }
    const key = name.toLowerCase();
    // RFC 7616 §3.4: each parameter appears at most once.
    if (params.has(key)) return undefined;
    params.set(key, value);
    while (p < end && isWs(s.charCodeAt(p))) p++;
    if (p === end) return { scheme, params };
    if (s.charCodeAt(p) !== 44) return undefined;
    p++;
  }
}

/** @internal Parses one Authorization / Proxy-Authorization value onto `out`. */
export function parseCredentialsValue(s: string, out: Credentials[]): boolean {
  const value = parseAuthValue(s);
  if (value === undefined) return false;
  out.push(value);
  return true;
}

/** @internal Parses one WWW-Authenticate / Proxy-Authenticate value onto `out`. */
export function parseChallengeValue(s: string, out: Challenge[]): boolean {
  return parseCredentialsValue(s, out);
}

/**
 * Serializes credentials or a challenge. Parameters RFC 7616 sends as
 * tokens (`algorithm`, `qop` in credentials, `nc`, `stale`) are written bare,
 * the others quoted.
 */
export function serializeAuthValue(value: Credentials, options?: { challenge?: boolean }): string {
  const bare = new Set(options?.challenge === true ? ['algorithm', 'stale'] : ['algorithm', 'qop', 'nc']);
  const parts: string[] = [];
  for (const [name, v] of value.params) {
    if (name === '') parts.push(v);
    else parts.push(bare.has(name) ? `${name}=${v}` : `${name}="${v.replace(/(["\\])/g, '\\$1')}"`);
  }
  return parts.length === 0 ? value.scheme : value.scheme + ' ' + parts.join(', ');
}
