/**
 * The development PKI: on first start, a CA and a certificate for the
 * TAS-facing TLS listener are generated into the data folder (ECDSA P-256,
 * `@peculiar/x509`); later starts reuse them while they are valid. Nothing
 * private is committed: the files live only in the data folder.
 */
// @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
  cryptoProvider,
} from '@peculiar/x509';

type Keys = Parameters<typeof X509CertificateGenerator.createSelfSigned>[0]['keys'];
type ProviderCrypto = Parameters<typeof cryptoProvider.set>[0];

cryptoProvider.set(webcrypto as unknown as ProviderCrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
/** A certificate closer than this to its end is replaced at start. */
const RENEW_BEFORE = 7 * DAY;

/** The development PKI's files and their contents. */
export interface DevPki {
  /** Whether this start generated them (false: reused from the data folder). */
  readonly generated: boolean;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The CA certificate (PEM). */
  readonly ca: string;
  /** The TAS-facing certificate (PEM), for `localhost`, `sip:localhost` and 127.0.0.1. */
  readonly cert: string;
  /** Its private key (PEM, PKCS #8). */
  readonly key: string;
}

async function keyPair(): Promise<Keys> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as unknown as Keys;
}

async function keyPem(key: Keys['privateKey']): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key as unknown as webcrypto.CryptoKey));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

async function readIfValid(caFile: string, certFile: string, keyFile: string, now: number): Promise<Omit<DevPki, 'generated' | 'caFile' | 'certFile' | 'keyFile'> | undefined> {
  try {
    const [ca, cert, key] = await Promise.all([readFile(caFile, 'utf8'), readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
    const caCert = new X509Certificate(ca);
    const leaf = new X509Certificate(cert);
    if (!leaf.verify(caCert.publicKey)) return undefined;
    for (const c of [caCert, leaf]) {
      if (Date.parse(c.validTo) - now < RENEW_BEFORE || Date.parse(c.validFrom) > now + 60_000) return undefined;
    }
    return { ca, cert, key };
  } catch {
    return undefined;
  }
}

/**
 * Returns the development CA and TAS-facing certificate from `<dataDir>/tls`,
 * generating them when missing, unreadable, not issued by that CA, or within
 * a week of expiry. The CA is valid 10 years, the certificate 1 year.
 */
export async function ensureDevPki(dataDir: string, now: number = Date.now()): Promise<DevPki> {
  const dir = join(dataDir, 'tls');
  const caFile = join(dir, 'dev-ca.pem');
  const caKeyFile = join(dir, 'dev-ca-key.pem');
  const certFile = join(dir, 'tas-face.pem');
  const keyFile = join(dir, 'tas-face-key.pem');
  const existing = await readIfValid(caFile, certFile, keyFile, now);
  if (existing !== undefined) return { generated: false, caFile, certFile, keyFile, ...existing };

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caKeys = await keyPair();
  const caName = `CN=sipbreakout development CA ${new Date(now).toISOString().slice(0, 10)}`;
  const caCert = await X509CertificateGenerator.createSelfSigned({
    name: caName,
    keys: caKeys,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: ALGORITHM,
    extensions: [
      new BasicConstraintsExtension(true, 0, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
    ],
  });
  const leafKeys = await keyPair();
  const leaf = await X509CertificateGenerator.create({
    subject: 'CN=localhost',
    issuer: caName,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: ALGORITHM,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement, true),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth]),
      // RFC 5922 §7.1: a SIP domain is named by a sip: URI or a DNS name in subjectAltName.
      new SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'url', value: 'sip:localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  const pki = {
    ca: caCert.toString('pem'),
    cert: leaf.toString('pem'),
    key: await keyPem(leafKeys.privateKey),
  };
  await writeFile(caKeyFile, await keyPem(caKeys.privateKey), { mode: 0o600 });
  await writeFile(keyFile, pki.key, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  await writeFile(caFile, pki.ca);
  await writeFile(certFile, pki.cert);
  return { generated: true, caFile, certFile, keyFile, ...pki };
}
