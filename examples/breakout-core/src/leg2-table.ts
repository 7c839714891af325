/**
 * The core's table of the leg 2s it sent (routing's `Leg2Record`), keyed by
 * Session-ID (RFC 7989) and TAS domain, so that an INVITE coming back from
 * that TAS with the same Session-ID is recognized as its leg 3. Entries
 * are forgotten when the call ends or, at the latest, when they expire.
 */
import { normalizeDomain, type Leg2Record } from '@sipbreakout/routing';
import { SystemClock, type Clock } from '@sipbreakout/sip-core';

/** A leg 2 recorded, and when it is forgotten (on the table's clock). */
interface Entry {
  readonly record: Leg2Record;
  readonly expiresAt: number;
}

/** Default lifetime of an entry: long enough for a TAS to ring its users and send leg 3. */
export const DEFAULT_LEG2_RECORD_TTL_MS = 5 * 60_000;

/** Options of {@link Leg2Table}. */
export interface Leg2TableOptions {
  /** How long a record lives at most (default {@link DEFAULT_LEG2_RECORD_TTL_MS}). */
  readonly ttlMs?: number | undefined;
  /** Where the table reads the time (default: a {@link SystemClock}); only differences are used. */
  readonly clock?: Clock | undefined;
}

/** Session-ID + TAS domain → the leg 2 record. */
export class Leg2Table {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(options: Leg2TableOptions = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_LEG2_RECORD_TTL_MS;
    this.#clock = options.clock ?? new SystemClock();
  }

  /** Records a leg 2 before it is sent; returns a function that forgets it. */
  record(record: Leg2Record): () => void {
    this.#sweep();
    const key = keyOf(record.sessionId, record.tasDomain);
    const entry = { record, expiresAt: this.#clock.now() + this.#ttlMs };
    this.#entries.set(key, entry);
    return () => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
  }

  /** The live record of the leg 2 with this Session-ID sent to one of `domains`, and that domain. */
  find(
    sessionId: string,
    domains: readonly string[],
  ): { readonly domain: string; readonly record: Leg2Record } | undefined {
    const now = this.#clock.now();
    for (const domain of domains) {
      const entry = this.#entries.get(keyOf(sessionId, domain));
      if (entry !== undefined && entry.expiresAt > now) return { domain, record: entry.record };
    }
    return undefined;
  }

  /** How many records are held. */
  get size(): number {
    return this.#entries.size;
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}

function keyOf(sessionId: string, domain: string): string {
  return `${sessionId.toLowerCase()} ${normalizeDomain(domain)}`;
}
