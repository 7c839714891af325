import { ALPHANUM, CLASS, HEADER_CHAR, HEX, PARAM_CHAR, PASSWORD, SCHEME_CHAR, USER, isEscapedRun } from './charset.js';
import type { SipParseError } from './errors.js';
import { classifyHost, type HostKind } from './host.js';
import { Params } from './params.js';

/**
 * A `sip:` or `sips:` URI (RFC 3261 §19.1). Every part is kept as written,
 * escapes included, so that it serializes back to the same text; use
 * {@link unescapeUriPart} to read the user part as characters.
 */
export interface SipUri {
  readonly kind: 'sip';
  /** Lower-case scheme. */
  readonly scheme: 'sip' | 'sips';
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Host as written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
  readonly params: Params;
  /** The `?name=value&…` headers. */
  readonly headers: Params;
}

/** A `tel:` URI (RFC 3966). */
export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  /** The number as written, visual separators included (`+1-201-555-0123`). */
  readonly number: string;
  /** True for a global number (one that starts with `+`). */
  readonly global: boolean;
  readonly params: Params;
}

/** A URI of any other scheme, kept opaque (RFC 3261 `absoluteURI`). */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  /** Lower-case scheme. */
  readonly scheme: string;
  /** Everything after the first colon, as written. */
  readonly opaque: string;
}

/** Any URI the message layer understands. Switch on `kind`. */
export type Uri = SipUri | TelUri | AbsoluteUri;

/** Where a URI appears, which decides what it may contain. */
export const enum UriContext {
  /** Inside `<…>` of a name-addr: anything the URI grammar allows. */
  NameAddr = 0,
  /** The Request-URI: no URI headers, no `method` parameter (RFC 3261 §19.1.1 table 1). */
  RequestUri = 1,
  /** A bare addr-spec in a header: no URI headers (RFC 3261 §20.10). */
  AddrSpec = 2,
}

/**
 * Parses `s[start, end)` as a URI. Returns undefined when it is not one;
 * the caller turns that into the error of its own context.
 * @internal
 */
export function parseUriRange(s: string, start: number, end: number, context: UriContext): Uri | undefined {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  const first = s.charCodeAt(start);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return undefined;
  let colon = start + 1;
  while (colon < end) {
    const c = s.charCodeAt(colon);
    if (c === 58) break;
    if (c >= 128 || (CLASS[c]! & SCHEME_CHAR) === 0) return undefined;
    colon++;
  }
  if (colon >= end) return undefined;
  const schemeLength = colon - start;
  if (schemeLength === 3 && (first | 32) === 115 && (s.charCodeAt(start + 1) | 32) === 105 && (s.charCodeAt(start + 2) | 32) === 112) {
    return parseSipUri(s, colon + 1, end, 'sip', context);
  }
  if (schemeLength === 4 && (first | 32) === 115 && s.slice(start, colon).toLowerCase() === 'sips') {
    return parseSipUri(s, colon + 1, end, 'sips', context);
  }
  if (schemeLength === 3 && s.slice(start, colon).toLowerCase() === 'tel') {
    return parseTelUri(s, colon + 1, end);
  }
  // absoluteURI: keep the rest opaque, but it must be one run of visible characters.
  if (colon + 1 >= end) return undefined;
  for (let i = colon + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 60 || c === 62 || c === 34) return undefined;
  }
  return { kind: 'absolute', scheme: s.slice(start, colon).toLowerCase(), opaque: s.slice(colon + 1, end) };
}

