/**
 * The development signing key: an ES256 key pair kept as a JWK in the data
 * folder (generated on first start, reused after), the public JWKS the gRPC
 * API verifies tokens with, and example tokens signed with it.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { CALL_ROUTING_WRITE } from '@sipbreakout/grpc-api';

/** The development signing key. */
export interface DevSigningKey {
  /** Whether this start generated it (false: reused). */
  readonly generated: boolean;
  /** The private JWK file (mode 0600). */
  readonly privateKeyFile: string;
  /** The public JWKS file, for other verifiers. */
  readonly jwksFile: string;
  /** The public JWKS. */
  readonly jwks: JSONWebKeySet;
  /** The key id (`kid`): the JWK thumbprint (RFC 7638). */
  readonly kid: string;
  /** Signs a token with the key. */
  sign(claims: Record<string, unknown>, options: { readonly expiresIn: string; readonly issuer: string; readonly audience: string }): Promise<string>;
}

/** The API client the example token speaks for. */
export const DEV_CLIENT = 'dev-client';

function isPrivateEs256(jwk: unknown): jwk is JWK & { d: string } {
  if (typeof jwk !== 'object' || jwk === null) return false;
  const k = jwk as Record<string, unknown>;
  return k['kty'] === 'EC' && k['crv'] === 'P-256' && typeof k['d'] === 'string' && typeof k['x'] === 'string' && typeof k['y'] === 'string';
}

/** Loads `<dataDir>/auth/dev-signing-key.jwk.json`, generating it when missing or unusable. */
export async function ensureDevSigningKey(dataDir: string): Promise<DevSigningKey> {
  const dir = join(dataDir, 'auth');
  const privateKeyFile = join(dir, 'dev-signing-key.jwk.json');
  const jwksFile = join(dir, 'dev-jwks.json');
  let privateJwk: JWK | undefined;
  try {
    const parsed: unknown = JSON.parse(await readFile(privateKeyFile, 'utf8'));
    if (isPrivateEs256(parsed)) privateJwk = parsed;
  } catch {
    privateJwk = undefined;
  }
  const generated = privateJwk === undefined;
  if (privateJwk === undefined) {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const exported = await exportJWK(pair.privateKey);
    privateJwk = { ...exported, alg: 'ES256', use: 'sig', kid: await calculateJwkThumbprint(exported) };
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(privateKeyFile, JSON.stringify(privateJwk, null, 2) + '\n', { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] };
  await writeFile(jwksFile, JSON.stringify(jwks, null, 2) + '\n');
  const key = await importJWK(privateJwk, 'ES256');
  return {
    generated,
    privateKeyFile,
    jwksFile,
    jwks,
    kid,
    sign: (claims, options) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn)
        .sign(key),
  };
}

/** An example client token: `call.routing:write` for {@link DEV_CLIENT}, valid 24 h. */
export function signExampleToken(key: DevSigningKey, issuer: string, audience: string): Promise<string> {
  return key.sign({ sub: DEV_CLIENT, client_id: DEV_CLIENT, scope: CALL_ROUTING_WRITE }, { expiresIn: '24h', issuer, audience });
}
