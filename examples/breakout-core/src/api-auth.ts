/**
 * How the gRPC API authenticates: with a configured JWKS (file or URL) in
 * production, or else with the development signing key in the data folder,
 * in which case an example token is minted and saved for the first
 * registration.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allowAnyNumber, allowNumbersByPrefix, TokenVerifier, type ClientNumberPolicy } from '@sipbreakout/grpc-api';
import { ensureDevSigningKey } from '@sipbreakout/service-kit';
import type { CoreConfig } from './config-schema.js';
import { DEV_CLIENT, EXAMPLE_TERMINAL_NUMBER, signExampleTerminalToken, signExampleToken } from './example-token.js';
import { keyProblems, type KeyProblem } from './key-problem.js';

/** The API's authentication, ready for `startSipBreakoutServer`. */
export interface ApiAuth {
  readonly verifier: TokenVerifier;
  readonly numberPolicy: ClientNumberPolicy;
  /** Where the keys come from, for the logs. */
  readonly keySource: string;
  /**
   * With the development key: an example client token (24 h), the file it
   * is saved in, and its client; and an example user token binding a web
   * terminal to `terminalNumber`, saved beside it.
   */
  readonly example:
    | {
        readonly token: string;
        readonly tokenFile: string;
        readonly client: string;
        readonly keyGenerated: boolean;
        readonly terminalToken: string;
        readonly terminalTokenFile: string;
        readonly terminalNumber: string;
      }
    | undefined;
}

/** Whether the API uses the development signing key of the data folder (no JWKS configured), which {@link setUpApiAuth} writes. */
export function usesDevSigningKey(config: CoreConfig): boolean {
  return config.auth.jwksFile === undefined && config.auth.jwksUrl === undefined;
}

/**
 * Builds the verifier, the number policy and (development key only) the
 * example token. A configured JWKS file is read and checked here, writing
 * nothing: one that cannot be read or holds no JWKS throws a `ConfigError`
 * naming `auth.jwksFile`. Only the development key writes to `dataDir`.
 */
export async function setUpApiAuth(
  config: CoreConfig,
  dataDir: string,
  resolvePath: (path: string) => string,
  problem: KeyProblem = keyProblems(undefined),
): Promise<ApiAuth> {
  const { auth } = config;
  const numberPolicy = auth.clientNumbers === undefined ? allowAnyNumber : allowNumbersByPrefix(auth.clientNumbers);
  const checks = { issuer: auth.issuer, audience: auth.audience };
  if (auth.jwksFile !== undefined) {
    const path = resolvePath(auth.jwksFile);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw problem('CONFIG_ERR_BAD_FILE', 'auth.jwksFile', JSON.stringify(path), `cannot be read (${code})`);
    }
    let verifier: TokenVerifier;
    try {
      verifier = await TokenVerifier.create({ keys: { kind: 'jwks', jwks: JSON.parse(text) }, ...checks });
    } catch (error) {
      throw problem(
        'CONFIG_ERR_BAD_FILE',
        'auth.jwksFile',
        JSON.stringify(path),
        `does not hold a JWKS (a JSON object with "keys"): ${(error as Error).message.replace(/\s+/g, ' ')}`,
      );
    }
    return {
      verifier,
      numberPolicy,
      keySource: `jwks file ${path}`,
      example: undefined,
    };
  }
  if (auth.jwksUrl !== undefined) {
    return {
      verifier: await TokenVerifier.create({ keys: { kind: 'jwks-url', url: auth.jwksUrl }, ...checks }),
      numberPolicy,
      keySource: `jwks url ${auth.jwksUrl}`,
      example: undefined,
    };
  }
  const key = await ensureDevSigningKey(dataDir);
  const verifier = await TokenVerifier.create({
    keys: { kind: 'jwks', jwks: key.jwks },
    ...checks,
    algorithms: ['ES256'],
  });
  const token = await signExampleToken(key, auth.issuer, auth.audience);
  const tokenFile = join(dataDir, 'auth', 'dev-token.jwt');
  await writeFile(tokenFile, token + '\n', { mode: 0o600 });
  const terminalToken = await signExampleTerminalToken(key, auth.issuer, auth.audience);
  const terminalTokenFile = join(dataDir, 'auth', 'dev-terminal-token.jwt');
  await writeFile(terminalTokenFile, terminalToken + '\n', { mode: 0o600 });
  return {
    verifier,
    numberPolicy,
    keySource: `development key ${key.privateKeyFile} (kid ${key.kid})`,
    example: {
      token,
      tokenFile,
      client: DEV_CLIENT,
      keyGenerated: key.generated,
      terminalToken,
      terminalTokenFile,
      terminalNumber: EXAMPLE_TERMINAL_NUMBER,
    },
  };
}
