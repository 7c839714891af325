import { routingError, type RoutingError } from './routing-error.js';

/**
 * Where a TAS is, as plain data taken from its `sips:` URI: the domain its
 * TLS certificate must be valid for (also the SRV name when there is no
 * port) and the port, if the URI gives one.
 */
export interface TasAddress {
  /** Lower case, without a trailing dot. */
  readonly domain: string;
  /** The explicit port; without it the TAS is found through SRV `_sips._tcp.<domain>`. */
  readonly port?: number | undefined;
}

/** The outcome of {@link parseTasUri}: the address, or why the URI is refused. */
export type TasUriResult =
  | { readonly ok: true; readonly tas: TasAddress }
  | { readonly ok: false; readonly error: RoutingError };

// RFC 3261 §25.1: hostname = *( domainlabel "." ) toplabel [ "." ]; the top
// label starts with a letter, which is what tells a name from an IPv4 address.
// Labels are at most 63 characters (RFC 1035 §2.3.4).
const DOMAIN_NAME = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\.?$/i;
const MAX_DOMAIN_LENGTH = 253;

/** Whether a string is a domain name (not an IP address) in the RFC 3261 grammar. */
export function isDomainName(host: string): boolean {
  const length = host.endsWith('.') ? host.length - 1 : host.length;
  return length > 0 && length <= MAX_DOMAIN_LENGTH && DOMAIN_NAME.test(host);
}

/** Lower-cases a domain and drops a trailing dot, so that equal names compare equal. */
export function normalizeDomain(domain: string): string {
  const lower = domain.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** Whether two domains name the same TAS (case-insensitive, trailing dot ignored). */
export function sameDomain(a: string, b: string): boolean {
  return normalizeDomain(a) === normalizeDomain(b);
}

/** `domain` or `domain:port`, as it goes after the `@` of a Request-URI. */
export function formatHostPort(tas: TasAddress): string {
  return tas.port === undefined ? tas.domain : `${tas.domain}:${tas.port}`;
}

/**
 * Takes the domain and port out of a TAS URI, without a SIP parser: only
 * `sips:` URIs whose host is a domain name are accepted ("Secure SIP domain
 * name required"), because the TAS is identified by the domain its
 * certificate proves and found through SRV. User info, URI parameters and
 * headers are allowed and ignored.
 */
export function parseTasUri(uri: string): TasUriResult {
  if (!/^sips:/i.test(uri)) {
    return refuse('ROUTE_ERR_NOT_SIPS', `not a sips: URI: ${JSON.stringify(uri)}`);
  }
  let rest = uri.slice('sips:'.length);
  // RFC 3261 §25.1: '@' cannot occur in hostport, uri-parameters or headers,
  // so the last one ends the userinfo (which may itself contain ';').
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  const end = rest.search(/[;?]/);
  const hostPort = end >= 0 ? rest.slice(0, end) : rest;
  const colon = hostPort.indexOf(':');
  const host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
  if (!isDomainName(host)) {
    return refuse('ROUTE_ERR_NOT_DOMAIN', `host is not a domain name: ${JSON.stringify(host)}`);
  }
  const domain = normalizeDomain(host);
  if (colon < 0) return { ok: true, tas: { domain } };
  const portText = hostPort.slice(colon + 1);
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    return refuse('ROUTE_ERR_BAD_PORT', `bad port: ${JSON.stringify(portText)}`);
  }
  return { ok: true, tas: { domain, port } };
}

function refuse(
  code: 'ROUTE_ERR_NOT_SIPS' | 'ROUTE_ERR_NOT_DOMAIN' | 'ROUTE_ERR_BAD_PORT',
  detail: string,
): TasUriResult {
  return { ok: false, error: routingError(code, detail) };
}
