/**
 * The gRPC API's transport security: the server credentials of
 * `grpc.tls.mode` `dev` (the development CA's certificate) or `files` (the
 * operator's), read and checked before anything listens, and what a client
 * on this machine needs to reach the API (the CA to trust, the name to
 * check, a client certificate) for the commands printed at start.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { ServerCredentials } from '@grpc/grpc-js';
import { ensureDevGrpcCertificates, type DevPki } from '@sipbreakout/service-kit';
import { isLoopbackHost, type CoreConfig, type GrpcClientCertificateMode } from './config-schema.js';
import { keyProblems, type KeyProblem } from './key-problem.js';
import {
  readCertificateAndKey,
  readCertificateFile,
  type CertificateAndKey,
  type CertificateFile,
} from './tls-files.js';

/** What a client needs to reach the API over TLS. */
export interface GrpcClientTls {
  /** PEM CAs that verify the server's certificate; undefined: the system's CAs. */
  readonly caFile: string | undefined;
  /** The name to check the server's certificate for, when the address dialled is not in it. */
  readonly serverName: string | undefined;
  /** A client certificate the API accepts (`dev` mode with client certificates required), and its key. */
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
}

/** The gRPC API's TLS, ready to bind. */
export interface GrpcTls {
  readonly mode: 'dev' | 'files';
  readonly credentials: ServerCredentials;
  /** The server's certificate chain and key. */
  readonly certFile: string;
  readonly keyFile: string;
  /** The names in the certificate's subjectAltName (DNS names, addresses, URIs), else its subject. */
  readonly names: readonly string[];
  /** When the certificate expires (ISO 8601). */
  readonly validTo: string;
  readonly clientCertificate: GrpcClientCertificateMode;
  /** The CAs a client certificate must chain to (with `require`). */
  readonly clientCaFile: string | undefined;
  /** Whether this start issued the development certificate (`dev` only). */
  readonly generated: boolean;
  /** What a client on this machine needs. */
  readonly client: GrpcClientTls;
}

/**
 * The host a client on this machine dials for a server bound to `host`: a
 * wildcard address (`0.0.0.0`, `::`) is reached on loopback.
 */
export function grpcDialHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === '0.0.0.0' || bare === '') return '127.0.0.1';
  if (bare === '::') return '::1';
  return bare;
}

