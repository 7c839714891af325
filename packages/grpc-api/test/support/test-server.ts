import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { MemoryRegistrationStore, type RegistrationStore } from '@sipbreakout/registrar';
import {
  allowNumbersByPrefix,
  startSipBreakoutServer,
  TokenVerifier,
  type RegistrationRefused,
  type SipBreakoutServer,
} from '../../src/index.js';

/** The client the tests' client tokens are issued to, and the numbers it may manage. */
export const CLIENT = 'pbx-provider-1';
export const CLIENT_NUMBERS = '+4799';
export const OTHER_CLIENT = 'pbx-provider-2';
export const ISSUER = 'https://auth.test.invalid/';
export const AUDIENCE = 'sipbreakout';

/** Signs tokens with a key generated at test time; nothing private is on disk beyond the test's temp dir. */
export interface TokenMint {
  /** A token with the given claims merged over the defaults (iss, aud, exp in 1 h, iat). */
  sign(
    claims: JWTPayload,
    options?: { readonly expiresIn?: string | number; readonly key?: 'trusted' | 'untrusted' },
  ): Promise<string>;
  /** A client token of {@link CLIENT} with `call.routing:write`. */
  client(claims?: JWTPayload): Promise<string>;
  /** A user token for `phoneNumber`, issued to {@link CLIENT}, with `call.routing:write`. */
  user(phoneNumber: string, claims?: JWTPayload): Promise<string>;
}

/** A server on 127.0.0.1 with an ephemeral port, a journalled memory store, and a token mint. */
export interface TestServer {
  readonly address: string;
  readonly server: SipBreakoutServer;
  readonly store: RegistrationStore;
  readonly tokens: TokenMint;
  readonly dir: string;
  /** Every refusal the server's `onRefusal` listener heard, oldest first. */
  readonly refusals: RegistrationRefused[];
  close(): Promise<void>;
}

/** Starts a {@link TestServer}; `wrapStore` lets a test slow the store down. */
export async function startTestServer(
  options: { readonly wrapStore?: (store: RegistrationStore) => RegistrationStore } = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'sipbreakout-grpc-'));
  const trusted = await generateKeyPair('ES256', { extractable: true });
  const untrusted = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(trusted.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const jwksPath = join(dir, 'jwks.json');
  await writeFile(jwksPath, JSON.stringify({ keys: [jwk] }));
  const verifier = await TokenVerifier.create({
    keys: { kind: 'jwks-file', path: jwksPath },
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const { store: journalled } = await MemoryRegistrationStore.open({ journalPath: join(dir, 'registrations') });
  const store = options.wrapStore === undefined ? journalled : options.wrapStore(journalled);
  const refusals: RegistrationRefused[] = [];
  const server = await startSipBreakoutServer({
    onRefusal: (event) => refusals.push(event),
    store,
    verifier,
    numberPolicy: allowNumbersByPrefix({ [CLIENT]: [CLIENT_NUMBERS], [OTHER_CLIENT]: ['+4798'] }),
    address: '127.0.0.1:0',
  });
  const sign: TokenMint['sign'] = async (claims, signOptions = {}) => {
    const key = signOptions.key === 'untrusted' ? untrusted.privateKey : trusted.privateKey;
    return new SignJWT({ iss: ISSUER, aud: AUDIENCE, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'at+jwt' })
      .setIssuedAt()
      .setExpirationTime(signOptions.expiresIn ?? '1h')
      .sign(key);
  };
  const tokens: TokenMint = {
    sign,
    client: (claims = {}) => sign({ sub: CLIENT, client_id: CLIENT, scope: 'call.routing:write', ...claims }),
    user: (phoneNumber, claims = {}) =>
      sign({ sub: phoneNumber, client_id: CLIENT, scope: 'openid call.routing:write', ...claims }),
  };
  return {
    address: `127.0.0.1:${server.port}`,
    server,
    store,
    tokens,
    dir,
    refusals,
    close: async () => {
      await server.shutdown({ graceMs: 1000 });
      await journalled.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
