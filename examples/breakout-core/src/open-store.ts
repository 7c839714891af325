/**
 * Opens the configured registration store: the journalled memory store in
 * the data folder, or Redis (shared by every node pointed at it), with a way
 * to count live registrations per route type for the metrics.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  MemoryRegistrationStore,
  readJournal,
  RedisRegistrationStore,
  type RegistrationStore,
} from '@sipbreakout/registrar';
import { isRouteType, type Registration } from '@sipbreakout/routing';
import { SystemClock, type Clock } from '@sipbreakout/sip-core';
import type { CoreConfig } from './config-schema.js';
import { CountedRegistrationStore, zeroCounts, type RouteTypeCounts } from './counted-registration-store.js';

/** The Redis store's key prefix (the registrar's default). */
const REDIS_KEY_PREFIX = 'sipbreakout:reg:';
/**
 * A counter every node sharing the Redis increments after it created or
 * deleted a registration: a node whose cached counts were taken at another
 * value counts again, whichever node made the change. Outside the SCAN
 * pattern.
 */
export const REDIS_CHANGES_KEY = 'sipbreakout:reg-changes';
/**
 * A scrape reuses Redis counts this recent while no node created or deleted
 * a registration, so scrapes do not SCAN continuously; expiries (Redis drops
 * the key, nobody writes) show within this.
 */
const REDIS_COUNT_CACHE_MS = 15_000;

/** An open store, described for the logs and counted for the metrics. */
export interface OpenedStore {
  readonly store: RegistrationStore;
  /** `journal <path>` or `redis <url>`. */
  readonly description: string;
  /** Registrations restored from the journal at start (journal store). */
  readonly restored: number | undefined;
  /** Live registrations per route type. */
  counts(): Promise<RouteTypeCounts>;
}

/** Opens the store `config.store` names; `clock` times how long Redis counts are reused. */
export async function openStore(
  config: CoreConfig,
  dataDir: string,
  clock: Clock = new SystemClock(),
): Promise<OpenedStore> {
  const ttlSeconds = config.store.ttlSeconds;
  if (config.store.kind === 'journal') {
    await mkdir(dataDir, { recursive: true });
    const journalPath = join(dataDir, 'registrations.journal');
    const { store, replay } = await MemoryRegistrationStore.open({ journalPath, ttlSeconds });
    // Opening compacts the journal into a snapshot of the live registrations: count those.
    const snapshot = await readJournal(journalPath);
    const live = new Map<string, Registration>();
    // Expiry instants are ms since the epoch, as the store wrote them: the wall clock, not the injected (monotonic) one.
    const now = Date.now();
    for (const record of snapshot.records) {
      if (record.op === 'put' && record.registration.expiresAt > now) {
        live.set(`${record.registration.phoneNumber} ${record.registration.routeType}`, record.registration);
      }
    }
    const counted = new CountedRegistrationStore(store, live.values());
    return {
      store: counted,
      description: `journal ${journalPath}`,
      restored: replay.restored,
      counts: () => Promise.resolve(counted.counts()),
    };
  }

  const client = new Redis(config.store.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  // ioredis reports connection trouble as events; the store's calls reject, which is what /healthz reads.
  client.on('error', () => undefined);
  await client.connect();
  const store = new RedisRegistrationStore({ client, keyPrefix: REDIS_KEY_PREFIX, ttlSeconds });
  await store.ready();
  let cached: { at: number; changes: string | null; counts: RouteTypeCounts } | undefined;
  // After the write, before the API answers, so a scrape on any node after the answer counts afresh.
  // The write is done and durable: a failed increment only leaves counts cached up to REDIS_COUNT_CACHE_MS.
  const changed = (): Promise<void> =>
    client.incr(REDIS_CHANGES_KEY).then(
      () => undefined,
      () => undefined,
    );
  return {
    store: {
      upsert: async (r) => {
        const outcome = await store.upsert(r);
        // A refresh or replacement keeps the number and route type: the counts did not move.
        if (outcome.kind === 'created') await changed();
        return outcome;
      },
      delete: async (r) => {
        const removed = await store.delete(r);
        await changed();
        return removed;
      },
      lookup: (n) => store.lookup(n),
      get: (n, t) => store.get(n, t),
      onExpired: (l) => store.onExpired(l),
      close: async () => {
        await store.close();
        client.disconnect();
      },
    },
    description: `redis ${redactUrl(config.store.redisUrl)}`,
    restored: undefined,
    counts: async () => {
      const now = clock.now();
      // Read before the SCAN: a change during it makes the next scrape count again.
      // Unreadable (Redis away): the cache as it stands, while it is recent.
      const changes = await client.get(REDIS_CHANGES_KEY).catch(() => undefined);
      const unchanged = changes === undefined || changes === cached?.changes;
      if (cached !== undefined && unchanged && now - cached.at < REDIS_COUNT_CACHE_MS) return cached.counts;
      const counts = zeroCounts();
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${REDIS_KEY_PREFIX}*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          const routeType = key.slice(key.lastIndexOf(':') + 1);
          if (isRouteType(routeType)) counts[routeType]++;
        }
      } while (cursor !== '0');
      cached = { at: now, changes: changes ?? null, counts };
      return counts;
    },
  };
}

/** A Redis URL without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
}
