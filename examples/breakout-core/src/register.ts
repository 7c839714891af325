#!/usr/bin/env node
/**
 * A first registration from the command line, with our typed
 * `SipBreakoutClient`:
 *
 * `node dist/register.js --number +4799990000 --sip-uri sips:tas.example.com --route-type LOOP`
 *
 * Options: `--address host:port` (default 127.0.0.1:50051), `--token <jwt>`
 * or `--token-file <path>` (default `./.data/auth/dev-token.jwt`),
 * `--mo-prefix`, `--mt-prefix`, `--delete`. Prints the response as JSON;
 * exits 0 when the status is `STATUS_CODE_OK`, 1 when refused or failed,
 * 2 on bad arguments.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
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
const client = new SipBreakoutClient({ address: values.address, token });
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
