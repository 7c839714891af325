/**
 * Topology hiding between the mobile side and a TAS: what crosses from a
 * leg on one side to a leg on the other names its parties by number, at the
 * core's SIP domain (`sip.domain`), never at the operator's internal hosts
 * (toward a TAS) nor at the TAS's (toward the mobile side). Via, Contact,
 * Record-Route, Call-ID and tags are each leg's own already (a B2BUA is two
 * user agents, RFC 3261 §6); this rewrites the end-to-end header fields
 * that carry a party's URI, and leaves out the ones that describe the
 * operator's network or point at a dialog of the other side. The SDP is
 * the media relay's business.
 */
import {
  canonicalHeaderName,
  parseNameAddressList,
  serializeNameAddress,
  type NameAddress,
  type SipRequest,
  type Uri,
} from '@sipbreakout/sip-core';

/**
 * Header fields that name a party by URI: relayed across, each SIP URI's
 * host replaced by the core's domain, its port and `maddr` dropped; user
 * part (the number), display name, URI and header parameters (tags,
 * `index`, `reason`, `privacy`…) kept; `tel:` URIs have no host and stay.
 * From and To of an outgoing INVITE (RFC 3261 §8.1.1.2-3), the asserted
 * and preferred identities (RFC 3325), Remote-Party-ID (its
 * pre-standard kin), Diversion (RFC 5806) and History-Info (RFC 7044),
 * Referred-By (RFC 3892), P-Called-Party-ID (RFC 7315) and Reply-To (RFC
 * 3261 §20.31).
 */
export const IDENTITY_HEADERS: ReadonlySet<string> = new Set([
  'from',
  'to',
  'p-asserted-identity',
  'p-preferred-identity',
  'remote-party-id',
  'diversion',
  'history-info',
  'referred-by',
  'p-called-party-id',
  'reply-to',
]);

/**
 * Header fields not relayed across: they describe the operator's network
 * (charging identifiers and the addresses of charging functions, RFC 7315
 * §4.6-4.7; the subscriber's radio cell and visited network, §4.4-4.3; the
 * registration's Path and Service-Route, RFC 3327 / 3608) or point at a
 * dialog by its Call-ID and tags (Replaces RFC 3891, Join RFC 3911,
 * Target-Dialog RFC 4538, In-Reply-To RFC 3261 §20.21), which on the other
 * side of a B2BUA names a dialog that does not exist there and shows the
 * other side's Call-ID (often `…@its address`).
 */
export const NETWORK_HEADERS: ReadonlySet<string> = new Set([
  'p-charging-vector',
  'p-charging-function-addresses',
  'p-access-network-info',
  'p-visited-network-id',
  'path',
  'service-route',
  'replaces',
  'join',
  'target-dialog',
  'in-reply-to',
]);

/** `uri` with its host the core's `domain`: a SIP URI without port and `maddr`; any other URI unchanged. */
export function hideUri(uri: Uri, domain: string): Uri {
  if (uri.kind !== 'sip') return uri;
  return { ...uri, host: domain, hostKind: 'domain', port: undefined, params: uri.params.without('maddr') };
}

/**
 * A header value holding name-addrs (one, or a comma-separated list) with
 * every SIP URI's host at `domain`; undefined when it does not parse (the
 * field is then left out rather than relayed with an address in it).
 */
export function hideAddresses(value: string, domain: string): string | undefined {
  const list = parseNameAddressList(value);
  if (list === undefined || list.length === 0) return undefined;
  return list.map((a: NameAddress) => serializeNameAddress({ ...a, uri: hideUri(a.uri, domain) })).join(', ');
}

/** A Warning value (RFC 3261 §20.43) with each warn-agent (a host[:port] or pseudonym) replaced by `domain`. */
export function hideWarnAgents(value: string, domain: string): string {
  return value.replace(
    /(^|,)\s*(\d{3})\s+[^\s"]+\s+/g,
    (_m, lead: string, code: string) => `${lead}${lead === '' ? '' : ' '}${code} ${domain} `,
  );
}

/**
 * The header fields of a message crossing between the mobile side and a
 * TAS, as they go on: identity fields rewritten ({@link IDENTITY_HEADERS}),
 * network fields left out ({@link NETWORK_HEADERS}), Warning's agent
 * replaced, every other field as it came.
 */
export function hideHeaders(
  headers: ReadonlyArray<readonly [string, string]>,
  domain: string,
): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const [name, value] of headers) {
    const key = canonicalHeaderName(name);
    if (NETWORK_HEADERS.has(key)) continue;
    if (IDENTITY_HEADERS.has(key)) {
      const hidden = hideAddresses(value, domain);
      if (hidden !== undefined) out.push([name, hidden]);
    } else if (key === 'warning') {
      out.push([name, hideWarnAgents(value, domain)]);
    } else {
      out.push([name, value]);
    }
  }
  return out;
}

/**
 * Rewrites an outgoing INVITE built from one that came from the other side
 * (leg 2 from a caller on the mobile side, leg 4 from a TAS's leg 3 or
 * INGRESS call): {@link hideHeaders} over all its fields, From and To
 * included, in their order. Via, Contact and Call-ID are the leg's own and
 * pass as they are.
 */
export function hideInvite(request: SipRequest, domain: string): void {
  const entries = request.headers.entries();
  const hidden = hideHeaders(entries, domain);
  for (const key of new Set(entries.map(([name]) => canonicalHeaderName(name)))) request.headers.delete(key);
  for (const [name, value] of hidden) request.headers.append(name, value);
}
