/**
 * The TAS face's own TLS files: `sip.tas.certFile` and `keyFile` (the
 * certificate the face presents, and its key) and `sip.tas.caFile` (the CAs
 * a TAS's certificate must chain to), read and checked before anything is
 * written or listens. A key left out is the development PKI's.
 */
import type { CoreConfig } from './config-schema.js';
import type { KeyProblem } from './key-problem.js';
import {
  readCertificateAndKey,
  readCertificateFile,
  type CertificateAndKey,
  type CertificateFile,
} from './tls-files.js';

/** The TAS face's configured files, read and checked; undefined where the development PKI stands in. */
export interface TasTlsFiles {
  readonly ca: CertificateFile | undefined;
  readonly own: CertificateAndKey | undefined;
}

/**
 * Reads `sip.tas.caFile`, `certFile` and `keyFile` (the key checked to be
 * the certificate's); a file at fault throws a `ConfigError`
 * `CONFIG_ERR_BAD_FILE` naming its key.
 */
export async function readTasTlsFiles(
  tas: CoreConfig['sip']['tas'],
  resolvePath: (path: string) => string,
  problem: KeyProblem,
): Promise<TasTlsFiles> {
  const ca =
    tas.caFile === undefined
      ? undefined
      : await readCertificateFile('sip.tas.caFile', resolvePath(tas.caFile), problem);
  // The schema makes certFile and keyFile come together.
  const own =
    tas.certFile === undefined || tas.keyFile === undefined
      ? undefined
      : await readCertificateAndKey(
          { cert: 'sip.tas.certFile', key: 'sip.tas.keyFile' },
          { certFile: resolvePath(tas.certFile), keyFile: resolvePath(tas.keyFile) },
          problem,
        );
  return { ca, own };
}

/** Whether the TAS face needs the development PKI (its certificate or its CAs are not configured). */
export function tasNeedsDevPki(files: TasTlsFiles): boolean {
  return files.ca === undefined || files.own === undefined;
}
