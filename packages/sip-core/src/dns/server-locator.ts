/**
 * Locating SIP servers for a `sips:` URI (RFC 3263 §4, with TLS as RFC 5630
 * and RFC 5922 require): the targets to try, in order, one at a time, so the
 * caller moves to the next on a transport error, a timeout or a 503
 * (RFC 3263 §4.3). Answers are cached within their TTL on an injected clock.
 */
import { isIP } from 'node:net';
import { SystemClock, type Clock } from '../clock.js';
import { type SipUri, type Uri, parseUri } from '../uri.js';
import type { Destination } from '../transport/transport.js';
import { DnsCache } from './dns-cache.js';
import { DnsError } from './dns-error.js';
import type { DnsAnswer, DnsLookup } from './dns-lookup.js';
import { type RandomSource, type SrvRecord, orderSrvRecords } from './srv-order.js';

/** The default port of SIP over TLS (RFC 3261 §19.1.2). */
const SIPS_DEFAULT_PORT = 5061;

/** One place to send to: always TLS, with the SIP domain the certificate must name (RFC 5922 §7.2). */
export interface ServerTarget extends Destination {
  readonly protocol: 'TLS';
  /** An IP address. */
  readonly host: string;
  readonly port: number;
  /** The domain of the URI, never the SRV target (RFC 5922 §4.1, §7.2). */
  readonly serverName: string;
  /** How the target was found. */
  readonly via: 'srv-sips' | 'srv-sip' | 'address' | 'ip';
}

/** Options of {@link ServerLocator}. */
export interface ServerLocatorOptions {
  /** Where the queries go (a {@link NodeDnsLookup} pointed at the servers to use). */
  readonly lookup: DnsLookup;
  /** The clock of the cache. Default the system clock. */
  readonly clock?: Clock;
  /** The random source of the RFC 2782 weighted draw. Default `Math.random`. */
  readonly random?: RandomSource;
  /** Address families to look up, in the order their addresses are tried. Default `[4, 6]`. */
  readonly families?: readonly (4 | 6)[];
  /** Most answers cached. Default 10,000. */
  readonly maxCacheEntries?: number;
}

/** RFC 3263 §4 server location for `sips:` URIs. */
export class ServerLocator {
  readonly #lookup: DnsLookup;
  readonly #random: RandomSource;
  readonly #families: readonly (4 | 6)[];
  readonly #cache: DnsCache;
  /** How many queries went to the DNS (cache misses), by `TYPE name`. */
  readonly queries = new Map<string, number>();

  constructor(options: ServerLocatorOptions) {
    this.#lookup = options.lookup;
    this.#random = options.random ?? Math.random;
    this.#families = options.families ?? [4, 6];
    this.#cache = new DnsCache(options.clock ?? new SystemClock(), options.maxCacheEntries);
  }