function parseSipUri(s: string, p: number, end: number, scheme: 'sip' | 'sips', context: UriContext): SipUri | undefined {
  let user: string | undefined;
  let password: string | undefined;
  // RFC 3261 §19.1.1: '@' cannot appear unescaped after the userinfo, so the first one ends it.
  const at = s.indexOf('@', p);
  if (at >= 0 && at < end) {
    let userEnd = at;
    const pwColon = s.indexOf(':', p);
    if (pwColon >= 0 && pwColon < at) {
      userEnd = pwColon;
      if (!isEscapedRun(s, pwColon + 1, at, PASSWORD, true)) return undefined;
      password = s.slice(pwColon + 1, at);
    }
    if (!isEscapedRun(s, p, userEnd, USER)) return undefined;
    user = s.slice(p, userEnd);
    p = at + 1;
  }
  // host
  const hostStart = p;
  if (s.charCodeAt(p) === 91) {
    const close = s.indexOf(']', p);
    if (close < 0 || close >= end) return undefined;
    p = close + 1;
  } else {
    while (p < end) {
      const c = s.charCodeAt(p);
      if (c === 58 || c === 59 || c === 63) break;
      p++;
    }
  }
  const hostKind = classifyHost(s, hostStart, p);
  if (hostKind === undefined) return undefined;
  const host = s.slice(hostStart, p);
  let port: number | undefined;
  if (p < end && s.charCodeAt(p) === 58) {
    const portStart = ++p;
    let value = 0;
    while (p < end) {
      const d = s.charCodeAt(p) - 48;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
      if (value > 65535) return undefined;
      p++;
    }
    if (p === portStart) return undefined;
    port = value;
  }
  let params = Params.EMPTY;
  if (p < end && s.charCodeAt(p) === 59) {
    const flat: Array<string | null> = [];
    while (p < end && s.charCodeAt(p) === 59) {
      const nameStart = ++p;
      while (p < end) {
        const c = s.charCodeAt(p);
        if (c === 61 || c === 59 || c === 63) break;
        p++;
      }
      if (!isEscapedRun(s, nameStart, p, PARAM_CHAR)) return undefined;
      const name = s.slice(nameStart, p);
      let value: string | null = null;
      if (p < end && s.charCodeAt(p) === 61) {
        const valueStart = ++p;
        while (p < end) {
          const c = s.charCodeAt(p);
          if (c === 59 || c === 63) break;
          p++;
        }
        if (!isEscapedRun(s, valueStart, p, PARAM_CHAR)) return undefined;
        value = s.slice(valueStart, p);
      }
      if (context === UriContext.RequestUri && name.length === 6 && name.toLowerCase() === 'method') return undefined;
      flat.push(name, value);
    }
    params = new Params(flat);
  }
  let headers = Params.EMPTY;
  if (p < end && s.charCodeAt(p) === 63) {
    // RFC 3261 §19.1.1 table 1: headers are not allowed in a Request-URI, nor in a bare addr-spec (§20.10).
    if (context !== UriContext.NameAddr) return undefined;
    const flat: Array<string | null> = [];
    do {
      const nameStart = ++p;
      while (p < end && s.charCodeAt(p) !== 61) p++;
      if (p >= end || !isEscapedRun(s, nameStart, p, HEADER_CHAR)) return undefined;
      const name = s.slice(nameStart, p);
      const valueStart = ++p;
      while (p < end && s.charCodeAt(p) !== 38) p++;
      if (!isEscapedRun(s, valueStart, p, HEADER_CHAR, true)) return undefined;
      flat.push(name, s.slice(valueStart, p));
    } while (p < end && s.charCodeAt(p) === 38);
    headers = new Params(flat);
  }
  if (p !== end) return undefined;
  return { kind: 'sip', scheme, user, password, host, hostKind, port, params, headers };
}

/** RFC 3966 §3: visual separators allowed among the digits of a telephone number. */
function isVisualSeparator(c: number): boolean {
  return c === 45 || c === 46 || c === 40 || c === 41;
}

