/**
 * A {@link RegistrationStore} that keeps the number of live registrations
 * per route type, for the `sipbreakout_registrations` gauge of a store that
 * cannot be enumerated (the journalled memory store). Counts start from the
 * journal's snapshot and follow every create, delete and expiry.
 */
import type {
  DeleteRequest,
  RegistrationExpired,
  RegistrationStore,
  UpsertOutcome,
  UpsertRequest,
} from '@sipbreakout/registrar';
import { ROUTE_TYPES, type Registration, type RouteType } from '@sipbreakout/routing';

/** Live registrations per route type. */
export type RouteTypeCounts = Record<RouteType, number>;

/** Zero for every route type. */
export function zeroCounts(): RouteTypeCounts {
  return Object.fromEntries(ROUTE_TYPES.map((t) => [t, 0])) as RouteTypeCounts;
}

/** Wraps a store and counts its live registrations per route type. */
export class CountedRegistrationStore implements RegistrationStore {
  readonly #inner: RegistrationStore;
  readonly #counts: RouteTypeCounts;
  readonly #unsubscribe: () => void;

  /** `initial`: the registrations live when the store was opened (its replayed snapshot). */
  constructor(inner: RegistrationStore, initial: Iterable<Registration>) {
    this.#inner = inner;
    this.#counts = zeroCounts();
    for (const registration of initial) this.#counts[registration.routeType]++;
    this.#unsubscribe = inner.onExpired((event) => this.#decrement(event.routeType));
  }

  /** The current counts (a copy). */
  counts(): RouteTypeCounts {
    return { ...this.#counts };
  }

  async upsert(request: UpsertRequest): Promise<UpsertOutcome> {
    const outcome = await this.#inner.upsert(request);
    // A refresh or replace keeps the number and route type: only a creation adds one.
    if (outcome.kind === 'created') this.#counts[outcome.registration.routeType]++;
    return outcome;
  }

  async delete(request: DeleteRequest): Promise<Registration> {
    const removed = await this.#inner.delete(request);
    this.#decrement(removed.routeType);
    return removed;
  }

  lookup(phoneNumber: string): Promise<readonly Registration[]> {
    return this.#inner.lookup(phoneNumber);
  }

  get(phoneNumber: string, routeType: RouteType): Promise<Registration | undefined> {
    return this.#inner.get(phoneNumber, routeType);
  }

  onExpired(listener: (event: RegistrationExpired) => void): () => void {
    return this.#inner.onExpired(listener);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await this.#inner.close();
  }

  #decrement(routeType: RouteType): void {
    this.#counts[routeType] = Math.max(0, this.#counts[routeType] - 1);
  }
}
