/**
 * The copy-paste commands of a first registration, printed at start: one
 * with `buf curl` (a gRPC client we did not write, through server
 * reflection) and one with our `SipBreakoutClient` (`dist/register.js`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { METHOD_PATHS } from '@sipbreakout/grpc-api';

/** The example registration the commands make. */
export const EXAMPLE_REGISTRATION = {
  phoneNumber: '+4799990000',
  sipUri: 'sips:tas.example.com',
  routeType: 'LOOP',
} as const;

/** The two commands, ready to paste into a POSIX shell from any directory. */
export interface FirstRegistrationCommands {
  readonly bufCurl: string;
  readonly node: string;
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

/** The commands for a server at `grpcAddress` and a token saved in `tokenFile`. */
export function firstRegistrationCommands(grpcAddress: string, tokenFile: string): FirstRegistrationCommands {
  const body = JSON.stringify({
    registration: {
      sipUri: EXAMPLE_REGISTRATION.sipUri,
      routeType: `ROUTE_TYPE_${EXAMPLE_REGISTRATION.routeType}`,
      phoneNumber: { e164: EXAMPLE_REGISTRATION.phoneNumber },
    },
  });
  const bufCurl = [
    shellQuote(bufExecutable()),
    'curl --protocol grpc --http2-prior-knowledge',
    `-H "Authorization: Bearer $(cat ${shellQuote(tokenFile)})"`,
    `-d ${shellQuote(body)}`,
    `http://${grpcAddress}${METHOD_PATHS.UpsertRegistration}`,
  ].join(' ');
  const register = fileURLToPath(new URL('./register.js', import.meta.url));
  const node = [
    'node',
    shellQuote(register),
    `--address ${shellQuote(grpcAddress)}`,
    `--token-file ${shellQuote(tokenFile)}`,
    `--number ${EXAMPLE_REGISTRATION.phoneNumber}`,
    `--sip-uri ${EXAMPLE_REGISTRATION.sipUri}`,
    `--route-type ${EXAMPLE_REGISTRATION.routeType}`,
  ].join(' ');
  return { bufCurl, node };
}
