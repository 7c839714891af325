/**
 * The development signing key: an ES256 key pair kept as a JWK in a
 * program's data folder (generated on first start, reused after), the public
 * JWKS its API verifies tokens with, and a signer for example tokens. With
 * no configured token issuer, a program still starts and can be called.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
} from 'jose';

/** The registered claims of a token {@link DevSigningKey.sign} makes. */
export interface DevTokenOptions {
  /** How long it is valid, as jose reads it (`'24h'`). */
  readonly expiresIn: string;
  readonly issuer: string;
  readonly audience: string;
}

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
  /** Signs a token with the key (`typ` `at+jwt`, RFC 9068), issued now. */
  sign(claims: Record<string, unknown>, options: DevTokenOptions): Promise<string>;
}

function isPrivateEs256(jwk: unknown): jwk is JWK & { d: string } {
  if (typeof jwk !== 'object' || jwk === null) return false;
  const k = jwk as Record<string, unknown>;
  return (
    k['kty'] === 'EC' &&
    k['crv'] === 'P-256' &&
    typeof k['d'] === 'string' &&
    typeof k['x'] === 'string' &&
    typeof k['y'] === 'string'
  );
}

/**
 * Loads `<dataDir>/auth/dev-signing-key.jwk.json` (mode 0600, its folder
 * 0700), generating it when missing or unusable, and writes the public
 * `<dataDir>/auth/dev-jwks.json` beside it.
 */
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
