/**
 * The DNS of the TAS locator: SRV records from the DNS servers (c-ares, as
 * RFC 3263 needs), addresses from the system resolver (getaddrinfo), so that
 * `/etc/hosts` names such as `localhost` resolve as every other program on
 * the machine resolves them.
 */
import { promises as dns } from 'node:dns';
import { NodeDnsLookup, type DnsAnswer, type DnsLookup, type SrvRecord } from '@sipbreakout/sip-core';

/** Seconds an address answer is cached: getaddrinfo returns no TTL. */
const ADDRESS_TTL_SECONDS = 30;

/** SRV over {@link NodeDnsLookup}, A/AAAA over `dns.lookup`. */
export class SystemDnsLookup implements DnsLookup {
  readonly #srv = new NodeDnsLookup();

  srv(name: string): Promise<DnsAnswer<SrvRecord>> {
    return this.#srv.srv(name);
  }

  async addresses(name: string, family: 4 | 6): Promise<DnsAnswer<string>> {
    try {
      const found = await dns.lookup(name, { family, all: true });
      return { records: found.map((a) => a.address), ttl: ADDRESS_TTL_SECONDS };
    } catch {
      // ENOTFOUND, EAI_AGAIN…: no address of this family (RFC 3263 §4.2 moves on).
      return { records: [], ttl: ADDRESS_TTL_SECONDS };
    }
  }
}
