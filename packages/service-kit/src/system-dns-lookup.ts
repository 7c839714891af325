/**
 * The DNS of a server locator (RFC 3263) in a program: SRV records from the
 * DNS servers (c-ares, as RFC 3263 needs), addresses from the system
 * resolver (getaddrinfo), so that `/etc/hosts` names such as `localhost`
 * resolve as every other program on the machine resolves them. With
 * configured DNS servers (the core's `dns.servers`),
 * SRV goes to them, and so do A/AAAA first: an SRV target in their zone
 * resolves there, and a name they do not hold still resolves as the
 * machine resolves it.
 */
import { promises as dns } from 'node:dns';
import { NodeDnsLookup, type DnsAnswer, type DnsLookup, type SrvRecord } from '@sipbreakout/sip-core';

/** Seconds an address answer is cached: getaddrinfo returns no TTL. */
const ADDRESS_TTL_SECONDS = 30;

/** Options of {@link SystemDnsLookup}. */
export interface SystemDnsLookupOptions {
  /** DNS servers (`'127.0.0.1:5353'`, `'[::1]:53'`); the system's when omitted. */
  readonly servers?: readonly string[] | undefined;
}

/** SRV over {@link NodeDnsLookup}, A/AAAA over `dns.lookup` (after the configured servers, when there are some). */
export class SystemDnsLookup implements DnsLookup {
  readonly #dns: NodeDnsLookup;
  readonly #configuredServers: boolean;

  constructor(options: SystemDnsLookupOptions = {}) {
    this.#configuredServers = options.servers !== undefined;
    this.#dns = new NodeDnsLookup(options.servers === undefined ? {} : { servers: options.servers });
  }

  srv(name: string): Promise<DnsAnswer<SrvRecord>> {
    return this.#dns.srv(name);
  }

  async addresses(name: string, family: 4 | 6): Promise<DnsAnswer<string>> {
    if (this.#configuredServers) {
      try {
        const answer = await this.#dns.addresses(name, family);
        if (answer.records.length > 0) return answer;
      } catch {
        // DNS_ERR_SERVER_FAILURE: the system resolver below may still know the name.
      }
    }
    try {
      const found = await dns.lookup(name, { family, all: true });
      return { records: found.map((a) => a.address), ttl: ADDRESS_TTL_SECONDS };
    } catch {
      // ENOTFOUND, EAI_AGAIN…: no address of this family (RFC 3263 §4.2 moves on).
      return { records: [], ttl: ADDRESS_TTL_SECONDS };
    }
  }
}
