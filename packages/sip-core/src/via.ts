import { CLASS, TOKEN, parseDigits } from './charset.js';
import { parseHeaderParams } from './header-params.js';
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

function skipWs(s: string, p: number, end: number): number {
  while (p < end && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  return p;
}

function scanToken(s: string, p: number, end: number): number {
  while (p < end) {
    const c = s.charCodeAt(p);
    if (c >= 128 || (CLASS[c]! & TOKEN) === 0) break;
    p++;
  }
  return p;
}

/**
 * Parses one Via header value (one or more comma-separated entries),
 * appending to `out`. Returns false when malformed.
 * @internal
 */
export function parseViaValue(s: string, out: Via[]): boolean {
  const end = s.length;
  let p = 0;
  for (;;) {
    // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
    p = skipWs(s, p, end);
    const nameStart = p;
    p = scanToken(s, p, end);
    if (p === nameStart) return false;
    const nameEnd = p;
    p = skipWs(s, p, end);
    if (s.charCodeAt(p) !== 47) return false;
    p = skipWs(s, p + 1, end);
    const versionStart = p;
    p = scanToken(s, p, end);
    if (p === versionStart) return false;
    const versionEnd = p;
    p = skipWs(s, p, end);
    if (s.charCodeAt(p) !== 47) return false;
    p = skipWs(s, p + 1, end);
    const transportStart = p;
    p = scanToken(s, p, end);
    if (p === transportStart) return false;
    const transportEnd = p;
    // LWS between sent-protocol and sent-by is required.
    p = skipWs(s, p, end);
    if (p === transportEnd) return false;
    const hostStart = p;
    if (s.charCodeAt(p) === 91) {
      const close = s.indexOf(']', p);
      if (close < 0) return false;
      p = close + 1;
    } else {
      while (p < end) {
        const c = s.charCodeAt(p);
        if (c === 58 || c === 59 || c === 44 || c === 32 || c === 9) break;
        p++;
      }
    }
    const hostKind = classifyHost(s, hostStart, p);
    if (hostKind === undefined) return false;
    const hostEnd = p;
    let port: number | undefined;
    p = skipWs(s, p, end);
    if (s.charCodeAt(p) === 58) {
      p = skipWs(s, p + 1, end);
      const portStart = p;
      while (p < end && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
      port = parseDigits(s, portStart, p, 65535);
      if (port < 0) return false;
    }
    let params = Params.EMPTY;
    let branch: string | undefined;
    let received: string | undefined;
    let rport: number | true | undefined;
    let maddr: string | undefined;
    let ttl: number | undefined;
    p = skipWs(s, p, end);
    if (s.charCodeAt(p) === 59) {
      const flat: Array<string | null> = [];
      p = parseHeaderParams(s, p, end, flat, true);
      if (p < 0) return false;
      for (let i = 0; i < flat.length; i += 2) {
        const name = (flat[i] as string).toLowerCase();
        const value = flat[i + 1] ?? null;
        switch (name) {
          case 'branch':
            if (value === null || !isTokenText(value)) return false;
            branch = value;
            break;
          case 'received':
            // RFC 3261 §20.42 takes an IPv4 or IPv6 address; RFC 5118 §4.5 asks to accept brackets too.
            if (value === null || !isAddress(value)) return false;
            received = value;
            break;
          case 'rport':
            if (value === null) rport = true;
            else {
              const n = parseDigits(value, 0, value.length, 65535);
              if (n < 0) return false;
              rport = n;
            }
            break;
          case 'maddr':
            if (value === null || classifyHost(value, 0, value.length) === undefined) return false;
            maddr = value;
            break;
          case 'ttl': {
            const n = value === null ? -1 : parseDigits(value, 0, value.length, 255);
            if (n < 0) return false;
            ttl = n;
            break;
          }
          default:
            break;
        }
      }
      params = new Params(flat);
    }
    const transport = s.slice(transportStart, transportEnd);
    out.push({
      protocol: s.slice(nameStart, nameEnd) + '/' + s.slice(versionStart, versionEnd),
      transport: isUpper(transport) ? transport : transport.toUpperCase(),
      host: s.slice(hostStart, hostEnd),
      hostKind,
      port,
      branch,
      received,
      rport,
      maddr,
      ttl,
      params,
    });
    if (p === end) return true;
    if (s.charCodeAt(p) !== 44) return false;
    p++;
  }
}

function isUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
  }
  return true;
}

function isTokenText(v: string): boolean {
  return v.length > 0 && scanToken(v, 0, v.length) === v.length;
}

function isAddress(v: string): boolean {
  if (v.charCodeAt(0) === 91) return v.charCodeAt(v.length - 1) === 93 && isIPv6(v, 1, v.length - 1);
  return isIPv4(v, 0, v.length) || isIPv6(v, 0, v.length);
}

/** Serializes one Via entry. */
export function serializeVia(via: Pick<Via, 'protocol' | 'transport' | 'host' | 'port' | 'params'>): string {
  return via.protocol + '/' + via.transport + ' ' + via.host + (via.port !== undefined ? ':' + via.port : '') + via.params.toString(';');
}
