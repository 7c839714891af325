import { ALPHANUM, CLASS, HEX, PARAM_CHAR, SCHEME_CHAR, isEscapedRun } from './charset.js';
import { CANONICAL_MAX_LENGTH, canonicalSipUri, fastPaths, isCanonicalSipUri } from './canonical.js';
import { METHOD_PARAM, SIP_URI_NO_USER, SIP_URI_WITH_USER } from './grammar.js';
import type { SipParseError } from './errors.js';
import { classifyHost } from './host.js';
import { Params } from './params.js';
import type { SipUri, TelUri, Uri } from './uri-types.js';

// The URI types live below the canonical fast paths that build them (uri-types.ts);
// this module, their parser, is where callers take them from.
export type { AbsoluteUri, SipUri, TelUri, Uri } from './uri-types.js';

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
  if (
    schemeLength === 3 &&
    (first | 32) === 115 &&
    (s.charCodeAt(start + 1) | 32) === 105 &&
    (s.charCodeAt(start + 2) | 32) === 112
  ) {
    return parseSipUri(s, start, colon + 1, end, context);
  }
  if (schemeLength === 4 && (first | 32) === 115 && s.slice(start, colon).toLowerCase() === 'sips') {
    return parseSipUri(s, start, colon + 1, end, context);
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

function parseSipUri(s: string, start: number, p: number, end: number, context: UriContext): SipUri | undefined {
  const text = start === 0 && end === s.length ? s : s.slice(start, end);
  if (
    fastPaths.enabled &&
    text.length <= CANONICAL_MAX_LENGTH &&
    isCanonicalSipUri(text) &&
    (context !== UriContext.RequestUri || text.indexOf(';') < 0 || !METHOD_PARAM.test(text))
  ) {
    const uri = canonicalSipUri(text, 0, text.length);
    if (uri !== undefined) return uri;
  }
  // RFC 3261 §19.1.1: '@' cannot appear unescaped after the userinfo, so its presence decides the form.
  const at = text.indexOf('@', p - start);
  let user: string | undefined;
  let password: string | undefined;
  let hostText: string;
  let portText: string | undefined;
  let paramText: string;
  let headerText: string | undefined;
  if (at >= 0) {
    const m = SIP_URI_WITH_USER.exec(text);
    if (m === null) return undefined;
    user = m[2];
    password = m[3];
    hostText = m[4] as string;
    portText = m[5];
    paramText = m[6] as string;
    headerText = m[7];
  } else {
    const m = SIP_URI_NO_USER.exec(text);
    if (m === null) return undefined;
    hostText = m[2] as string;
    portText = m[3];
    paramText = m[4] as string;
    headerText = m[5];
  }
  const scheme: 'sip' | 'sips' = p - start === 4 ? 'sip' : 'sips';
  const hostKind = classifyHost(hostText, 0, hostText.length);
  if (hostKind === undefined) return undefined;
  let port: number | undefined;
  if (portText !== undefined) {
    port = portText.length > 5 ? 65536 : +portText;
    if (port > 65535) return undefined;
  }
  let params = Params.EMPTY;
  if (paramText.length > 0) {
    if (context === UriContext.RequestUri && METHOD_PARAM.test(paramText)) return undefined;
    params = new Params(paramText);
  }
  let headers = Params.EMPTY;
  if (headerText !== undefined) {
    // RFC 3261 §19.1.1 table 1: headers are not allowed in a Request-URI, nor in a bare addr-spec (§20.10).
    if (context !== UriContext.NameAddr) return undefined;
    headers = new Params(headerText);
  }
  return { kind: 'sip', scheme, user, password, host: hostText, hostKind, port, params, headers };
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
    return {
      ok: false,
      error: { code: 'SIP_ERR_BAD_URI', message: `not a valid URI: ${JSON.stringify(text.slice(0, 80))}`, offset: 0 },
    };
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
    if (
      part.charCodeAt(i) === 37 &&
      i + 2 < part.length &&
      isHexCode(part.charCodeAt(i + 1)) &&
      isHexCode(part.charCodeAt(i + 2))
    ) {
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
