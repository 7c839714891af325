/**
 * The development PKI: on first start, a CA and a certificate for the
 * TAS-facing TLS listener are generated into the data folder (ECDSA P-256,
 * by the certificate authority of `@sipbreakout/sip-core/pki`); later starts
 * reuse them while they are valid. With `grpc.tls.mode` `dev`, the same CA
 * issues the gRPC API's server certificate (and a client certificate when
 * the API requires one). Nothing private is committed: the files live only
 * in the data folder.
 */
import { X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { CertificateAuthority, type LeafOptions } from '@sipbreakout/sip-core/pki';

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

async function readIfValid(
  caFile: string,
  caKeyFile: string,
  certFile: string,
  keyFile: string,
  now: number,
): Promise<Omit<DevPki, 'generated' | 'caFile' | 'certFile' | 'keyFile'> | undefined> {
  try {
    // The CA's key is read too: a CA that cannot issue is no use to the gRPC API's development certificate.
    const [ca, cert, key] = await Promise.all([
      readFile(caFile, 'utf8'),
      readFile(certFile, 'utf8'),
      readFile(keyFile, 'utf8'),
      readFile(caKeyFile, 'utf8'),
    ]);
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

/** The leaf certificates of the development CA are valid for a year. */
const LEAF_DAYS = 365;

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
  const ca = await CertificateAuthority.create({
    commonName: `sipbreakout development CA ${new Date(now).toISOString().slice(0, 10)}`,
    now,
    validDays: 3650,
  });
  const leaf = await ca.issue({
    commonName: 'localhost',
    // RFC 5922 §7.1: a SIP domain is named by a sip: URI or a DNS name in subjectAltName.
    dnsNames: ['localhost'],
    uris: ['sip:localhost'],
    ips: ['127.0.0.1'],
    extendedKeyUsages: ['serverAuth', 'clientAuth'],
    now,
    validDays: LEAF_DAYS,
  });
  await writeFile(caKeyFile, ca.key, { mode: 0o600 });
  await writeFile(keyFile, leaf.key, { mode: 0o600 });
  await chmod(keyFile, 0o600);
  await writeFile(caFile, ca.cert);
  await writeFile(certFile, leaf.cert);
  return { generated: true, caFile, certFile, keyFile, ca: ca.cert, cert: leaf.cert, key: leaf.key };
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
  return isIP(name) === 0
    ? certificate.checkHost(name, { subject: 'never' }) !== undefined
    : certificate.checkIP(name) !== undefined;
}

async function ensureLeaf(
  files: { readonly certFile: string; readonly keyFile: string },
  pki: DevPki,
  ca: () => Promise<CertificateAuthority>,
  profile: { readonly leaf: LeafOptions; readonly mustCover: readonly string[] },
  now: number,
): Promise<DevGrpcCertificate> {
  try {
    const [cert, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
    const leaf = new X509Certificate(cert);
    if (
      leaf.verify(new X509Certificate(pki.ca).publicKey) &&
      isCurrent(leaf, now) &&
      profile.mustCover.every((name) => covers(leaf, name))
    ) {
      return { generated: false, ...files, cert, key };
    }
  } catch {
    // missing or unreadable: issued below
  }
  const issued = await (await ca()).issue({ ...profile.leaf, now, validDays: LEAF_DAYS });
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
  let ca: CertificateAuthority | undefined;
  const loadCa = async (): Promise<CertificateAuthority> => {
    ca ??= await CertificateAuthority.fromPem({
      cert: pki.ca,
      key: await readFile(join(dir, 'dev-ca-key.pem'), 'utf8'),
    });
    return ca;
  };
  const names = devGrpcServerNames(options.host);
  const server = await ensureLeaf(
    { certFile: join(dir, 'grpc-server.pem'), keyFile: join(dir, 'grpc-server-key.pem') },
    pki,
    loadCa,
    {
      leaf: {
        commonName: 'localhost',
        dnsNames: names.filter((name) => isIP(name) === 0),
        ips: names.filter((name) => isIP(name) !== 0),
        extendedKeyUsages: ['serverAuth'],
      },
      mustCover: names,
    },
    now,
  );
  const client = options.client
    ? await ensureLeaf(
        { certFile: join(dir, 'grpc-client.pem'), keyFile: join(dir, 'grpc-client-key.pem') },
        pki,
        loadCa,
        {
          leaf: { commonName: 'sipbreakout development gRPC client', extendedKeyUsages: ['clientAuth'] },
          mustCover: [],
        },
        now,
      )
    : undefined;
  return { server, client };
}