  /**
   * The targets for `uri`, in the order to try them. Lazily resolved: an SRV
   * target's addresses are looked up only when the caller gets that far.
   * Throws `DNS_ERR_BAD_URI`, `DNS_ERR_NOT_FOUND` (nothing at all),
   * `DNS_ERR_SERVICE_UNAVAILABLE` (SRV target ".") or `DNS_ERR_SERVER_FAILURE`.
   */
  async *targets(uri: Uri | string): AsyncGenerator<ServerTarget, void, undefined> {
    const sips = toSipsUri(uri);
    // RFC 3263 §4: maddr, when present, is what is resolved.
    const maddr = sips.params.get('maddr');
    const rawHost = typeof maddr === 'string' && maddr !== '' ? maddr : sips.host;
    const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
    const domain = host.toLowerCase().replace(/\.$/, '');
    if (isIP(host) !== 0) {
      // RFC 3263 §4.2: a numeric IP address is used as is, on the port given or the default.
      yield { protocol: 'TLS', host, port: sips.port ?? SIPS_DEFAULT_PORT, serverName: host, via: 'ip' };
      return;
    }
    let yielded = 0;
    if (sips.port !== undefined) {
      // RFC 3263 §4.2: with a port, no SRV: A/AAAA of the host.
      for await (const t of this.#addressTargets(domain, sips.port, domain, 'address')) {
        yielded++;
        yield t;
      }
      if (yielded === 0) throw new DnsError('DNS_ERR_NOT_FOUND', `no A or AAAA record for ${domain}`);
      return;
    }
    // RFC 3263 §4.2 / RFC 5630 §3.1.3: SRV _sips._tcp first; a domain that only
    // publishes _sip._tcp is still reached over TLS; then A/AAAA on 5061.
    for (const [service, via] of [
      ['_sips._tcp', 'srv-sips'],
      ['_sip._tcp', 'srv-sip'],
    ] as const) {
      const records = (await this.#srv(`${service}.${domain}`)).records;
      if (records.length === 0) continue;
      if (records.length === 1 && (records[0]!.name === '' || records[0]!.name === '.')) {
        throw new DnsError('DNS_ERR_SERVICE_UNAVAILABLE', `${service}.${domain} has the target "."`);
      }
      for (const record of orderSrvRecords(records, this.#random)) {
        for await (const t of this.#addressTargets(record.name.toLowerCase(), record.port, domain, via)) {
          yielded++;
          yield t;
        }
      }
      if (yielded === 0)
        throw new DnsError('DNS_ERR_NOT_FOUND', `no address for the SRV targets of ${service}.${domain}`);
      return;
    }
    for await (const t of this.#addressTargets(domain, SIPS_DEFAULT_PORT, domain, 'address')) {
      yielded++;
      yield t;
    }
    if (yielded === 0) throw new DnsError('DNS_ERR_NOT_FOUND', `no SRV, A or AAAA record for ${domain}`);
  }

  /** Every target of `uri`, in order (resolves all SRV targets at once). */
  async locate(uri: Uri | string): Promise<ServerTarget[]> {
    const out: ServerTarget[] = [];
    for await (const t of this.targets(uri)) out.push(t);
    return out;
  }

  /** Forgets every cached answer. */
  clearCache(): void {
    this.#cache.clear();
  }

  async *#addressTargets(
    name: string,
    port: number,
    serverName: string,
    via: ServerTarget['via'],
  ): AsyncGenerator<ServerTarget, void, undefined> {
    for (const family of this.#families) {
      const answer = await this.#cached(`${family === 4 ? 'A' : 'AAAA'} ${name}`, () =>
        this.#lookup.addresses(name, family),
      );
      for (const address of answer.records) yield { protocol: 'TLS', host: address, port, serverName, via };
    }
  }

  #srv(name: string): Promise<DnsAnswer<SrvRecord>> {
    return this.#cached(`SRV ${name}`, () => this.#lookup.srv(name));
  }

  async #cached<T>(key: string, query: () => Promise<DnsAnswer<T>>): Promise<DnsAnswer<T>> {
    const hit = this.#cache.get<DnsAnswer<T>>(key);
    if (hit !== undefined) return hit;
    this.queries.set(key, (this.queries.get(key) ?? 0) + 1);
    const answer = await query();
    this.#cache.set(key, answer, answer.ttl);
    return answer;
  }
}

function toSipsUri(uri: Uri | string): SipUri {
  let parsed: Uri;
  if (typeof uri === 'string') {
    const r = parseUri(uri);
    if (!r.ok) throw new DnsError('DNS_ERR_BAD_URI', `${uri}: ${r.error.message}`);
    parsed = r.uri;
  } else {
    parsed = uri;
  }
  if (parsed.kind !== 'sip' || parsed.scheme !== 'sips')
    throw new DnsError('DNS_ERR_BAD_URI', 'only sips: URIs are located here (RFC 3263 §4 with TLS)');
  if (parsed.host === '') throw new DnsError('DNS_ERR_BAD_URI', 'the URI has no host');
  return parsed;
}
