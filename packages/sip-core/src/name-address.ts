import { CLASS, TOKEN, allIn, parseDigits } from './charset.js';
import { endOfQuoted, parseHeaderParams, quote, unquote } from './header-params.js';
import { Params } from './params.js';
import { UriContext, parseUriRange, serializeUri, type Uri } from './uri.js';

/**
 * A `name-addr` or `addr-spec` with its header parameters (RFC 3261 §20.10,
 * §25.1): the value of From, To, Contact, Route, Record-Route,
 * P-Asserted-Identity and their kin.
 */
export interface NameAddress {
  /** The display name as characters: quotes and escapes removed. */
  readonly displayName: string | undefined;
  readonly uri: Uri;
  /** Header parameters (after the URI), values as written. */
  readonly params: Params;
}

/** A From or To value: a name-addr and its `tag` (RFC 3261 §19.3). */
export interface FromTo extends NameAddress {
  readonly tag: string | undefined;
}

/** One Contact value: an address with its `expires` and `q` (RFC 3261 §20.10). */
export interface AddressContact extends NameAddress {
  readonly star: false;
  readonly expires: number | undefined;
  /** Preference from 0 to 1. */
  readonly q: number | undefined;
}

/** The `Contact: *` of a REGISTER that removes every binding (RFC 3261 §10.2.2). */
export interface StarContact {
  readonly star: true;
}

/** A Contact value. */
export type Contact = AddressContact | StarContact;

const MAX_DELTA_SECONDS = 4294967295;

/**
 * Parses one name-addr or addr-spec with its parameters from `p`. Pushes the
 * result onto `out` and returns the index after it (at a comma or the end),
 * or -1 when malformed.
 */
function parseOne(s: string, p: number, end: number, out: NameAddress[]): number {
  while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  let displayName: string | undefined;
  let uriStart = -1;
  let uriEnd = -1;
  let context = UriContext.NameAddr;
  const c0 = s.charCodeAt(p);
  if (c0 === 34) {
    const close = endOfQuoted(s, p, end);
    if (close < 0) return -1;
    displayName = unquote(s.slice(p, close));
    p = close;
    while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
    if (s.charCodeAt(p) !== 60) return -1;
  } else if (c0 !== 60) {
    // Either `*(token LWS) <addr-spec>` or a bare addr-spec.
    let q = p;
    let lastTokenEnd = -1;
    for (;;) {
      const tokenStart = q;
      while (q < end) {
        const c = s.charCodeAt(q);
        if (c >= 128 || (CLASS[c]! & TOKEN) === 0) break;
        q++;
      }
      if (q === tokenStart) break;
      lastTokenEnd = q;
      while (q < end && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
      if (s.charCodeAt(q) === 60) break;
      if (q === lastTokenEnd) break;
    }
    if (q < end && s.charCodeAt(q) === 60 && lastTokenEnd > 0) {
      displayName = s.slice(p, lastTokenEnd);
      p = q;
    } else {
      // addr-spec: RFC 3261 §20.10 — the URI ends at the first ';', ',' or whitespace.
      uriStart = p;
      while (p < end) {
        const c = s.charCodeAt(p);
        if (c === 59 || c === 44 || c === 32 || c === 9) break;
        p++;
      }
      uriEnd = p;
      context = UriContext.AddrSpec;
    }
  }
  if (uriStart < 0) {
    // p is at '<'
    uriStart = p + 1;
    uriEnd = s.indexOf('>', uriStart);
    if (uriEnd < 0 || uriEnd >= end) return -1;
    p = uriEnd + 1;
  }
  const uri = parseUriRange(s, uriStart, uriEnd, context);
  if (uri === undefined) return -1;
  let params = Params.EMPTY;
  while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  if (p < end && s.charCodeAt(p) === 59) {
    const flat: Array<string | null> = [];
    p = parseHeaderParams(s, p, end, flat);
    if (p < 0) return -1;
    params = new Params(flat);
  }
  out.push({ displayName, uri, params });
  return p;
}

/**
 * Parses a header value holding one name-addr / addr-spec (From, To), or,
 * with `list`, a comma-separated list of them (Route, Record-Route,
 * P-Asserted-Identity). Appends to `out`; returns false when malformed.
 * @internal
 */
export function parseNameAddressValue(s: string, list: boolean, out: NameAddress[]): boolean {
  const end = s.length;
  let p = 0;
  for (;;) {
    p = parseOne(s, p, end, out);
    if (p < 0) return false;
    if (p === end) return true;
    if (!list || s.charCodeAt(p) !== 44) return false;
    p++;
  }
}

/**
 * Parses a From or To header value. Returns undefined when malformed.
 * @internal
 */
export function parseFromTo(s: string): FromTo | undefined {
  const out: NameAddress[] = [];
  if (!parseNameAddressValue(s, false, out)) return undefined;
  const value = out[0] as NameAddress;
  const tag = value.params.get('tag');
  if (tag === null) return undefined;
  return { displayName: value.displayName, uri: value.uri, params: value.params, tag };
}

/**
 * Parses one Contact header value (a list, or `*`), appending to `out`.
 * Returns false when malformed, including an `expires` or `q` out of range
 * (RFC 3261 §20.10, RFC 4475 §3.1.2.4).
 * @internal
 */
export function parseContactValue(s: string, out: Contact[]): boolean {
  let p = 0;
  const end = s.length;
  while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  if (s.charCodeAt(p) === 42) {
    let q = p + 1;
    while (q < end && (s.charCodeAt(q) === 32 || s.charCodeAt(q) === 9)) q++;
    if (q === end) {
      out.push({ star: true });
      return true;
    }
  }
  const addresses: NameAddress[] = [];
  if (!parseNameAddressValue(s, true, addresses)) return false;
  for (const a of addresses) {
    let expires: number | undefined;
    let q: number | undefined;
    const e = a.params.get('expires');
    if (e !== undefined) {
      if (e === null) return false;
      expires = parseDigits(e, 0, e.length, MAX_DELTA_SECONDS);
      if (expires < 0) return false;
    }
    const qv = a.params.get('q');
    if (qv !== undefined) {
      if (qv === null) return false;
      q = parseQValue(qv);
      if (q < 0) return false;
    }
    out.push({ star: false, displayName: a.displayName, uri: a.uri, params: a.params, expires, q });
  }
  return true;
}

/** RFC 3261 §25.1 qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); -1 when malformed. */
export function parseQValue(v: string): number {
  if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(v)) return -1;
  return Number(v);
}

/** Serializes a name-addr with its parameters; always uses angle brackets. */
export function serializeNameAddress(value: NameAddress): string {
  let out = '';
  if (value.displayName !== undefined && value.displayName !== '') {
    out += isTokenList(value.displayName) ? value.displayName : quote(value.displayName);
    out += ' ';
  }
  out += '<' + serializeUri(value.uri) + '>';
  return out + value.params.toString(';');
}

/** Serializes Contact values (`*` or addresses) as one header value. */
export function serializeContact(values: readonly Contact[]): string {
  return values.map((c) => (c.star ? '*' : serializeNameAddress(c))).join(', ');
}

function isTokenList(text: string): boolean {
  const parts = text.split(' ');
  return parts.every((part) => allIn(part, 0, part.length, TOKEN));
}
