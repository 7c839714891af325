/**
 * A cache of DNS answers that keeps each one for its TTL (RFC 1035 §3.2.1,
 * RFC 2308 for negative answers), on an injected {@link Clock} so tests can
 * expire entries without sleeping. Bounded: the oldest entry goes first when
 * it is full.
 */
import type { Clock } from '../clock.js';

interface CacheEntry<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/** A TTL cache keyed by `TYPE name`. */
export class DnsCache {
  readonly #clock: Clock;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, CacheEntry<unknown>>();

  constructor(clock: Clock, maxEntries = 10_000) {
    this.#clock = clock;
    this.#maxEntries = maxEntries;
  }

  /** How many entries are held (expired ones included until read). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value stored under `key` when its TTL has not run out. */
  get<T>(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#clock.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  /** Stores `value` for `ttlSeconds` (0: not stored). */
  set<T>(key: string, value: T, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt: this.#clock.now() + ttlSeconds * 1000 });
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }
}
