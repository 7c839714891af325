/**
 * The DNS queries that server location needs (RFC 3263 §4): SRV, A and
 * AAAA, each with the TTL to cache it for, through Node's
 * `dns.promises.Resolver` (c-ares).
 *
 * TTLs: `resolve4`/`resolve6` with `{ ttl: true }` return each address's
 * TTL, which is used as is. `resolveSrv` returns no TTL at all, so SRV
 * answers are kept for a configured {@link NodeDnsLookupOptions.srvTtl}
 * (default 60 s) instead of writing a DNS client of our own: SRV sets change
 * rarely, a short fixed TTL bounds how stale one can get, and the addresses
 * behind the SRV targets still follow their real TTLs.
 */
import { promises as dns } from 'node:dns';
import { DnsError } from './dns-error.js';
import type { SrvRecord } from './srv-order.js';

/** An answer and how long it may be cached, in seconds. */
export interface DnsAnswer<T> {
  readonly records: readonly T[];
  readonly ttl: number;
}

/** The queries of RFC 3263 §4; an empty answer (NXDOMAIN or no data) is not an error. */
export interface DnsLookup {
  srv(name: string): Promise<DnsAnswer<SrvRecord>>;
  /** A (`4`) or AAAA (`6`) records of `name`. */
  addresses(name: string, family: 4 | 6): Promise<DnsAnswer<string>>;
}

/** Options of {@link NodeDnsLookup}. */
export interface NodeDnsLookupOptions {
  /** DNS servers (`'127.0.0.1:5353'`); default the system's. */
  readonly servers?: readonly string[];
  /** How long to wait for one try (ms). Default 2,000. */
  readonly timeout?: number;
  /** Tries per server. Default 2. */
  readonly tries?: number;
  /** Seconds an SRV answer is cached: Node does not return SRV TTLs. Default 60. */
  readonly srvTtl?: number;
  /** Seconds a negative answer (NXDOMAIN, no data) is cached (RFC 2308). Default 30. */
  readonly negativeTtl?: number;
}

/** What c-ares reports when a name or record type does not exist: a negative answer, not a failure. */
const NEGATIVE = new Set(['ENOTFOUND', 'ENODATA']);

/** {@link DnsLookup} over Node's `dns.promises.Resolver`. */
export class NodeDnsLookup implements DnsLookup {
  readonly #resolver: dns.Resolver;
  readonly #srvTtl: number;
  readonly #negativeTtl: number;

  constructor(options: NodeDnsLookupOptions = {}) {
    this.#resolver = new dns.Resolver({ timeout: options.timeout ?? 2000, tries: options.tries ?? 2 });
    if (options.servers !== undefined) this.#resolver.setServers([...options.servers]);
    this.#srvTtl = options.srvTtl ?? 60;
    this.#negativeTtl = options.negativeTtl ?? 30;
  }

  async srv(name: string): Promise<DnsAnswer<SrvRecord>> {
    try {
      const records = await this.#resolver.resolveSrv(name);
      return {
        records: records.map((r) => ({ priority: r.priority, weight: r.weight, port: r.port, name: r.name })),
        ttl: this.#srvTtl,
      };
    } catch (e) {
      return this.#negative(e, `SRV ${name}`);
    }
  }

  async addresses(name: string, family: 4 | 6): Promise<DnsAnswer<string>> {
    try {
      const records =
        family === 4
          ? await this.#resolver.resolve4(name, { ttl: true })
          : await this.#resolver.resolve6(name, { ttl: true });
      // The answer lives as long as its shortest-lived record.
      const ttl = records.reduce((min, r) => Math.min(min, r.ttl), Number.POSITIVE_INFINITY);
      return { records: records.map((r) => r.address), ttl: Number.isFinite(ttl) ? ttl : this.#negativeTtl };
    } catch (e) {
      return this.#negative(e, `${family === 4 ? 'A' : 'AAAA'} ${name}`);
    }
  }

  #negative<T>(error: unknown, query: string): DnsAnswer<T> {
    const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
    if (typeof code === 'string' && NEGATIVE.has(code)) return { records: [], ttl: this.#negativeTtl };
    const detail = error instanceof Error ? error.message : String(error);
    throw new DnsError('DNS_ERR_SERVER_FAILURE', `${query}: ${detail}`, { cause: error });
  }
}
