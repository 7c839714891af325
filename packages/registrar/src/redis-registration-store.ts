import { Redis, type RedisOptions } from 'ioredis';
import { ROUTE_TYPES, isActive, isRouteType, type Registration, type RouteType } from '@sipbreakout/routing';
import { SystemClock, type Clock } from '@sipbreakout/sip-core/clock';
import { RegistrarError } from './registrar-error.js';
import { registrationFromStored, storedFields } from './stored-registration.js';
import type { RegistrationExpired, RegistrationStore } from './registration-store.js';
import {
  DEFAULT_TTL_SECONDS,
  decideDelete,
  decideUpsert,
  type Decision,
  type DeleteRequest,
  type UpsertOutcome,
  type UpsertRequest,
} from './registration-rules.js';

/** Options of {@link RedisRegistrationStore}. */
export interface RedisStoreOptions {
  /** The client; the store does not close it (see {@link RedisRegistrationStore.connect} for one it owns). */
  readonly client: Redis;
  /** Prefix of every key; defaults to `sipbreakout:reg:`. Nodes sharing registrations use the same one. */
  readonly keyPrefix?: string | undefined;
  /** Where time comes from (expiry instants are computed from its wall clock); defaults to a `SystemClock`. */
  readonly clock?: Clock | undefined;
  /** Lifetime after each upsert, in seconds; defaults to {@link DEFAULT_TTL_SECONDS}. */
  readonly ttlSeconds?: number | undefined;
  /**
   * Subscribe to Redis's `expired` key events to emit {@link RegistrationStore.onExpired}
   * (the server needs `notify-keyspace-events Ex`); defaults to false.
   */
  readonly expiryEvents?: boolean | undefined;
  /** How many times a write is retried when another node changed the number meanwhile; defaults to 32. */
  readonly maxAttempts?: number | undefined;
}

// Compare-and-set over the six keys of one number: the write happens only if
// none changed since the node read them, so the coexistence decision (made in
// TypeScript by routing's rules) holds across nodes. Redis runs a script
// atomically. KEYS: the number's keys in ROUTE_TYPES order; ARGV[1..n]: their
// values as read ('' when absent); then the index of the key to change, the
// operation, the value and the PXAT instant.
const COMPARE_AND_SET = `
local n = #KEYS
for i = 1, n do
  local v = redis.call('GET', KEYS[i])
  if (v or '') ~= ARGV[i] then return 0 end
end
local key = KEYS[tonumber(ARGV[n + 1])]
if ARGV[n + 2] == 'set' then
  redis.call('SET', key, ARGV[n + 3], 'PXAT', ARGV[n + 4])
else
  redis.call('DEL', key)
end
return 1
`;

/**
 * The distributed store: registrations live in Redis, one key per number and
 * route type, each expiring by itself (`SET … PXAT expiresAt`), so several
 * core nodes sharing one Redis see the same registrations, and a change made
 * through one node is seen by a lookup through another at once. A lookup is
 * one `MGET` of the number's six keys.
 */
export class RedisRegistrationStore implements RegistrationStore {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #ttlSeconds: number;
  readonly #maxAttempts: number;
  readonly #listeners = new Set<(event: RegistrationExpired) => void>();
  #subscriber: Redis | undefined;
  #ready: Promise<void> | undefined;
  #closed = false;

