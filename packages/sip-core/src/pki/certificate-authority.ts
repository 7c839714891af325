/**
 * A certificate authority made on the spot with `@peculiar/x509` and
 * WebCrypto (ECDSA P-256): throwaway CAs for tests, so that no private key is
 * ever committed, and a development CA a program keeps in its data folder.
 * It issues leaf certificates for servers and clients, with the names a SIP
 * domain is known by (RFC 5922 §7.1: subjectAltName URIs and DNS names).
 */
// @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, webcrypto, X509Certificate as NodeCertificate } from 'node:crypto';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509Certificate,
  X509CertificateGenerator,
  cryptoProvider,
  Name,
  type JsonGeneralName,
} from '@peculiar/x509';
import { TlsError } from '../tls/tls-error.js';

type Keys = Parameters<typeof X509CertificateGenerator.createSelfSigned>[0]['keys'];
type PrivateKey = Keys['privateKey'];
type ProviderCrypto = Parameters<typeof cryptoProvider.set>[0];

cryptoProvider.set(webcrypto as unknown as ProviderCrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
// A certificate counts from a minute before it was made, so that a peer whose clock lags a little accepts it.
const BACKDATE = 60_000;

/** A certificate and its private key, both PEM (the key PKCS #8). */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/** When a certificate is valid: from a minute before `now` to `validDays` after it. */
export interface CertificateValidity {
  /** The instant it is made at, in ms since the epoch; default `Date.now()`. */
  readonly now?: number;
  /** How many days after `now` it stays valid; default 1. */
  readonly validDays?: number;
}

/** Options of {@link CertificateAuthority.create}. */
export interface CertificateAuthorityOptions extends CertificateValidity {
  /** The CA's subject common name; default `sipbreakout test CA`. */
  readonly commonName?: string;
}

/** What a leaf certificate may be used for (RFC 5280 §4.2.1.12). */
export type ExtendedKeyUsageName = 'serverAuth' | 'clientAuth';

/** Options of {@link CertificateAuthority.issue}: the names of a leaf certificate and what it is for. */
export interface LeafOptions extends CertificateValidity {
  /** The subject common name, any text. */
  readonly commonName: string;
  /** subjectAltName DNS names. */
  readonly dnsNames?: readonly string[];
  /** subjectAltName URIs (`sip:example.com`). */
  readonly uris?: readonly string[];
  /** subjectAltName IP addresses (IPv4 or IPv6). */
  readonly ips?: readonly string[];
  /** Default both `serverAuth` and `clientAuth`. */
  readonly extendedKeyUsages?: readonly ExtendedKeyUsageName[];
}

const USAGES: Readonly<Record<ExtendedKeyUsageName, ExtendedKeyUsage>> = {
  serverAuth: ExtendedKeyUsage.serverAuth,
  clientAuth: ExtendedKeyUsage.clientAuth,
};

async function keyPair(): Promise<Keys> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as unknown as Keys;
}

async function keyPem(key: PrivateKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as unknown as webcrypto.CryptoKey));
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

function validity(options: CertificateValidity): { notBefore: Date; notAfter: Date } {
  const now = options.now ?? Date.now();
  return { notBefore: new Date(now - BACKDATE), notAfter: new Date(now + (options.validDays ?? 1) * DAY) };
}

/** A DER element: `tag`, the length of `content` (X.690 §8.1.3, definite form), `content`. */
function derElement(tag: number, content: Buffer): Buffer {
  const length: number[] = [];
  if (content.length < 0x80) {
    length.push(content.length);
  } else {
    for (let n = content.length; n > 0; n = Math.floor(n / 256)) length.unshift(n % 256);
    length.unshift(0x80 | length.length);
  }
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

// id-at-commonName, 2.5.4.3 (RFC 5280 §4.1.2.4, X.520).
const COMMON_NAME_OID = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);

