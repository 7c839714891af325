#!/usr/bin/env node
/**
 * A first registration from the command line, with our typed
 * `SipBreakoutClient`:
 *
 * `node dist/register.js --number +447700900123 --sip-uri sips:tas.example --route-type LOOP`
 *
 * Options: `--address host:port` (default 127.0.0.1:50051), `--token <jwt>`
 * or `--token-file <path>` (default `./.data/auth/dev-token.jwt`),
 * `--mo-prefix`, `--mt-prefix`, `--delete`. TLS (plaintext without these):
 * `--ca-file <pem>` (the CAs that verify the server; the core prints its
 * development CA), `--tls` (the system's CAs), `--server-name <name>` (the
 * name to check the certificate for, when the address is not in it),
 * `--cert-file <pem>` and `--key-file <pem>` (a client certificate, for mutual
 * TLS). Prints the response as JSON; exits 0 when the status is
 * `STATUS_CODE_OK`, 1 when refused or failed, 2 on bad arguments.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { SipBreakoutClient, type Registration, type RouteTypeName } from '@sipbreakout/grpc-api';
import { ROUTE_TYPES, isRouteType } from '@sipbreakout/routing';

function fail(message: string): never {
  process.stderr.write(`register: ${message}\n`);
  process.exit(2);
}

let values: ReturnType<typeof parse>['values'];
function parse() {
  return parseArgs({
    options: {
      address: { type: 'string', default: '127.0.0.1:50051' },
      token: { type: 'string' },
      'token-file': { type: 'string', default: './.data/auth/dev-token.jwt' },
      number: { type: 'string' },
      'sip-uri': { type: 'string' },
      'route-type': { type: 'string' },
      'mo-prefix': { type: 'string' },
      'mt-prefix': { type: 'string' },
      delete: { type: 'boolean', default: false },
      tls: { type: 'boolean', default: false },
      'ca-file': { type: 'string' },
      'cert-file': { type: 'string' },
      'key-file': { type: 'string' },
      'server-name': { type: 'string' },
    },
    strict: true,
  });
}
try {
  ({ values } = parse());
} catch (error) {
  fail((error as Error).message);
}

const routeType = values['route-type'];
if (values.number === undefined || values['sip-uri'] === undefined || routeType === undefined) {
  fail('--number, --sip-uri and --route-type are required');
}
if (!isRouteType(routeType)) fail(`--route-type must be one of ${ROUTE_TYPES.join(', ')}`);

let token = values.token;
if (token === undefined) {
  try {
    token = readFileSync(values['token-file'], 'utf8').trim();
  } catch {
    fail(`cannot read the token file ${values['token-file']} (give --token or --token-file)`);
  }
}

const registration: Registration = {
  sipUri: values['sip-uri'],
  routeType: `ROUTE_TYPE_${routeType}` as RouteTypeName,
  phoneNumber: { e164: values.number },
  ...(values['mo-prefix'] === undefined ? {} : { mobileOriginatingPrefix: values['mo-prefix'] }),
  ...(values['mt-prefix'] === undefined ? {} : { mobileTerminatingPrefix: values['mt-prefix'] }),
};

/** The host of `host:port` or `[IPv6]:port`. */
function hostOf(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed !== null) return bracketed[1] ?? '';
  return address.includes(':') && address.indexOf(':') === address.lastIndexOf(':')
    ? address.slice(0, address.indexOf(':'))
    : address;
}

function readOption(name: 'ca-file' | 'cert-file' | 'key-file'): Buffer | undefined {
  const file = values[name];
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    fail(`cannot read --${name} ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

if ((values['cert-file'] === undefined) !== (values['key-file'] === undefined))
  fail('--cert-file and --key-file go together');
const useTls =
  values.tls ||
  values['ca-file'] !== undefined ||
  values['cert-file'] !== undefined ||
  values['server-name'] !== undefined;
let channelCredentials: ChannelCredentials | undefined;
let channelOptions: ChannelOptions | undefined;
if (useTls) {
  // Without --ca-file, grpc-js verifies the server against the system's CAs.
  channelCredentials = credentials.createSsl(
    readOption('ca-file') ?? null,
    readOption('key-file') ?? null,
    readOption('cert-file') ?? null,
  );
  const serverName = values['server-name'];
  if (serverName !== undefined)
    channelOptions = { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName };
  // grpc-js gives TLS the host dialled as the server name, and Node warns (DEP0123) that an IP address is no
  // SNI name (RFC 6066 §3): noise on stderr of a command people paste. The certificate is still checked for the address.
  else if (isIP(hostOf(values.address)) !== 0) process.noDeprecation = true;
}

const client = new SipBreakoutClient({
  address: values.address,
  token,
  credentials: channelCredentials,
  channelOptions,
});
try {
  const deadline = Date.now() + 10_000;
  const response = values.delete
    ? await client.deleteRegistration({ registration }, { deadline })
    : await client.upsertRegistration({ registration }, { deadline });
  process.stdout.write(JSON.stringify(response) + '\n');
  process.exitCode = response.statusCode === 'STATUS_CODE_OK' ? 0 : 1;
} catch (error) {
  process.stderr.write(`register: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  client.close();
}
