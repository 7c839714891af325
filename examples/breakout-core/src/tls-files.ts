/**
 * The PEM files configuration keys name (`sip.tas.certFile`,
 * `grpc.tls.keyFile`, …), read and checked the same way for every key
 * before anything listens or is written: a file that cannot be read, holds
 * no PEM certificate, holds no private key, or holds a key that is not the
 * certificate's is a {@link ConfigError} `CONFIG_ERR_BAD_FILE` naming the
 * key, its source and the file.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { KeyProblem } from './key-problem.js';

/** Certificates read from one file. */
export interface CertificateFile {
  readonly file: string;
  readonly pem: string;
  /** In the order of the file (a chain: the leaf first). */
  readonly certificates: readonly X509Certificate[];
}

/** A certificate chain and its private key, checked to belong together. */
export interface CertificateAndKey {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** The chain, leaf first (never empty). */
  readonly chain: readonly [X509Certificate, ...X509Certificate[]];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads the text of the file `key` names. */
export async function readKeyedFile(key: string, file: string, problem: KeyProblem): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`;
    throw problem('CONFIG_ERR_BAD_FILE', key, JSON.stringify(file), why);
  }
}

/** The PEM certificates of the file `key` names (at least one). */
export async function readCertificateFile(key: string, file: string, problem: KeyProblem): Promise<CertificateFile> {
  const pem = await readKeyedFile(key, file, problem);
  let certificates: X509Certificate[];
  try {
    certificates = (pem.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block));
  } catch (error) {
    throw problem(
      'CONFIG_ERR_BAD_FILE',
      key,
      JSON.stringify(file),
      `is not a PEM certificate (${(error as Error).message})`,
    );
  }
  if (certificates.length === 0)
    throw problem('CONFIG_ERR_BAD_FILE', key, JSON.stringify(file), 'holds no PEM certificate');
  return { file, pem, certificates };
}

/**
 * The certificate chain `keys.cert` names and the private key `keys.key`
 * names, checked to be a pair: the key must be the first certificate's.
 */
export async function readCertificateAndKey(
  keys: { readonly cert: string; readonly key: string },
  files: { readonly certFile: string; readonly keyFile: string },
  problem: KeyProblem,
): Promise<CertificateAndKey> {
  const cert = await readCertificateFile(keys.cert, files.certFile, problem);
  const keyPem = await readKeyedFile(keys.key, files.keyFile, problem);
  const [leaf, ...rest] = cert.certificates;
  if (leaf === undefined)
    throw problem('CONFIG_ERR_BAD_FILE', keys.cert, JSON.stringify(files.certFile), 'holds no PEM certificate');
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(keyPem));
  } catch (error) {
    throw problem(
      'CONFIG_ERR_BAD_FILE',
      keys.key,
      JSON.stringify(files.keyFile),
      `is not a PEM private key (${(error as Error).message})`,
    );
  }
  if (!matches)
    throw problem(
      'CONFIG_ERR_BAD_FILE',
      keys.key,
      JSON.stringify(files.keyFile),
      `is not the key of the first certificate in ${keys.cert} (${files.certFile})`,
    );
  return { certFile: files.certFile, keyFile: files.keyFile, certPem: cert.pem, keyPem, chain: [leaf, ...rest] };
}
