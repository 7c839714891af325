/**
 * A throwaway certificate authority for tests, made at test time with
 * `@peculiar/x509` and WebCrypto (ECDSA P-256), so that no private key is
 * ever committed.
 */
// @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
  cryptoProvider,
  type JsonGeneralName,
} from '@peculiar/x509';

type Keys = Parameters<typeof X509CertificateGenerator.createSelfSigned>[0]['keys'];
type ProviderCrypto = Parameters<typeof cryptoProvider.set>[0];

cryptoProvider.set(webcrypto as unknown as ProviderCrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A certificate and its private key, both PEM. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/** Names to put in a leaf certificate. */
export interface LeafNames {
  readonly commonName: string;
  /** subjectAltName DNS names. */
  readonly dnsNames?: readonly string[];
  /** subjectAltName URIs (`sip:example.com`). */
  readonly uris?: readonly string[];
  /** subjectAltName IP addresses. */
  readonly ips?: readonly string[];
}

async function keyPair(): Promise<Keys> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as unknown as Keys;
}

async function keyPem(key: Keys['privateKey']): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as unknown as webcrypto.CryptoKey));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** A test certificate authority that issues leaf certificates. */
export class TestCertificateAuthority {
  readonly cert: string;
  readonly #keys: Keys;
  readonly #name: string;

  private constructor(cert: string, keys: Keys, name: string) {
    this.cert = cert;
    this.#keys = keys;
    this.#name = name;
  }

  /** A new self-signed CA valid for a day. */
  static async create(commonName = 'sipbreakout test CA'): Promise<TestCertificateAuthority> {
    const keys = await keyPair();
    const name = `CN=${commonName}`;
    const cert = await X509CertificateGenerator.createSelfSigned({
      name,
      keys,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: ALGORITHM,
      extensions: [new BasicConstraintsExtension(true, 0, true), new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true)],
    });
    return new TestCertificateAuthority(cert.toString('pem'), keys, name);
  }

  /** A leaf certificate for server and client authentication with the given names. */
  async issue(names: LeafNames): Promise<PemPair> {
    const keys = await keyPair();
    const san: JsonGeneralName[] = [
      ...(names.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(names.uris ?? []).map((value) => ({ type: 'url' as const, value })),
      ...(names.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    const cert = await X509CertificateGenerator.create({
      subject: `CN=${names.commonName}`,
      issuer: this.#name,
      publicKey: keys.publicKey,
      signingKey: this.#keys.privateKey,
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: ALGORITHM,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth]),
        ...(san.length > 0 ? [new SubjectAlternativeNameExtension(san)] : []),
      ],
    });
    return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
  }
}
