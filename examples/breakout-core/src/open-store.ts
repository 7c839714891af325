/**
 * Opens the configured registration store: the journalled memory store in
 * the data folder, or Redis (shared by every node pointed at it), with a way
 * to count live registrations per route type for the metrics.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MemoryRegistrationStore, readJournal, RedisRegistrationStore, type RegistrationStore } from '@sipbreakout/registrar';
import { isRouteType, type Registration } from '@sipbreakout/routing';
import type { CoreConfig } from './config-schema.js';
import { CountedRegistrationStore, zeroCounts, type RouteTypeCounts } from './counted-registration-store.js';

/** The Redis store's key prefix (the registrar's default). */
const REDIS_KEY_PREFIX = 'sipbreakout:reg:';
/** A scrape reuses Redis counts this recent, so scrapes do not SCAN continuously. */
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

/** Opens the store `config.store` names. */
export async function openStore(config: CoreConfig, dataDir: string): Promise<OpenedStore> {
  const ttlSeconds = config.store.ttlSeconds;
  if (config.store.kind === 'journal') {
    await mkdir(dataDir, { recursive: true });
    const journalPath = join(dataDir, 'registrations.journal');
    const { store, replay } = await MemoryRegistrationStore.open({ journalPath, ttlSeconds });
    // Opening compacts the journal into a snapshot of the live registrations: count those.
    const snapshot = await readJournal(journalPath);
    const live = new Map<string, Registration>();
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
  let cached: { at: number; counts: RouteTypeCounts } | undefined;
  return {
    store: {
      upsert: (r) => store.upsert(r),
      delete: (r) => store.delete(r),
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
      const now = Date.now();
      if (cached !== undefined && now - cached.at < REDIS_COUNT_CACHE_MS) return cached.counts;
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
      cached = { at: now, counts };
      return counts;
    },
  };
}

/** A Redis URL without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
}
