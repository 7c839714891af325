/**
 * The development PKI: on first start, a CA and a certificate for the
 * TAS-facing TLS listener are generated into the data folder (ECDSA P-256,
 * `@peculiar/x509`); later starts reuse them while they are valid. With
 * `grpc.tls.mode` `dev`, the same CA issues the gRPC API's server
 * certificate (and a client certificate when the API requires one). Nothing
 * private is committed: the files live only in the data folder.
 */
// @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs the Reflect metadata polyfill.
import 'reflect-metadata';
import { webcrypto, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509Certificate as PeculiarCertificate,
  X509CertificateGenerator,
  cryptoProvider,
  type JsonGeneralName,
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

async function readIfValid(caFile: string, caKeyFile: string, certFile: string, keyFile: string, now: number): Promise<Omit<DevPki, 'generated' | 'caFile' | 'certFile' | 'keyFile'> | undefined> {
  try {
    // The CA's key is read too: a CA that cannot issue is no use to the gRPC API's development certificate.
    const [ca, cert, key] = await Promise.all([readFile(caFile, 'utf8'), readFile(certFile, 'utf8'), readFile(keyFile, 'utf8'), readFile(caKeyFile, 'utf8')]);
    const caCert = new X509Certificate(ca);
    const leaf = new X509Certificate(cert);
    if (!leaf.verify(caCert.publicKey)) return undefined;
    for (const c of [caCert, leaf]) {
      if (!isCurrent(c, now)) return undefined;
    }
    return { ca, cert, key };
  } catch {
    return undefined;
  }
}

/** Valid at `now` and for more than {@link RENEW_BEFORE}. */
function isCurrent(certificate: X509Certificate, now: number): boolean {
  return Date.parse(certificate.validTo) - now >= RENEW_BEFORE && Date.parse(certificate.validFrom) <= now + 60_000;
}

/** What a leaf certificate of the development CA is for. */
interface LeafProfile {
  readonly commonName: string;
  readonly altNames: readonly JsonGeneralName[];
  readonly usages: readonly ExtendedKeyUsage[];
}

/** Issues a leaf certificate (1 year) from the CA whose certificate is `ca.pem` and private key `ca.key`. */
async function issueLeaf(ca: { readonly pem: string; readonly key: Keys['privateKey'] }, profile: LeafProfile, now: number): Promise<{ readonly cert: string; readonly key: string }> {
  const leafKeys = await keyPair();
  const leaf = await X509CertificateGenerator.create({
    subject: `CN=${profile.commonName}`,
    issuer: new PeculiarCertificate(ca.pem).subject,
    publicKey: leafKeys.publicKey,
    signingKey: ca.key,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: ALGORITHM,
    extensions: [
      new BasicConstraintsExtension(false, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement, true),
      new ExtendedKeyUsageExtension([...profile.usages]),
      ...(profile.altNames.length > 0 ? [new SubjectAlternativeNameExtension([...profile.altNames])] : []),
    ],
  });
  return { cert: leaf.toString('pem'), key: await keyPem(leafKeys.privateKey) };
}

/**
 * Returns the development CA and TAS-facing certificate from `<dataDir>/tls`,
 * generating them when missing, unreadable, not issued by that CA, or within
 * a week of expiry (a new CA then too). The CA is valid 10 years, the
 * certificate 1 year.
 */
export async function ensureDevPki(dataDir: string, now: number = Date.now()): Promise<DevPki> {
  const dir = join(dataDir, 'tls');
  const caFile = join(dir, 'dev-ca.pem');
  const caKeyFile = join(dir, 'dev-ca-key.pem');
  const certFile = join(dir, 'tas-face.pem');
  const keyFile = join(dir, 'tas-face-key.pem');
  const existing = await readIfValid(caFile, caKeyFile, certFile, keyFile, now);
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
  const ca = caCert.toString('pem');
  const leaf = await issueLeaf(
    { pem: ca, key: caKeys.privateKey },
    {
      commonName: 'localhost',
      // RFC 5922 §7.1: a SIP domain is named by a sip: URI or a DNS name in subjectAltName.
      altNames: [
        { type: 'dns', value: 'localhost' },
        { type: 'url', value: 'sip:localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ],
      usages: [ExtendedKeyUsage.serverAuth, ExtendedKeyUsage.clientAuth],
    },
    now,
  );
  await writeFile(caKeyFile, await keyPem(caKeys.privateKey), { mode: 0o600 });
  await writeFile(keyFile, leaf.key, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  await writeFile(caFile, ca);
  await writeFile(certFile, leaf.cert);
  return { generated: true, caFile, certFile, keyFile, ca, cert: leaf.cert, key: leaf.key };
}

/** A certificate of the development CA for the gRPC API, and its key. */
export interface DevGrpcCertificate {
  /** Whether this start issued it (false: reused from the data folder). */
  readonly generated: boolean;
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

/** The gRPC API's development certificates. */
export interface DevGrpcCertificates {
  /** The server's, for `localhost`, 127.0.0.1, ::1 and the configured host. */
  readonly server: DevGrpcCertificate;
  /** A client certificate (CN `sipbreakout development gRPC client`), when asked for. */
  readonly client: DevGrpcCertificate | undefined;
}

/** The names the gRPC server certificate carries: loopback, and `host` unless it is a wildcard address. */
export function devGrpcServerNames(host: string): readonly string[] {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const names = ['localhost', '127.0.0.1', '::1'];
  const wildcard = bare === '0.0.0.0' || bare === '::' || bare === '';
  if (!wildcard && !names.includes(bare.toLowerCase())) names.push(bare);
  return names;
}

function covers(certificate: X509Certificate, name: string): boolean {
  return isIP(name) === 0 ? certificate.checkHost(name, { subject: 'never' }) !== undefined : certificate.checkIP(name) !== undefined;
}

async function ensureLeaf(
  files: { readonly certFile: string; readonly keyFile: string },
  pki: DevPki,
  caKey: () => Promise<Keys['privateKey']>,
  profile: LeafProfile & { readonly mustCover: readonly string[] },
  now: number,
): Promise<DevGrpcCertificate> {
  try {
    const [cert, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
    const leaf = new X509Certificate(cert);
    if (leaf.verify(new X509Certificate(pki.ca).publicKey) && isCurrent(leaf, now) && profile.mustCover.every((name) => covers(leaf, name))) {
      return { generated: false, ...files, cert, key };
    }
  } catch {
    // missing or unreadable: issued below
  }
  const issued = await issueLeaf({ pem: pki.ca, key: await caKey() }, profile, now);
  await writeFile(files.keyFile, issued.key, { mode: 0o600 });
  await chmod(files.keyFile, 0o600);
  await writeFile(files.certFile, issued.cert);
  return { generated: true, ...files, ...issued };
}

/**
 * Returns the gRPC API's development server certificate from
 * `<dataDir>/tls/grpc-server.pem` (+ `grpc-server-key.pem`), and with
 * `client` a client certificate `grpc-client.pem` (+ `grpc-client-key.pem`),
 * both issued by the development CA of {@link ensureDevPki}. Reused while
 * issued by that CA, more than a week from expiry, and (the server's)
 * naming every one of {@link devGrpcServerNames}; else issued anew (1 year).
 */
export async function ensureDevGrpcCertificates(
  pki: DevPki,
  options: { readonly host: string; readonly client: boolean; readonly now?: number | undefined },
): Promise<DevGrpcCertificates> {
  const now = options.now ?? Date.now();
  const dir = dirname(pki.caFile);
  let caKey: Keys['privateKey'] | undefined;
  const loadCaKey = async (): Promise<Keys['privateKey']> => {
    caKey ??= await importKeyPem(await readFile(join(dir, 'dev-ca-key.pem'), 'utf8'));
    return caKey;
  };
  const names = devGrpcServerNames(options.host);
  const server = await ensureLeaf(
    { certFile: join(dir, 'grpc-server.pem'), keyFile: join(dir, 'grpc-server-key.pem') },
    pki,
    loadCaKey,
    {
      commonName: 'localhost',
      altNames: names.map((name): JsonGeneralName => (isIP(name) === 0 ? { type: 'dns', value: name } : { type: 'ip', value: name })),
      usages: [ExtendedKeyUsage.serverAuth],
      mustCover: names,
    },
    now,
  );
  const client = options.client
    ? await ensureLeaf(
        { certFile: join(dir, 'grpc-client.pem'), keyFile: join(dir, 'grpc-client-key.pem') },
        pki,
        loadCaKey,
        { commonName: 'sipbreakout development gRPC client', altNames: [], usages: [ExtendedKeyUsage.clientAuth], mustCover: [] },
        now,
      )
    : undefined;
  return { server, client };
}

async function importKeyPem(pem: string): Promise<Keys['privateKey']> {
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, ''), 'base64');
  return (await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])) as unknown as Keys['privateKey'];
}
