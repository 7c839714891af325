/**
 * `@sipbreakout/sip-core/pki`: a certificate authority made on the spot
 * (ECDSA P-256, `@peculiar/x509`), for tests and for a development CA kept
 * in a program's data folder. The only part of sip-core that loads
 * `@peculiar/x509` and `reflect-metadata`, both optional peer dependencies
 * needed by this entry alone.
 *
 * ```ts
 * import { CertificateAuthority } from '@sipbreakout/sip-core/pki';
 *
 * const ca = await CertificateAuthority.create();
 * const server = await ca.issue({ commonName: 'sip.example.com', uris: ['sip:sip.example.com'], dnsNames: ['sip.example.com'] });
 * ```
 * @packageDocumentation
 */
export { CertificateAuthority } from './certificate-authority.js';
export type {
  CertificateAuthorityOptions,
  CertificateValidity,
  ExtendedKeyUsageName,
  LeafOptions,
  PemPair,
} from './certificate-authority.js';