/**
 * The name `CN=<commonName>`, encoded here rather than written as a string:
 * the text goes into the certificate exactly as given (a UTF8String, as RFC
 * 5280 §4.1.2.4 prefers), whatever commas, quotes, backslashes or control
 * characters it holds.
 */
function commonNameOf(commonName: string): Name {
  const attribute = derElement(
    0x30,
    Buffer.concat([COMMON_NAME_OID, derElement(0x0c, Buffer.from(commonName, 'utf8'))]),
  );
  const der = derElement(0x30, derElement(0x31, attribute));
  return new Name(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength));
}

/** A certificate authority that issues leaf certificates; keep {@link CertificateAuthority.key} to issue more later. */
export class CertificateAuthority implements PemPair {
  /** The CA certificate (PEM). */
  readonly cert: string;
  /** The CA's private key (PEM, PKCS #8). */
  readonly key: string;
  readonly #signingKey: PrivateKey;
  readonly #name: Name;

  private constructor(cert: string, key: string, signingKey: PrivateKey, name: Name) {
    this.cert = cert;
    this.key = key;
    this.#signingKey = signingKey;
    this.#name = name;
  }

  /** A new self-signed CA (a day by default: {@link CertificateValidity}). */
  static async create(options: CertificateAuthorityOptions = {}): Promise<CertificateAuthority> {
    const keys = await keyPair();
    const cert = await X509CertificateGenerator.createSelfSigned({
      name: commonNameOf(options.commonName ?? 'sipbreakout test CA'),
      keys,
      ...validity(options),
      signingAlgorithm: ALGORITHM,
      extensions: [
        new BasicConstraintsExtension(true, 0, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      ],
    });
    return new CertificateAuthority(
      cert.toString('pem'),
      await keyPem(keys.privateKey),
      keys.privateKey,
      cert.subjectName,
    );
  }

  /**
   * The CA of a certificate and key kept earlier (an ECDSA P-256 key, as
   * {@link CertificateAuthority.create} makes). Throws `TLS_ERR_BAD_CERTIFICATE`
   * when either does not read or the key is not the certificate's.
   */
  static async fromPem(pair: PemPair): Promise<CertificateAuthority> {
    try {
      const privateKey = createPrivateKey(pair.key);
      const mine = createPublicKey(privateKey).export({ format: 'jwk' });
      const theirs = new NodeCertificate(pair.cert).publicKey.export({ format: 'jwk' });
      if (mine.x !== theirs.x || mine.y !== theirs.y)
        throw new TlsError('TLS_ERR_BAD_CERTIFICATE', 'the key is not the certificate’s');
      const der = privateKey.export({ format: 'der', type: 'pkcs8' });
      const signingKey = (await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
      ])) as unknown as PrivateKey;
      return new CertificateAuthority(pair.cert, pair.key, signingKey, new X509Certificate(pair.cert).subjectName);
    } catch (cause) {
      throw new TlsError('TLS_ERR_BAD_CERTIFICATE', 'the CA certificate and key could not be used', { cause });
    }
  }

  /** A leaf certificate with the given names, for server and client authentication unless told otherwise. */
  async issue(options: LeafOptions): Promise<PemPair> {
    const keys = await keyPair();
    const san: JsonGeneralName[] = [
      ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(options.uris ?? []).map((value) => ({ type: 'url' as const, value })),
      ...(options.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    const usages = options.extendedKeyUsages ?? ['serverAuth', 'clientAuth'];
    const cert = await X509CertificateGenerator.create({
      subject: commonNameOf(options.commonName),
      issuer: this.#name,
      publicKey: keys.publicKey,
      signingKey: this.#signingKey,
      ...validity(options),
      signingAlgorithm: ALGORITHM,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement, true),
        new ExtendedKeyUsageExtension(usages.map((usage) => USAGES[usage])),
        ...(san.length > 0 ? [new SubjectAlternativeNameExtension(san)] : []),
      ],
    });
    return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
  }
}
