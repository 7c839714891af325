import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  parseUri,
  serializeAuthValue,
  serializeUri,
  uriEquals,
  type Credentials,
  type SipRequest,
  type Uri,
} from '@sipbreakout/sip-core';
import { RegistrarError } from '../registrar-error.js';
import {
  DIGEST_ALGORITHMS,
  digestHash,
  type CredentialStore,
  type DigestAlgorithm,
  type Endpoint,
} from './credential-store.js';

/** Options of {@link DigestAuthenticator}. */
export interface DigestAuthenticatorOptions {
  /** The HMAC key nonces are bound to; nodes sharing it accept each other's nonces. At least 16 bytes. */
  readonly secret: Uint8Array;
  /** How long a nonce is accepted, in ms; defaults to 300,000. After that: `stale=true`. */
  readonly nonceLifetimeMs?: number | undefined;
  /** Algorithms offered, one challenge each, in this order; defaults to SHA-256 then MD5 (RFC 8760 §2.4). */
  readonly algorithms?: readonly DigestAlgorithm[] | undefined;
  /** The most nonces whose nonce-count is tracked at once; defaults to 100,000. */
  readonly maxTrackedNonces?: number | undefined;
}

/** The outcome of {@link DigestAuthenticator.verify}. */
export type DigestVerdict =
  | { readonly ok: true; readonly endpoint: Endpoint }
  | { readonly ok: false; readonly error: RegistrarError; readonly stale: boolean };

// A nonce is base64url(issued-at (8 bytes, ms) | 8 random bytes | HMAC-SHA-256(secret, both | realm) truncated to 16).
const NONCE_BYTES = 32;

/**
 * Digest authentication of requests (RFC 7616 as used by SIP, RFC 3261 §22.4
 * and RFC 8760): MD5 and SHA-256, qop=auth only. Nonces are stateless: they
 * carry their issue time and an HMAC over it and the realm, so any node with
 * the secret can check them and none needs to remember what it issued. The
 * only state is the highest nonce-count seen per nonce, to refuse replays.
 */
export class DigestAuthenticator {
  readonly #secret: Uint8Array;
  readonly #lifetimeMs: number;
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #maxTracked: number;
  /** Highest nonce-count seen per nonce, oldest first; entries go once their nonce is past its lifetime. */
  readonly #counts = new Map<string, { nc: number; issuedAt: number }>();

  constructor(options: DigestAuthenticatorOptions) {
    if (options.secret.length < 16) throw new RangeError('the nonce secret needs at least 16 bytes');
    this.#secret = options.secret;
    this.#lifetimeMs = options.nonceLifetimeMs ?? 300_000;
    this.#algorithms = options.algorithms ?? DIGEST_ALGORITHMS;
    this.#maxTracked = options.maxTrackedNonces ?? 100_000;
  }

  /** A fresh nonce for `realm`, issued at `now`. */
  createNonce(realm: string, now: number): string {
    const body = Buffer.alloc(16);
    body.writeBigUInt64BE(BigInt(Math.floor(now)), 0);
    randomBytes(8).copy(body, 8);
    return Buffer.concat([body, this.#mac(body, realm)]).toString('base64url');
  }

  /** WWW-Authenticate values, one per algorithm (RFC 8760 §2.4: preferred first). */
  challenges(realm: string, now: number, stale: boolean): string[] {
    const nonce = this.createNonce(realm, now);
    return this.#algorithms.map((algorithm) => {
      const params = new Map<string, string>([
        ['realm', realm],
        ['nonce', nonce],
        ['algorithm', algorithm],
        ['qop', 'auth'],
      ]);
      // RFC 7616 §3.3: stale=true says the credentials were right and only the nonce is old.
      if (stale) params.set('stale', 'true');
      return serializeAuthValue({ scheme: 'Digest', params }, { challenge: true });
    });
  }

