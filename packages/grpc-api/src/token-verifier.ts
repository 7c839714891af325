import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  importSPKI,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { isE164 } from '@sipbreakout/routing';

type PublicKey = Awaited<ReturnType<typeof importSPKI>>;

/** Where the keys that sign access tokens come from. */
export type TokenKeySource =
  /** A JWKS document on disk, read once when the verifier is created. */
  | { readonly kind: 'jwks-file'; readonly path: string }
  /** A JWKS URL, fetched and cached by `jose` (refetched for an unknown `kid`). */
  | { readonly kind: 'jwks-url'; readonly url: string }
  /** A JWKS document already in memory. */
  | { readonly kind: 'jwks'; readonly jwks: JSONWebKeySet }
  /** One static public key, PEM `SPKI`, for one algorithm (`ES256`, `RS256`, `EdDSA`, …). */
  | { readonly kind: 'public-key'; readonly pem: string; readonly algorithm: string };

/** How access tokens are verified. */
export interface TokenVerifierOptions {
  /** The signing keys. */
  readonly keys: TokenKeySource;
  /** Required `iss`, if set. */
  readonly issuer?: string | readonly string[] | undefined;
  /** Required `aud`, if set. */
  readonly audience?: string | readonly string[] | undefined;
  /** Accepted `alg`s; by default every asymmetric algorithm `jose` knows (never `none` or HMAC). */
  readonly algorithms?: readonly string[] | undefined;
  /** Leeway for `exp` and `nbf`, in seconds (default 30). */
  readonly clockToleranceSeconds?: number | undefined;
  /** How many verified tokens to remember, so a client reusing its token is not re-verified each call (default 1024; 0 disables). */
  readonly cacheSize?: number | undefined;
}

/**
 * Who a verified token speaks for. A **user** token's subject is a phone
 * number: it may only manage that number. A **client** token's subject is the
 * API client itself. Either way `client` is the OAuth client the token was
 * issued to: the owner recorded in the registrar.
 */
export type Principal =
  | {
      readonly kind: 'user';
      /** The user's number, from `sub`. */
      readonly phoneNumber: string;
      /** From `client_id` (RFC 9068) or `azp`. */
      readonly client: string;
      /** From `scope` (space-separated) or `scp`. */
      readonly scopes: ReadonlySet<string>;
    }
  | {
      readonly kind: 'client';
      /** From `client_id`, `azp`, or else `sub`. */
      readonly client: string;
      /** From `scope` (space-separated) or `scp`. */
      readonly scopes: ReadonlySet<string>;
    };

/** The outcome of {@link TokenVerifier.verify}. */
export type TokenVerdict =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: string };

const DEFAULT_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

interface CachedPrincipal {
  readonly principal: Principal;
  /** ms since the epoch; the token's `exp`. */
  readonly expiresAt: number;
}

/**
 * Verifies OAuth 2.0 bearer tokens (JWT access tokens) with `jose` against
 * configured keys, and says who they speak for. Bad tokens are values, never
 * exceptions.
 */
export class TokenVerifier {
  readonly #key: JWTVerifyGetKey | PublicKey;
  readonly #options: TokenVerifierOptions;
  readonly #cache = new Map<string, CachedPrincipal>();
  readonly #cacheSize: number;

  private constructor(key: JWTVerifyGetKey | PublicKey, options: TokenVerifierOptions) {
    this.#key = key;
    this.#options = options;
    this.#cacheSize = options.cacheSize ?? 1024;
  }

  /** Loads the keys (reads the JWKS file, imports the PEM) and returns a verifier. */
  static async create(options: TokenVerifierOptions): Promise<TokenVerifier> {
    const source = options.keys;
    switch (source.kind) {
      case 'jwks-file': {
        const jwks = JSON.parse(await readFile(source.path, 'utf8')) as JSONWebKeySet;
        return new TokenVerifier(createLocalJWKSet(jwks), options);
      }
      case 'jwks-url':
        return new TokenVerifier(createRemoteJWKSet(new URL(source.url)), options);
      case 'jwks':
        return new TokenVerifier(createLocalJWKSet(source.jwks), options);
      case 'public-key':
        return new TokenVerifier(await importSPKI(source.pem, source.algorithm), {
          ...options,
          algorithms: options.algorithms ?? [source.algorithm],
        });
    }
  }

  /** Verifies a compact JWT and maps its claims to a {@link Principal}. */
  async verify(token: string, now: number = Date.now()): Promise<TokenVerdict> {
    const cached = this.#cache.get(token);
    if (cached !== undefined) {
      if (now < cached.expiresAt) return { ok: true, principal: cached.principal };
      this.#cache.delete(token);
    }
    let payload: JWTPayload;
    try {
      const options = {
        algorithms: [...(this.#options.algorithms ?? DEFAULT_ALGORITHMS)],
        clockTolerance: this.#options.clockToleranceSeconds ?? 30,
        currentDate: new Date(now),
        ...(this.#options.issuer !== undefined ? { issuer: toArray(this.#options.issuer) } : {}),
        ...(this.#options.audience !== undefined ? { audience: toArray(this.#options.audience) } : {}),
      };
      const key = this.#key;
      ({ payload } =
        typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options));
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : 'token verification failed' };
    }
    const verdict = principalOf(payload);
    // A token without exp is never cached: it is re-verified each call.
    if (verdict.ok && this.#cacheSize > 0 && payload.exp !== undefined) {
      if (this.#cache.size >= this.#cacheSize) {
        const oldest = this.#cache.keys().next();
        if (oldest.done !== true) this.#cache.delete(oldest.value);
      }
      this.#cache.set(token, { principal: verdict.principal, expiresAt: payload.exp * 1000 });
    }
    return verdict;
  }
}

/** Maps verified claims to a {@link Principal}; a user token must name its client. */
export function principalOf(payload: JWTPayload): TokenVerdict {
  const scopes = new Set(scopesOf(payload));
  const named = stringClaim(payload, 'client_id') ?? stringClaim(payload, 'azp');
  const subject = payload.sub;
  if (subject !== undefined && isE164(subject)) {
    if (named === undefined) return { ok: false, reason: 'user token names no client (client_id or azp)' };
    return { ok: true, principal: { kind: 'user', phoneNumber: subject, client: named, scopes } };
  }
  const client = named ?? subject;
  if (client === undefined || client === '')
    return { ok: false, reason: 'token names no client (client_id, azp or sub)' };
  return { ok: true, principal: { kind: 'client', client, scopes } };
}

function scopesOf(payload: JWTPayload): string[] {
  const scope = payload['scope'];
  const scp = payload['scp'];
  const found: string[] = [];
  if (typeof scope === 'string') found.push(...scope.split(' ').filter((s) => s !== ''));
  if (typeof scp === 'string') found.push(...scp.split(' ').filter((s) => s !== ''));
  if (Array.isArray(scp)) for (const s of scp) if (typeof s === 'string') found.push(s);
  return found;
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function toArray(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}
