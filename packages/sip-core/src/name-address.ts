import { TOKEN, allIn, parseDigits } from './charset.js';
import {
  CANONICAL_MAX_LENGTH,
  canonicalEntryEnd,
  canonicalHeaderParams,
  canonicalSipUri,
  fastPaths,
  isCanonicalNameAddr,
} from './canonical.js';
import { BARE_ADDR_SPEC, HEADER_PARAMS_TAIL, OPEN_ANGLE, QUOTED_DISPLAY, TOKEN_DISPLAY } from './grammar.js';
import { quote, splitHeaderParams, unquote } from './header-params.js';
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
 * result onto `out` and returns the index after it (after a comma, or at the
 * end), or -1 when malformed; `more` tells whether a comma followed.
 */
function parseOne(s: string, p: number, out: NameAddress[]): number {
  let displayName: string | undefined;
  let uriStart: number;
  let uriEnd: number;
  let context = UriContext.NameAddr;
  let m: RegExpExecArray | null;
  OPEN_ANGLE.lastIndex = p;
  if (OPEN_ANGLE.test(s)) {
    uriStart = OPEN_ANGLE.lastIndex;
  } else {
    QUOTED_DISPLAY.lastIndex = p;
    if ((m = QUOTED_DISPLAY.exec(s)) !== null) {
      displayName = unquote(m[1] as string);
      uriStart = QUOTED_DISPLAY.lastIndex;
    } else {
      TOKEN_DISPLAY.lastIndex = p;
      if ((m = TOKEN_DISPLAY.exec(s)) !== null) {
        displayName = m[1] as string;
        uriStart = TOKEN_DISPLAY.lastIndex;
      } else {
        // addr-spec: RFC 3261 §20.10 — the URI ends at the first ';', ',' or whitespace.
        BARE_ADDR_SPEC.lastIndex = p;
        if ((m = BARE_ADDR_SPEC.exec(s)) === null) return -1;
        uriEnd = BARE_ADDR_SPEC.lastIndex;
        uriStart = uriEnd - (m[1] as string).length;
        context = UriContext.AddrSpec;
      }
    }
  }
  if (context === UriContext.NameAddr) {
    uriEnd = s.indexOf('>', uriStart);
    if (uriEnd < 0) return -1;
    p = uriEnd + 1;
  } else {
    p = uriEnd!;
  }
  const uri = parseUriRange(s, uriStart, uriEnd!, context);
  if (uri === undefined) return -1;
  HEADER_PARAMS_TAIL.lastIndex = p;
  m = HEADER_PARAMS_TAIL.exec(s);
  if (m === null) return -1;
  const paramText = m[1] as string;
  let params = Params.EMPTY;
  if (paramText.length > 0) {
    const flat: Array<string | null> = [];
    splitHeaderParams(paramText, flat);
    params = new Params(flat);
  }
  out.push({ displayName, uri, params });
  const next = HEADER_PARAMS_TAIL.lastIndex;
  return m[2] === ',' ? next : next === s.length ? -2 - next : -1;
}

/**
 * Parses a header value holding one name-addr / addr-spec (From, To), or,
 * with `list`, a comma-separated list of them (Route, Record-Route,
 * P-Asserted-Identity). Appends to `out`; returns false when malformed.
 * @internal
 */
export function parseNameAddressValue(s: string, list: boolean, out: NameAddress[]): boolean {
  if (fastPaths.enabled && s.length <= CANONICAL_MAX_LENGTH && isCanonicalNameAddr(s, list)) {
    const before = out.length;
    if (parseCanonicalList(s, out)) return true;
    out.length = before;
  }
  let p = 0;
  for (;;) {
    p = parseOne(s, p, out);
    // -1: malformed; below -1: the value ended; otherwise a comma was read and p is after it.
    if (p === -1) return false;
    if (p < -1) return true;
    if (!list) return false;
  }
}

/**
 * The name-addrs and addr-specs of a header value that is a
 * comma-separated list of them (P-Asserted-Identity, History-Info,
 * Diversion, Referred-By…), each with its header parameters; undefined
 * when the value does not parse.
 */
export function parseNameAddressList(value: string): NameAddress[] | undefined {
  const out: NameAddress[] = [];
  return parseNameAddressValue(value, true, out) ? out : undefined;
}

/**
 * Cuts name-addrs from a value that matched the canonical expression;
 * returns false when a check the expression cannot make fails.
 */
function parseCanonicalList(s: string, out: NameAddress[]): boolean {
  const end = s.length;
  let p = 0;
  for (;;) {
    // The URI's `>` is the first one after the display name, which may hold one itself.
    const uriStart = s.charCodeAt(p) === 34 ? s.indexOf('"', p + 1) : p;
    const next = canonicalEntryEnd(s, s.indexOf('>', uriStart), end);
    const value = canonicalNameAddress(s, p, next);
    if (value === undefined) return false;
    out.push(value);
    if (next === end) return true;
    p = next + 1;
    if (s.charCodeAt(p) === 32) p++;
  }
}

/** Cuts the display name of a canonical name-addr at `p`: the name and where the `<` is. */
function canonicalDisplayName(s: string, p: number): [string | undefined, number] {
  if (s.charCodeAt(p) !== 34) return [undefined, p];
  // The canonical display name holds no backslash, so it needs no unescaping.
  const close = s.indexOf('"', p + 1);
  return [s.slice(p + 1, close), s.charCodeAt(close + 1) === 32 ? close + 2 : close + 1];
}

/**
 * Cuts one canonical name-addr from `s[p, end)`; its parameters are kept as
 * text and split on first use. Undefined when the URI fails a check the
 * expression cannot make.
 */
function canonicalNameAddress(s: string, p: number, end: number): NameAddress | undefined {
  let displayName: string | undefined;
  if (s.charCodeAt(p) === 34) [displayName, p] = canonicalDisplayName(s, p);
  const gt = s.indexOf('>', p);
  const uri = canonicalSipUri(s, p + 1, gt);
  if (uri === undefined) return undefined;
  return { displayName, uri, params: canonicalHeaderParams(s, gt + 1, end) };
}

/** {@link canonicalNameAddress} for a whole From or To value, with its tag; undefined also when the tag has no value. */
function canonicalFromTo(s: string): FromTo | undefined {
  let displayName: string | undefined;
  let p = 0;
  if (s.charCodeAt(0) === 34) [displayName, p] = canonicalDisplayName(s, 0);
  const gt = s.indexOf('>', p);
  const uri = canonicalSipUri(s, p + 1, gt);
  if (uri === undefined) return undefined;
  if (gt + 1 === s.length) return { displayName, uri, params: Params.EMPTY, tag: undefined };
  const params = canonicalHeaderParams(s, gt + 1, s.length);
  // `;tag=x` as the only parameter is the common form (RFC 3261 §19.3): its value needs no list.
  const tag =
    s.charCodeAt(gt + 2) === 116 &&
    s.charCodeAt(gt + 3) === 97 &&
    s.charCodeAt(gt + 4) === 103 &&
    s.charCodeAt(gt + 5) === 61 &&
    s.indexOf(';', gt + 6) < 0
      ? s.slice(gt + 6)
      : params.get('tag');
  return tag === null ? undefined : { displayName, uri, params, tag };
}

/**
 * Parses a From or To header value. Returns undefined when malformed.
 * @internal
 */
export function parseFromTo(s: string): FromTo | undefined {
  if (fastPaths.enabled && s.length <= CANONICAL_MAX_LENGTH && isCanonicalNameAddr(s, false)) {
    const value = canonicalFromTo(s);
    if (value !== undefined) return value;
  }
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
