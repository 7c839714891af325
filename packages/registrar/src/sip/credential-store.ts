import { createHash } from 'node:crypto';

/** The Digest algorithms the registrar accepts (RFC 7616 §3.2, RFC 8760 §2.1). */
export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** Every {@link DigestAlgorithm}, strongest first. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

/** Hex digest of `text` with a Digest algorithm's hash (RFC 7616 §3.4.1: H(data)). */
export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(text, 'utf8')
    .digest('hex');
}

/** An endpoint (a SIP user of a domain), as kept: the password only as its HA1 digests. */
export interface Endpoint {
  /** The domain, also the Digest realm. */
  readonly domain: string;
  /** The user name (the user part of the address-of-record, and the Digest username). */
  readonly user: string;
  /** A disabled endpoint is refused with 403 even with the right password. */
  readonly enabled: boolean;
  /** HA1 = H(username:realm:password) per algorithm (RFC 7616 §3.4.2). */
  readonly ha1: Readonly<Record<DigestAlgorithm, string>>;
}

/** What {@link CredentialStore.addEndpoint} takes: the password in clear, hashed at once and dropped. */
export interface EndpointInput {
  /** See {@link Endpoint.domain}. */
  readonly domain: string;
  /** See {@link Endpoint.user}. */
  readonly user: string;
  /** Hashed into {@link Endpoint.ha1}, never stored. */
  readonly password: string;
  /** Defaults to true. */
  readonly enabled?: boolean | undefined;
}

/**
 * Domains and their endpoints: where the REGISTER registrar gets credentials.
 * A domain groups endpoints and is the Digest realm; passwords are kept as
 * digests only.
 */
export class CredentialStore {
  readonly #domains = new Map<string, Map<string, Endpoint>>();

  /** Serves a domain (case-insensitive); adding it twice is harmless. */
  addDomain(domain: string): void {
    const key = domain.toLowerCase();
    if (!this.#domains.has(key)) this.#domains.set(key, new Map());
  }

  /** Whether a domain is served. */
  hasDomain(domain: string): boolean {
    return this.#domains.has(domain.toLowerCase());
  }

  /** Adds or replaces an endpoint of a served domain. */
  addEndpoint(input: EndpointInput): Endpoint {
    const endpoints = this.#domains.get(input.domain.toLowerCase());
    if (endpoints === undefined) throw new RangeError(`domain not served: ${input.domain}`);
    const realm = input.domain.toLowerCase();
    const ha1 = {
      MD5: digestHash('MD5', `${input.user}:${realm}:${input.password}`),
      'SHA-256': digestHash('SHA-256', `${input.user}:${realm}:${input.password}`),
    };
    const endpoint: Endpoint = { domain: realm, user: input.user, enabled: input.enabled ?? true, ha1 };
    endpoints.set(input.user, endpoint);
    return endpoint;
  }

  /** Enables or disables an endpoint; false when there is none. */
  setEnabled(domain: string, user: string, enabled: boolean): boolean {
    const endpoints = this.#domains.get(domain.toLowerCase());
    const endpoint = endpoints?.get(user);
    if (endpoints === undefined || endpoint === undefined) return false;
    endpoints.set(user, { ...endpoint, enabled });
    return true;
  }

  /** Removes an endpoint; false when there was none. */
  removeEndpoint(domain: string, user: string): boolean {
    return this.#domains.get(domain.toLowerCase())?.delete(user) ?? false;
  }

  /** The endpoint of a user in a domain, if any. */
  getEndpoint(domain: string, user: string): Endpoint | undefined {
    return this.#domains.get(domain.toLowerCase())?.get(user);
  }
}