function issued(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function covers(certificate: X509Certificate, name: string): boolean {
  return isIP(name) === 0
    ? certificate.checkHost(name, { subject: 'never' }) !== undefined
    : certificate.checkIP(name) !== undefined;
}

/** What a certificate names, for people: its subjectAltName entries without their type (IPv6 compressed), else its subject. */
export function certificateNames(certificate: X509Certificate): string[] {
  const entries = (certificate.subjectAltName ?? '').split(', ').filter((entry) => entry !== '');
  if (entries.length === 0) return [certificate.subject.replace(/\n/g, ', ')];
  return entries.map((entry) => {
    const value = entry.slice(entry.indexOf(':') + 1);
    if (!entry.startsWith('IP Address:') || !value.includes(':')) return value;
    return new URL(`http://[${value}]/`).hostname.slice(1, -1);
  });
}

/** The DNS names of a certificate's subjectAltName, wildcards left out. */
function dnsNames(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:') && !entry.includes('*'))
    .map((entry) => entry.slice('DNS:'.length));
}

/**
 * The name a client dialling `dialHost` checks the server's certificate
 * for: none when the certificate names that host; else `localhost` on
 * loopback when it names that, else its first DNS name.
 */
export function serverNameFor(leaf: X509Certificate, dialHost: string): string | undefined {
  if (covers(leaf, dialHost)) return undefined;
  if (isLoopbackHost(dialHost) && covers(leaf, 'localhost')) return 'localhost';
  return dnsNames(leaf)[0];
}

/**
 * The file a client should trust to verify `chain`: `caFile` when one of its
 * CAs issued a certificate of the chain; the chain's own file when it ends
 * in a self-signed certificate; else none (a public CA: the system's).
 */
export function trustFor(
  chain: readonly X509Certificate[],
  certFile: string,
  ca: { readonly file: string; readonly certificates: readonly X509Certificate[] } | undefined,
): string | undefined {
  if (ca !== undefined && chain.some((c) => ca.certificates.some((root) => issued(c, root)))) return ca.file;
  const last = chain.at(-1);
  if (last !== undefined && issued(last, last)) return certFile;
  return undefined;
}

/** The files `grpc.tls` names, read and checked (nothing written). */
export interface GrpcTlsFiles {
  /** `grpc.tls.caFile`. */
  readonly ca: CertificateFile | undefined;
  /** `grpc.tls.certFile` and `keyFile` (mode `files`). */
  readonly own: CertificateAndKey | undefined;
}

/** Options of {@link readGrpcTlsFiles}. */
export interface ReadGrpcTlsFilesOptions {
  /** Makes a configured path absolute (relative to the working directory). */
  readonly resolvePath: (path: string) => string;
  /** Makes the error of a file at fault (default: one naming the key, without its source). */
  readonly problem?: KeyProblem | undefined;
}

/**
 * Reads and checks the files of `grpc.tls` (its `caFile`; with mode
 * `files` its `certFile` and `keyFile`, the key the certificate's), writing
 * nothing: a file at fault throws a `ConfigError` `CONFIG_ERR_BAD_FILE`
 * naming its key.
 */
export async function readGrpcTlsFiles(
  grpc: CoreConfig['grpc'],
  options: ReadGrpcTlsFilesOptions,
): Promise<GrpcTlsFiles> {
  const tls = grpc.tls;
  if (tls.mode === 'off') return { ca: undefined, own: undefined };
  const problem = options.problem ?? keyProblems(undefined);
  const ca =
    tls.caFile === undefined
      ? undefined
      : await readCertificateFile('grpc.tls.caFile', options.resolvePath(tls.caFile), problem);
  // The schema makes certFile and keyFile present in mode files.
  const own =
    tls.mode !== 'files'
      ? undefined
      : await readCertificateAndKey(
          { cert: 'grpc.tls.certFile', key: 'grpc.tls.keyFile' },
          { certFile: options.resolvePath(tls.certFile ?? ''), keyFile: options.resolvePath(tls.keyFile ?? '') },
          problem,
        );
  return { ca, own };
}

/** Options of {@link loadGrpcTls}. */
export interface LoadGrpcTlsOptions extends ReadGrpcTlsFilesOptions {
  /** The development PKI (needed for `dev`). */
  readonly devPki: DevPki | undefined;
  /** The files, when {@link readGrpcTlsFiles} read them already (else they are read here). */
  readonly files?: GrpcTlsFiles | undefined;
  /** Now, ms since the epoch (certificate reuse in `dev`). */
  readonly now?: number | undefined;
}

/**
 * The gRPC API's TLS for `grpc.tls`: undefined when `mode` is `off`. `dev`
 * issues (or reuses) the development CA's server certificate, and with
 * `clientCertificate: require` and no `caFile` a client certificate of that
 * CA; `files` reads `certFile`, `keyFile` and `caFile` and checks that they
 * hold certificates and that the key is the certificate's. A file at fault
 * throws a `ConfigError` naming its key (files read by {@link readGrpcTlsFiles} unless given).
 */
export async function loadGrpcTls(grpc: CoreConfig['grpc'], options: LoadGrpcTlsOptions): Promise<GrpcTls | undefined> {
  const tls = grpc.tls;
  if (tls.mode === 'off') return undefined;
  const problem = options.problem ?? keyProblems(undefined);
  const { ca, own } = options.files ?? (await readGrpcTlsFiles(grpc, options));
  const requireClient = tls.clientCertificate === 'require';

  if (tls.mode === 'dev') {
    const pki = options.devPki;
    if (pki === undefined)
      throw problem(
        'CONFIG_ERR_BAD_VALUE',
        'grpc.tls.mode',
        '"dev"',
        'needs the development PKI, which this program did not set up',
      );
    const dev = await ensureDevGrpcCertificates(pki, {
      host: grpc.host,
      client: requireClient && ca === undefined,
      now: options.now,
    });
    const clientCaFile = ca?.file ?? pki.caFile;
    const leaf = new X509Certificate(dev.server.cert);
    return {
      mode: 'dev',
      credentials: ServerCredentials.createSsl(
        requireClient ? Buffer.from(ca?.pem ?? pki.ca) : null,
        [{ cert_chain: Buffer.from(dev.server.cert), private_key: Buffer.from(dev.server.key) }],
        requireClient,
      ),
      certFile: dev.server.certFile,
      keyFile: dev.server.keyFile,
      names: certificateNames(leaf),
      validTo: new Date(leaf.validTo).toISOString(),
      clientCertificate: tls.clientCertificate,
      clientCaFile: requireClient ? clientCaFile : undefined,
      generated: dev.server.generated || (dev.client?.generated ?? false),
      client: {
        caFile: pki.caFile,
        serverName: undefined,
        certFile: dev.client?.certFile,
        keyFile: dev.client?.keyFile,
      },
    };
  }

  if (own === undefined) throw new Error('grpc.tls.mode files without its files (the schema requires them)');
  const leaf = own.chain[0];
  return {
    mode: 'files',
    credentials: ServerCredentials.createSsl(
      requireClient && ca !== undefined ? Buffer.from(ca.pem) : null,
      [{ cert_chain: Buffer.from(own.certPem), private_key: Buffer.from(own.keyPem) }],
      requireClient,
    ),
    certFile: own.certFile,
    keyFile: own.keyFile,
    names: certificateNames(leaf),
    validTo: new Date(leaf.validTo).toISOString(),
    clientCertificate: tls.clientCertificate,
    clientCaFile: requireClient ? ca?.file : undefined,
    generated: false,
    client: {
      caFile: trustFor(own.chain, own.certFile, ca),
      serverName: serverNameFor(leaf, grpcDialHost(grpc.host)),
      certFile: undefined,
      keyFile: undefined,
    },
  };
}
