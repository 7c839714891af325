/**
 * The SIP domain identity of a certificate and its comparison with the
 * domain a client meant to reach (RFC 5922 §7.1, §7.2, §7.3).
 */
import { X509Certificate } from 'node:crypto';
import type { TlsPeerIdentity } from '../transport/transport.js';
import { parseAltNames, subjectAttribute } from './certificate-names.js';
import { TlsError } from './tls-error.js';

/** Reads the names of a certificate (DER bytes or PEM text) with node:crypto's `X509Certificate`. */
export function readCertificateIdentity(certificate: Uint8Array | string): TlsPeerIdentity {
  try {
    const cert = new X509Certificate(
      typeof certificate === 'string'
        ? certificate
        : Buffer.from(certificate.buffer, certificate.byteOffset, certificate.byteLength),
    );
    const uris: string[] = [];
    const dnsNames: string[] = [];
    const san = cert.subjectAltName;
    if (san !== undefined) {
      for (const name of parseAltNames(san)) {
        if (name.type === 'URI') uris.push(name.value);
        else if (name.type === 'DNS') dnsNames.push(name.value);
      }
    }
    return { uris, dnsNames, commonName: subjectAttribute(cert.subject, 'CN') };
  } catch (cause) {
    throw new TlsError('TLS_ERR_BAD_CERTIFICATE', undefined, { cause });
  }
}

/** Options of {@link matchesSipDomain}. */
export interface SipDomainMatchOptions {
  /**
   * Accept a DNS name whose first label is exactly `*`, matching one label
   * (`*.example.com` names `sip.example.com`, not `example.com` nor
   * `a.b.example.com`). RFC 5922 §7.2 forbids wildcards; this is for peers
   * that only hold wildcard certificates. Default false.
   */
  readonly allowWildcard?: boolean;
}

/**
 * The SIP domain identities of a certificate (RFC 5922 §7.1): the host of
 * each subjectAltName URI with scheme `sip` and no user part, and each
 * subjectAltName DNS name; the CN only when there is no subjectAltName.
 */
export function sipDomainIdentities(identity: TlsPeerIdentity): string[] {
  const out: string[] = [];
  for (const uri of identity.uris) {
    const m = /^sip:([^@;?:]+)(?::\d+)?(?:[;?].*)?$/i.exec(uri);
    if (m?.[1] !== undefined) out.push(m[1].toLowerCase());
  }
  for (const dns of identity.dnsNames) out.push(dns.toLowerCase());
  if (identity.uris.length === 0 && identity.dnsNames.length === 0 && identity.commonName !== undefined)
    out.push(identity.commonName.toLowerCase());
  return out;
}

/** True when the certificate's identity names `domain` (RFC 5922 §7.2: exact, case-insensitive). */
export function matchesSipDomain(identity: TlsPeerIdentity, domain: string, options?: SipDomainMatchOptions): boolean {
  const wanted = domain.toLowerCase().replace(/\.$/, '');
  for (const name of sipDomainIdentities(identity)) {
    if (name === wanted) return true;
    if (options?.allowWildcard === true && name.startsWith('*.')) {
      const dot = wanted.indexOf('.');
      if (dot > 0 && wanted.slice(dot) === name.slice(1)) return true;
    }
  }
  return false;
}

/**
 * Throws `TLS_ERR_IDENTITY_MISMATCH` unless the certificate names `domain`
 * (RFC 5922 §7.2, §7.3): what a TLS client checks after the chain verified.
 */
export function verifySipDomain(
  certificate: Uint8Array | string,
  domain: string,
  options?: SipDomainMatchOptions,
): TlsPeerIdentity {
  const identity = readCertificateIdentity(certificate);
  if (!matchesSipDomain(identity, domain, options)) {
    throw new TlsError(
      'TLS_ERR_IDENTITY_MISMATCH',
      `the certificate names ${sipDomainIdentities(identity).join(', ') || 'nothing'}, not ${domain}`,
    );
  }
  return identity;
}