function parseTelUri(s: string, p: number, end: number): TelUri | undefined {
  const numberStart = p;
  const global = s.charCodeAt(p) === 43;
  if (global) p++;
  let digits = 0;
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c === 59) break;
    if (c >= 48 && c <= 57) digits++;
    else if (!global && (c === 42 || c === 35 || (c < 128 && (CLASS[c]! & HEX) !== 0))) digits++;
    else if (!isVisualSeparator(c)) return undefined;
    p++;
  }
  if (digits === 0) return undefined;
  const number = s.slice(numberStart, p);
  let params = Params.EMPTY;
  let hasContext = false;
  if (p < end) {
    const flat: Array<string | null> = [];
    while (p < end && s.charCodeAt(p) === 59) {
      const nameStart = ++p;
      while (p < end) {
        const c = s.charCodeAt(p);
        if (c === 61 || c === 59) break;
        // pname = 1*( alphanum / "-" )
        if (c !== 45 && (c >= 128 || (CLASS[c]! & ALPHANUM) === 0)) return undefined;
        p++;
      }
      if (p === nameStart) return undefined;
      const name = s.slice(nameStart, p);
      let value: string | null = null;
      if (p < end && s.charCodeAt(p) === 61) {
        const valueStart = ++p;
        while (p < end && s.charCodeAt(p) !== 59) p++;
        if (!isEscapedRun(s, valueStart, p, PARAM_CHAR)) return undefined;
        value = s.slice(valueStart, p);
      }
      if (name.toLowerCase() === 'phone-context') hasContext = true;
      flat.push(name, value);
    }
    if (p !== end) return undefined;
    params = new Params(flat);
  }
  // RFC 3966 §5.1.5: a local number must carry a phone-context.
  if (!global && !hasContext) return undefined;
  return { kind: 'tel', scheme: 'tel', number, global, params };
}

/**
 * Parses a URI: `sip:`, `sips:`, `tel:`, or any other scheme kept opaque.
 * The text must be the URI alone, with no surrounding spaces or brackets.
 */
export function parseUri(text: string): { ok: true; uri: Uri } | { ok: false; error: SipParseError } {
  const uri = text.length === 0 ? undefined : parseUriRange(text, 0, text.length, UriContext.NameAddr);
  if (uri === undefined) {
    return { ok: false, error: { code: 'SIP_ERR_BAD_URI', message: `not a valid URI: ${JSON.stringify(text.slice(0, 80))}`, offset: 0 } };
  }
  return { ok: true, uri };
}

/** Serializes a URI back to text; a parsed URI gives back the text it was parsed from (scheme in lower case). */
export function serializeUri(uri: Uri): string {
  switch (uri.kind) {
    case 'sip': {
      let out = uri.scheme + ':';
      if (uri.user !== undefined) out += uri.user + (uri.password !== undefined ? ':' + uri.password : '') + '@';
      out += uri.host;
      if (uri.port !== undefined) out += ':' + uri.port;
      if (uri.params.size > 0) out += uri.params.toString(';');
      if (uri.headers.size > 0) out += '?' + uri.headers.toString('&').slice(1);
      return out;
    }
    case 'tel':
      return 'tel:' + uri.number + uri.params.toString(';');
    case 'absolute':
      return uri.scheme + ':' + uri.opaque;
  }
}

/** Decodes `%XX` escapes of a URI part into characters (UTF-8). Malformed escapes are left as they are. */
export function unescapeUriPart(part: string): string {
  if (part.indexOf('%') < 0) return part;
  const chunks: Buffer[] = [];
  let literalStart = 0;
  for (let i = 0; i < part.length; i++) {
    if (part.charCodeAt(i) === 37 && i + 2 < part.length && isHexCode(part.charCodeAt(i + 1)) && isHexCode(part.charCodeAt(i + 2))) {
      if (i > literalStart) chunks.push(Buffer.from(part.slice(literalStart, i), 'utf8'));
      chunks.push(Buffer.of(parseInt(part.slice(i + 1, i + 3), 16)));
      i += 2;
      literalStart = i + 1;
    }
  }
  if (literalStart < part.length) chunks.push(Buffer.from(part.slice(literalStart), 'utf8'));
  return Buffer.concat(chunks).toString('utf8');
}

function isHexCode(c: number): boolean {
  return c < 128 && (CLASS[c]! & HEX) !== 0;
}

/** True for a `sip:` or `sips:` URI. */
export function isSipUri(uri: Uri): uri is SipUri {
  return uri.kind === 'sip';
}
