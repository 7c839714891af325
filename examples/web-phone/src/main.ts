#!/usr/bin/env node
/**
 * The web phone: serves the soft-phone page and bridges each open page to a
 * `WebTerminalService` stream of the breakout core. `node dist/main.js
 * --help` lists the options; with none it reads the core's data folder.
 * Logs are JSON lines on stdout (the last start line: `ready`, with the
 * URL); the URL for people is printed on stderr. Exits 2 on a bad option.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createLogger, stopOnSignals } from '@sipbreakout/service-kit';
import { CALL_CONTROL_ANSWER_AND_INITIATE } from '@sipbreakout/web-terminal';
import { CoreClient, splitAddress } from './core-client.js';
import {
  readTokenFile,
  resolveWebPhoneConfig,
  tokenClaims,
  usage,
  WebPhoneConfigError,
  type WebPhoneConfig,
} from './web-phone-config.js';
import { startWebPhoneServer } from './web-phone-server.js';

/** The `msg` of the log line that says the web phone is ready (it carries `url`). */
export const READY_MESSAGE = 'ready';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(usage());
  process.exit(0);
}

let config: WebPhoneConfig;
try {
  config = resolveWebPhoneConfig(argv, process.env, process.cwd());
} catch (error) {
  if (!(error instanceof WebPhoneConfigError)) throw error;
  process.stderr.write(`web-phone: ${error.message}\n`);
  process.exit(2);
}

const log = createLogger({ service: 'sipbreakout-web-phone', level: config.logLevel });
const tokenSource = config.token;
const token =
  tokenSource.kind === 'value'
    ? () => Promise.resolve(tokenSource.value)
    : async () => (await readFile(tokenSource.file, 'utf8')).trim();

const firstToken = tokenSource.kind === 'value' ? tokenSource.value : readTokenFile(tokenSource.file);
const scopes = String(tokenClaims(firstToken)?.['scope'] ?? '').split(' ');
if (!scopes.includes(CALL_CONTROL_ANSWER_AND_INITIATE))
  process.stderr.write(
    `web-phone: warning: the token carries no ${CALL_CONTROL_ANSWER_AND_INITIATE} scope; the core will refuse the terminal\n`,
  );

let ca: Buffer | undefined;
if (config.caFile !== undefined) ca = await readFile(config.caFile);
// grpc-js gives TLS the dialled host as the server name, and Node warns (DEP0123) that an address is no SNI
// name (RFC 6066 §3): noise only; the certificate is still checked for the address.
if (isIP(splitAddress(config.address).host) !== 0) process.noDeprecation = true;
const core = new CoreClient({ address: config.address, tls: config.tls, ca, serverName: config.serverName });

let server: Awaited<ReturnType<typeof startWebPhoneServer>>;
try {
  server = await startWebPhoneServer({
    host: config.host,
    port: config.port,
    core,
    token,
    number: config.number,
    method: config.method,
    candidates: config.candidates,
    logger: log,
  });
} catch (error) {
  process.stderr.write(`web-phone: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`);
  process.exit(1);
}

stopOnSignals({
  log,
  shutdown: async () => {
    await server.close();
    core.close();
  },
});

const tlsText =
  config.tls === 'off'
    ? 'plaintext'
    : `${config.tls === 'auto' ? 'TLS if the port speaks it' : 'TLS'}, CA ${config.caFile ?? "the system's"}`;
const tokenText = tokenSource.kind === 'file' ? tokenSource.file : 'given';
log.info(
  { url: server.url, number: config.number, method: config.method, core: config.address, tls: config.tls },
  READY_MESSAGE,
);
process.stderr.write(
  [
    `web phone: ${server.url}`,
    `  number ${config.number} over ${config.method} to ${config.address} (${tlsText}); token ${tokenText}`,
    `  ICE candidates passed on: ${config.candidates === 'loopback' ? '127.0.0.1 UDP host only' : 'all'}`,
    '',
  ].join('\n'),
);