  /**
   * Checks the request's Digest credentials for `realm` against the
   * credential store at `now`. Refusals say whether the nonce was only stale.
   */
  verify(request: SipRequest, realm: string, credentials: CredentialStore, now: number): DigestVerdict {
    let all: readonly Credentials[];
    try {
      all = request.authorization;
    } catch {
      return refuse('REG_ERR_BAD_REQUEST', 'malformed Authorization header');
    }
    // RFC 3261 §22.4: the credentials for our realm, among any others. The realm must be the one
    // challenged, as sent: it is hashed into HA1 and the nonce's HMAC, so another spelling cannot verify.
    const offered = all.find((c) => c.scheme.toLowerCase() === 'digest' && c.params.get('realm') === realm);
    if (offered === undefined) return refuse('REG_ERR_UNAUTHORIZED', `no Digest credentials for realm ${realm}`);
    const p = offered.params;
    const username = p.get('username');
    const nonce = p.get('nonce');
    const uri = p.get('uri');
    const response = p.get('response');
    const algorithmName = p.get('algorithm') ?? 'MD5'; // RFC 7616 §3.4: absent means MD5
    const algorithm = this.#algorithms.find((a) => a.toLowerCase() === algorithmName.toLowerCase());
    if (username === undefined || nonce === undefined || uri === undefined || response === undefined) {
      return refuse('REG_ERR_BAD_REQUEST', 'Digest credentials without username, nonce, uri or response');
    }
    // RFC 7616 §3.4.6 / RFC 3261 §22.4: the digest-uri must be the Request-URI; a mismatch is 400.
    if (!sameRequestUri(uri, request.uri)) {
      return refuse('REG_ERR_BAD_REQUEST', `Digest uri ${uri} is not the Request-URI ${serializeUri(request.uri)}`);
    }
    // An algorithm not offered (MD5-sess, SHA-512-256, …) gets a new challenge listing those that are.
    if (algorithm === undefined) return refuse('REG_ERR_UNAUTHORIZED', `algorithm ${algorithmName} not offered`);
    // Only qop=auth is offered: auth-int is not, and RFC 2069 compatibility (no qop) would allow replays.
    if (p.get('qop') !== 'auth')
      return refuse('REG_ERR_UNAUTHORIZED', `qop=${p.get('qop') ?? '(none)'} refused, qop=auth is required`);
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    if (nc === undefined || !/^[0-9a-fA-F]{8}$/.test(nc) || cnonce === undefined) {
      return refuse('REG_ERR_BAD_REQUEST', 'qop=auth without a valid nc or cnonce');
    }
    const issuedAt = this.#checkNonce(nonce, realm);
    if (issuedAt === undefined) return refuse('REG_ERR_UNAUTHORIZED', 'nonce not issued by this server');
    const endpoint = credentials.getEndpoint(realm, username);
    if (endpoint === undefined) return refuse('REG_ERR_UNAUTHORIZED', `unknown user ${username}`);
    const ha2 = digestHash(algorithm, `${request.method}:${uri}`);
    const expected = digestHash(algorithm, `${endpoint.ha1[algorithm]}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    if (!sameText(expected, response.toLowerCase())) return refuse('REG_ERR_UNAUTHORIZED', 'wrong Digest response');
    // Checked only once the response is right: a stale nonce with good credentials gets stale=true.
    if (now - issuedAt >= this.#lifetimeMs || issuedAt > now + 60_000) {
      return { ok: false, error: new RegistrarError('REG_ERR_STALE_NONCE', 'nonce expired'), stale: true };
    }
    if (!endpoint.enabled) return refuse('REG_ERR_FORBIDDEN', `endpoint ${username}@${realm} is disabled`);
    const count = parseInt(nc, 16);
    const seen = this.#counts.get(nonce);
    // RFC 7616 §3.4.5: the nonce-count must increase; a repeat is a replay.
    if (seen !== undefined && count <= seen.nc) {
      return refuse('REG_ERR_NONCE_REPLAY', `nonce-count ${nc} already seen for this nonce`);
    }
    this.#track(nonce, count, issuedAt, now);
    return { ok: true, endpoint };
  }

  #track(nonce: string, nc: number, issuedAt: number, now: number): void {
    this.#counts.delete(nonce);
    this.#counts.set(nonce, { nc, issuedAt });
    for (const [key, entry] of this.#counts) {
      if (this.#counts.size <= this.#maxTracked && now - entry.issuedAt < this.#lifetimeMs) break;
      this.#counts.delete(key);
    }
  }

  /** The issue time of a nonce this server made for `realm`, or undefined. */
  #checkNonce(nonce: string, realm: string): number | undefined {
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== NONCE_BYTES || bytes.toString('base64url') !== nonce) return undefined;
    const body = bytes.subarray(0, 16);
    if (!timingSafeEqual(bytes.subarray(16), this.#mac(body, realm))) return undefined;
    return Number(body.readBigUInt64BE(0));
  }

  #mac(body: Buffer, realm: string): Buffer {
    return createHmac('sha256', this.#secret).update(body).update(realm, 'utf8').digest().subarray(0, 16);
  }
}

function refuse(
  code: 'REG_ERR_BAD_REQUEST' | 'REG_ERR_UNAUTHORIZED' | 'REG_ERR_FORBIDDEN' | 'REG_ERR_NONCE_REPLAY',
  detail: string,
): DigestVerdict {
  return { ok: false, error: new RegistrarError(code, detail), stale: false };
}

/**
 * Whether the credentials' `uri` names the Request-URI: compared as URIs (RFC
 * 3261 §19.1.4 for SIP URIs) when it parses, else as text. Clients write it
 * as the Request-URI they sent, but not always with the same spelling.
 */
function sameRequestUri(digestUri: string, requestUri: Uri): boolean {
  const parsed = parseUri(digestUri);
  return parsed.ok ? uriEquals(parsed.uri, requestUri) : digestUri === serializeUri(requestUri);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
