/**
 * Who a call is between, read from the INVITE: the caller from
 * P-Asserted-Identity (RFC 3325), else From; the callee from the
 * Request-URI's user part (E.164); and, for an INVITE from a TAS, the SIP
 * domains its verified certificate proves (RFC 5922 §7.1).
 */
import type { SipRequest, TlsPeerIdentity, Uri } from '@sipbreakout/sip-core';

/** The E.164 number a URI names (`sip:+4790000001@host;user=phone`, `tel:+4790000001`), visual separators removed. */
export function numberOfUri(uri: Uri): string | undefined {
  const raw = uri.kind === 'sip' ? uri.user : uri.kind === 'tel' ? uri.number : undefined;
  if (raw === undefined) return undefined;
  // RFC 3966 §5.1.1: '-', '.', '(' and ')' are visual separators.
  const digits = raw.replace(/[-.()]/g, '');
  return /^\+?\d{1,15}$/.test(digits) ? digits : undefined;
}

/** The caller's number: the first P-Asserted-Identity naming one, else From's. */
export function callerOf(request: SipRequest): string | undefined {
  let asserted: readonly { readonly uri: Uri }[] = [];
  try {
    asserted = request.pAssertedIdentity;
  } catch {
    asserted = [];
  }
  for (const identity of asserted) {
    const n = numberOfUri(identity.uri);
    if (n !== undefined) return n;
  }
  return numberOfUri(request.from.uri);
}

/** The callee's number: the Request-URI's user part. */
export function calleeOf(request: SipRequest): string | undefined {
  return numberOfUri(request.uri);
}

/** The SIP domains a verified TLS peer proves: its `sip:` URIs, else its DNS names, else its CN (RFC 5922 §7.1). */
export function tasDomainsOf(peer: TlsPeerIdentity | undefined): string[] {
  if (peer === undefined) return [];
  const fromUris = peer.uris.filter((u) => /^sips?:/i.test(u)).map((u) => u.replace(/^sips?:/i, '').toLowerCase());
  if (fromUris.length > 0) return fromUris;
  if (peer.dnsNames.length > 0) return peer.dnsNames.map((d) => d.toLowerCase());
  return peer.commonName === undefined ? [] : [peer.commonName.toLowerCase()];
}
