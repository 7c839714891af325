/**
 * The web phone's configuration: command-line options over `WEB_PHONE_*`
 * environment variables over defaults read from the breakout core's data
 * folder, so that after `pnpm start` the web phone needs no argument.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { TlsMode } from './core-client.js';
import type { CandidatePolicy } from './page-protocol.js';

/** The core's data folder when run from this repository (`examples/breakout-core/.data`). */
export const CORE_DATA_DIR: string = fileURLToPath(new URL('../../breakout-core/.data', import.meta.url));

/** The core's gRPC address by default. */
export const DEFAULT_CORE_ADDRESS = '127.0.0.1:50051';

/** The page's port by default. */
export const DEFAULT_PORT = 8089;

/**
 * The number a client token attaches to when none is given: the core's
 * example terminal number, the one its example user token
 * (`auth/dev-terminal-token.jwt`) is for (a drama-range number, no
 * subscriber's).
 */
export const DEFAULT_NUMBER = '+447700900124';

/** The token files the core writes in its data folder, the first found is used: its example user token for a terminal, then its example client token. */
export const DEFAULT_TOKEN_FILES = ['auth/dev-terminal-token.jwt', 'auth/dev-token.jwt'] as const;

/** The web phone's settings, resolved. */
export interface WebPhoneConfig {
  readonly dataDir: string;
  readonly address: string;
  readonly tls: TlsMode;
  /** The CA file that verifies the core (used with TLS); undefined: the system's CAs. */
  readonly caFile: string | undefined;
  readonly serverName: string | undefined;
  /** The token itself, or the file to read it from (read again on every attach). */
  readonly token: { readonly kind: 'value'; readonly value: string } | { readonly kind: 'file'; readonly file: string };
  /** `wg2-msisdn`. */
  readonly number: string;
  readonly method: 'Pipe' | 'MultiPipe';
  readonly host: string;
  readonly port: number;
  readonly candidates: CandidatePolicy;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** A configuration the web phone cannot start with; the message says what and where. */
export class WebPhoneConfigError extends Error {
  override readonly name = 'WebPhoneConfigError';
}

/** The options, their environment variables, and their help text. */
const OPTIONS = {
  'data-dir': { env: 'WEB_PHONE_DATA_DIR', help: "the core's data folder (default: examples/breakout-core/.data)" },
  address: { env: 'WEB_PHONE_CORE_ADDRESS', help: `the core's gRPC host:port (default ${DEFAULT_CORE_ADDRESS})` },
  tls: { env: 'WEB_PHONE_CORE_TLS', help: 'auto (ask the port), on or off (default auto)' },
  'ca-file': { env: 'WEB_PHONE_CORE_CA_FILE', help: 'PEM CAs that verify the core (default <data>/tls/dev-ca.pem)' },
  'server-name': { env: 'WEB_PHONE_CORE_SERVER_NAME', help: "the name to check the core's certificate for" },
  token: { env: 'WEB_PHONE_TOKEN', help: 'the bearer token itself' },
  'token-file': {
    env: 'WEB_PHONE_TOKEN_FILE',
    help: 'a file holding the token (default <data>/auth/dev-terminal-token.jwt, else dev-token.jwt)',
  },
  number: {
    env: 'WEB_PHONE_NUMBER',
    help: `the number to attach to, wg2-msisdn (default: a user token's own, else ${DEFAULT_NUMBER})`,
  },
  method: { env: 'WEB_PHONE_METHOD', help: 'Pipe or MultiPipe (default Pipe)' },
  host: { env: 'WEB_PHONE_HOST', help: 'where the page listens (default 127.0.0.1)' },
  port: { env: 'WEB_PHONE_PORT', help: `its port (default ${DEFAULT_PORT}; 0: any free port)` },
  candidates: { env: 'WEB_PHONE_CANDIDATES', help: 'loopback (only 127.0.0.1 UDP host candidates) or all' },
  'log-level': { env: 'WEB_PHONE_LOG_LEVEL', help: 'fatal … trace, or silent (default info)' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** The usage text. */
export function usage(): string {
  const rows = Object.entries(OPTIONS).map(
    ([name, option]) => `  --${name.padEnd(12)} ${option.env.padEnd(27)} ${option.help}`,
  );
  return ['usage: sipbreakout-web-phone [options]   (option, environment variable, meaning)', ...rows, ''].join('\n');
}

/** The payload of a JWT, unverified (only to pick defaults and to warn early); undefined when unreadable. */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const E164 = /^\+[1-9]\d{1,14}$/;

function defaultTokenFile(dataDir: string): string {
  const files = DEFAULT_TOKEN_FILES.map((file) => `${dataDir}/${file}`);
  return files.find((file) => existsSync(file)) ?? files[files.length - 1] ?? '';
}

function oneOf<T extends string>(name: OptionName, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (found === undefined)
    throw new WebPhoneConfigError(
      `--${name} (${OPTIONS[name].env}) must be one of ${allowed.join(', ')}, not "${value}"`,
    );
  return found;
}

/** Reads a token (trimmed) from `file`; throws a {@link WebPhoneConfigError} naming the file. */
export function readTokenFile(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new WebPhoneConfigError(
      `cannot read the token file ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}): start the core first (pnpm start), or give --token-file or --token`,
    );
  }
  if (token === '') throw new WebPhoneConfigError(`the token file ${file} is empty`);
  return token;
}

/**
 * Resolves the configuration from `argv` (without node and the script) and
 * `env`; relative paths are taken from `cwd`. Throws a
 * {@link WebPhoneConfigError} for a bad option or an unreadable token.
 */
export function resolveWebPhoneConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): WebPhoneConfig {
  let values: Partial<Record<OptionName, string>>;
  try {
    const options = Object.fromEntries(Object.keys(OPTIONS).map((name) => [name, { type: 'string' as const }]));
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values as Partial<
      Record<OptionName, string>
    >;
  } catch (error) {
    throw new WebPhoneConfigError(`${(error as Error).message}\n${usage()}`);
  }
  const get = (name: OptionName): string | undefined => {
    const value = values[name] ?? env[OPTIONS[name].env];
    return value === undefined || value === '' ? undefined : value;
  };
  const path = (value: string): string => resolve(cwd, value);

  const dataDir = path(get('data-dir') ?? CORE_DATA_DIR);
  const address = get('address') ?? DEFAULT_CORE_ADDRESS;
  if (!/^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/.test(address))
    throw new WebPhoneConfigError(`--address (WEB_PHONE_CORE_ADDRESS) must be host:port, not "${address}"`);
  const tls = oneOf('tls', get('tls') ?? 'auto', ['auto', 'on', 'off'] as const);
  const devCa = `${dataDir}/tls/dev-ca.pem`;
  const caOption = get('ca-file');
  const caFile = caOption !== undefined ? path(caOption) : existsSync(devCa) ? devCa : undefined;
  if (caOption !== undefined && !existsSync(path(caOption)))
    throw new WebPhoneConfigError(`--ca-file (WEB_PHONE_CORE_CA_FILE): ${path(caOption)} does not exist`);

  const tokenValue = get('token');
  const token =
    tokenValue !== undefined
      ? ({ kind: 'value', value: tokenValue } as const)
      : ({ kind: 'file', file: path(get('token-file') ?? defaultTokenFile(dataDir)) } as const);
  const firstToken = token.kind === 'value' ? token.value : readTokenFile(token.file);
  const sub = tokenClaims(firstToken)?.['sub'];
  const number = get('number') ?? (typeof sub === 'string' && E164.test(sub) ? sub : DEFAULT_NUMBER);
  if (!E164.test(number))
    throw new WebPhoneConfigError(`--number (WEB_PHONE_NUMBER) must be E.164 with +, not "${number}"`);

  const portText = get('port') ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new WebPhoneConfigError(`--port (WEB_PHONE_PORT) must be 0…65535, not "${portText}"`);

  return {
    dataDir,
    address,
    tls,
    caFile,
    serverName: get('server-name'),
    token,
    number,
    method: oneOf('method', get('method') ?? 'Pipe', ['Pipe', 'MultiPipe'] as const),
    host: get('host') ?? '127.0.0.1',
    port,
    candidates: oneOf('candidates', get('candidates') ?? 'loopback', ['loopback', 'all'] as const),
    logLevel: oneOf('log-level', get('log-level') ?? 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
  };
}