  /** A store over a client the caller owns. */
  constructor(options: RedisStoreOptions, ownsClient = false) {
    this.#client = options.client;
    this.#ownsClient = ownsClient;
    this.#prefix = options.keyPrefix ?? 'sipbreakout:reg:';
    this.#clock = options.clock ?? new SystemClock();
    this.#ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.#maxAttempts = options.maxAttempts ?? 32;
    if (!(this.#ttlSeconds > 0)) throw new RangeError(`ttlSeconds must be positive: ${this.#ttlSeconds}`);
    if (options.expiryEvents === true) this.#ready = this.#subscribe();
  }

  /** Connects a client of its own (closed by {@link RedisRegistrationStore.close}) and waits until it is ready. */
  static async connect(
    connection: RedisOptions,
    options: Omit<RedisStoreOptions, 'client'> = {},
  ): Promise<RedisRegistrationStore> {
    const client = new Redis({ ...connection, lazyConnect: true });
    await client.connect();
    const store = new RedisRegistrationStore({ ...options, client }, true);
    await store.#ready;
    return store;
  }

  /** Resolves once the expiry subscription (if any) is in place. */
  async ready(): Promise<void> {
    await this.#ready;
  }

  /** See {@link RegistrationStore.upsert}. */
  upsert(request: UpsertRequest): Promise<UpsertOutcome> {
    return this.#compareAndSet(request.phoneNumber, (existing, now) => {
      const decision = decideUpsert(existing, request, now, this.#ttlSeconds);
      if (!decision.ok) return decision;
      const { registration } = decision.value;
      return { ok: true, value: { result: decision.value, routeType: registration.routeType, write: registration } };
    });
  }

  /** See {@link RegistrationStore.delete}. */
  delete(request: DeleteRequest): Promise<Registration> {
    return this.#compareAndSet(request.phoneNumber, (existing, now) => {
      const decision = decideDelete(existing, request, now);
      if (!decision.ok) return decision;
      return { ok: true, value: { result: decision.value, routeType: request.routeType, write: undefined } };
    });
  }

  /** See {@link RegistrationStore.lookup}. */
  async lookup(phoneNumber: string): Promise<readonly Registration[]> {
    const { registrations } = await this.#read(phoneNumber);
    const now = this.#clock.wallNow();
    // Redis drops a key at its PXAT; the check here keeps the store's clock the authority in between.
    return registrations.filter((registration) => isActive(registration, now));
  }

  /** See {@link RegistrationStore.get}. */
  async get(phoneNumber: string, routeType: RouteType): Promise<Registration | undefined> {
    this.#assertOpen();
    const raw = await this.#call(() => this.#client.get(this.#key(phoneNumber, routeType)));
    const registration = raw === null ? undefined : decodeRegistration(phoneNumber, routeType, raw);
    return registration !== undefined && isActive(registration, this.#clock.wallNow()) ? registration : undefined;
  }

  /** See {@link RegistrationStore.onExpired}; needs `expiryEvents: true`. */
  onExpired(listener: (event: RegistrationExpired) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** See {@link RegistrationStore.close}. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    await this.#ready?.catch(() => undefined);
    if (this.#subscriber !== undefined) await this.#subscriber.quit().catch(() => undefined);
    if (this.#ownsClient) await this.#client.quit().catch(() => undefined);
  }

  async #compareAndSet<T>(
    phoneNumber: string,
    decide: (
      existing: readonly Registration[],
      now: number,
    ) => Decision<{ result: T; routeType: RouteType; write: Registration | undefined }>,
  ): Promise<T> {
    this.#assertOpen();
    const keys = ROUTE_TYPES.map((routeType) => this.#key(phoneNumber, routeType));
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      const { registrations, raw } = await this.#read(phoneNumber);
      const decision = decide(registrations, this.#clock.wallNow());
      if (!decision.ok) throw decision.error;
      const { result, routeType, write } = decision.value;
      const args: Array<string | number> = raw.map((value) => value ?? '');
      args.push(ROUTE_TYPES.indexOf(routeType) + 1);
      if (write !== undefined) args.push('set', encodeRegistration(write), write.expiresAt);
      else args.push('del', '', 0);
      const applied = await this.#call(() => this.#client.eval(COMPARE_AND_SET, keys.length, ...keys, ...args));
      if (applied === 1) return result;
    }
    throw new RegistrarError('REG_ERR_CONTENTION', `${phoneNumber} changed under ${this.#maxAttempts} attempts`);
  }

  async #read(phoneNumber: string): Promise<{ registrations: Registration[]; raw: Array<string | null> }> {
    this.#assertOpen();
    const keys = ROUTE_TYPES.map((routeType) => this.#key(phoneNumber, routeType));
    const raw = await this.#call(() => this.#client.mget(...keys));
    const registrations: Registration[] = [];
    raw.forEach((value, index) => {
      if (value === null) return;
      const registration = decodeRegistration(phoneNumber, ROUTE_TYPES[index] as RouteType, value);
      if (registration !== undefined) registrations.push(registration);
    });
    return { registrations, raw };
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new RegistrarError('REG_ERR_STORE_FAILED', `redis: ${(error as Error).message}`, { cause: error });
    }
  }

  #key(phoneNumber: string, routeType: RouteType): string {
    // The hash tag {number} keeps a number's keys in one Redis Cluster slot, as a script needs.
    return `${this.#prefix}{${phoneNumber}}:${routeType}`;
  }

  async #subscribe(): Promise<void> {
    const subscriber = this.#client.duplicate();
    this.#subscriber = subscriber;
    const db = this.#client.options.db ?? 0;
    const channel = `__keyevent@${db}__:expired`;
    subscriber.on('message', (from: string, key: string) => {
      if (from !== channel || !key.startsWith(this.#prefix)) return;
      const match = /^\{(.+)\}:([A-Z_]+)$/.exec(key.slice(this.#prefix.length));
      if (match === null) return;
      const routeType = match[2] as string;
      if (!isRouteType(routeType)) return;
      const event: RegistrationExpired = { phoneNumber: match[1] as string, routeType, registration: undefined };
      for (const listener of this.#listeners) listener(event);
    });
    await subscriber.subscribe(channel);
  }

  #assertOpen(): void {
    if (this.#closed) throw new RegistrarError('REG_ERR_STORE_CLOSED', 'the store is closed');
  }
}

function encodeRegistration(registration: Registration): string {
  return JSON.stringify(storedFields(registration));
}

function decodeRegistration(phoneNumber: string, routeType: RouteType, raw: string): Registration | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(raw);
  } catch {
    return undefined;
  }
  return Array.isArray(fields) ? registrationFromStored(phoneNumber, routeType, fields) : undefined;
}
