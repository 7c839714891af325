/**
 * The copy-paste commands of a first registration, printed at start: one
 * with `buf curl` (a gRPC client we did not write, through server
 * reflection) and one with our `SipBreakoutClient` (`dist/register.js`),
 * in plaintext or over TLS as the API listens; and the two that delete it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { METHOD_PATHS } from '@sipbreakout/grpc-api';
import type { GrpcClientTls } from './grpc-tls.js';

/**
 * The example registration the commands make. A registration lives an hour
 * and captures its number's calls, so the example must name nobody: the
 * number is in the range the UK regulator (Ofcom) keeps for drama, never
 * given to a subscriber (+44 7700 900000–900999), and the TAS domain is under
 * `.example`, a top-level domain reserved for documentation that never
 * resolves (RFC 2606 §2) — a call that met the registration would find no TAS
 * and go on without it.
 */
export const EXAMPLE_REGISTRATION = {
  phoneNumber: '+447700900123',
  sipUri: 'sips:tas.example',
  routeType: 'LOOP',
} as const;

/** The commands, ready to paste into a POSIX shell from any directory. */
export interface FirstRegistrationCommands {
  /** Upserts {@link EXAMPLE_REGISTRATION} with `buf curl`. */
  readonly bufCurl: string;
  /** Upserts it with our `SipBreakoutClient`. */
  readonly node: string;
  /** Deletes it with `buf curl`. */
  readonly deleteBufCurl: string;
  /** Deletes it with our `SipBreakoutClient`. */
  readonly deleteNode: string;
}

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-+./:=@]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `buf` from this package's devDependency `@bufbuild/buf`, or `buf` on the PATH. */
export function bufExecutable(): string {
  const local = fileURLToPath(new URL('../node_modules/.bin/buf', import.meta.url));
  return existsSync(local) ? local : 'buf';
}

/** Where the commands reach the API. */
export interface FirstRegistrationTarget {
  /** `host:port` to dial. */
  readonly address: string;
  /** The file holding the bearer token. */
  readonly tokenFile: string;
  /** TLS (https://); undefined: plaintext HTTP/2 (http://). */
  readonly tls?: GrpcClientTls | undefined;
}

/**
 * The commands for a server at `target.address` and a token saved in
 * `target.tokenFile`; over TLS, `buf curl` gets `--cacert` (the CA to trust),
 * `--servername` (when the address is not in the certificate), `--cert` and
 * `--key` (a client certificate), and `register.js` the same as `--ca-file`,
 * `--server-name`, `--cert-file` and `--key-file` (`--tls` alone: the
 * system's CAs).
 */
export function firstRegistrationCommands(target: FirstRegistrationTarget): FirstRegistrationCommands {
  const body = JSON.stringify({
    registration: {
      sipUri: EXAMPLE_REGISTRATION.sipUri,
      routeType: `ROUTE_TYPE_${EXAMPLE_REGISTRATION.routeType}`,
      phoneNumber: { e164: EXAMPLE_REGISTRATION.phoneNumber },
    },
  });
  const tls = target.tls;
  const option = (name: string, value: string | undefined): string[] =>
    value === undefined ? [] : [`${name} ${shellQuote(value)}`];
  const bufCurlFor = (path: string): string =>
    [
      shellQuote(bufExecutable()),
      // Over TLS, ALPN agrees on HTTP/2; in plaintext there is nothing to negotiate with, so it is said up front.
      tls === undefined ? 'curl --protocol grpc --http2-prior-knowledge' : 'curl --protocol grpc',
      ...option('--cacert', tls?.caFile),
      ...option('--servername', tls?.serverName),
      ...option('--cert', tls?.certFile),
      ...option('--key', tls?.keyFile),
      `-H "Authorization: Bearer $(cat ${shellQuote(target.tokenFile)})"`,
      `-d ${shellQuote(body)}`,
      `${tls === undefined ? 'http' : 'https'}://${target.address}${path}`,
    ].join(' ');
  const register = fileURLToPath(new URL('./register.js', import.meta.url));
  const nodeWith = (extra: readonly string[]): string =>
    [
      'node',
      shellQuote(register),
      `--address ${shellQuote(target.address)}`,
      ...(tls === undefined ? [] : tls.caFile === undefined ? ['--tls'] : option('--ca-file', tls.caFile)),
      ...option('--server-name', tls?.serverName),
      ...option('--cert-file', tls?.certFile),
      ...option('--key-file', tls?.keyFile),
      `--token-file ${shellQuote(target.tokenFile)}`,
      `--number ${EXAMPLE_REGISTRATION.phoneNumber}`,
      `--sip-uri ${EXAMPLE_REGISTRATION.sipUri}`,
      `--route-type ${EXAMPLE_REGISTRATION.routeType}`,
      ...extra,
    ].join(' ');
  return {
    bufCurl: bufCurlFor(METHOD_PATHS.UpsertRegistration),
    node: nodeWith([]),
    deleteBufCurl: bufCurlFor(METHOD_PATHS.DeleteRegistration),
    deleteNode: nodeWith(['--delete']),
  };
}
