/**
 * How the gRPC API authenticates: with a configured JWKS (file or URL) in
 * production, or else with the development signing key in the data folder,
 * in which case an example token is minted and saved for the first
 * registration.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allowAnyNumber, allowNumbersByPrefix, TokenVerifier, type ClientNumberPolicy } from '@sipbreakout/grpc-api';
import { ensureDevSigningKey } from '@sipbreakout/service-kit';
import type { CoreConfig } from './config-schema.js';
import { DEV_CLIENT, signExampleToken } from './example-token.js';

/** The API's authentication, ready for `startSipBreakoutServer`. */
export interface ApiAuth {
  readonly verifier: TokenVerifier;
  readonly numberPolicy: ClientNumberPolicy;
  /** Where the keys come from, for the logs. */
  readonly keySource: string;
  /** With the development key: an example client token (24 h), the file it is saved in, and its client. */
  readonly example:
    | { readonly token: string; readonly tokenFile: string; readonly client: string; readonly keyGenerated: boolean }
    | undefined;
}

/** Builds the verifier, the number policy and (development key only) the example token. */
export async function setUpApiAuth(
  config: CoreConfig,
  dataDir: string,
  resolvePath: (path: string) => string,
): Promise<ApiAuth> {
  const { auth } = config;
  const numberPolicy = auth.clientNumbers === undefined ? allowAnyNumber : allowNumbersByPrefix(auth.clientNumbers);
  const checks = { issuer: auth.issuer, audience: auth.audience };
  if (auth.jwksFile !== undefined) {
    const path = resolvePath(auth.jwksFile);
    return {
      verifier: await TokenVerifier.create({ keys: { kind: 'jwks-file', path }, ...checks }),
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
  return {
    verifier,
    numberPolicy,
    keySource: `development key ${key.privateKeyFile} (kid ${key.kid})`,
    example: { token, tokenFile, client: DEV_CLIENT, keyGenerated: key.generated },
  };
}
