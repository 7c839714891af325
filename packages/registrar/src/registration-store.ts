import type { Registration, RouteType } from '@sipbreakout/routing';
import type { DeleteRequest, UpsertOutcome, UpsertRequest } from './registration-rules.js';

/** Emitted when a registration's time is up. */
export interface RegistrationExpired {
  /** The number. */
  readonly phoneNumber: string;
  /** The route type. */
  readonly routeType: RouteType;
  /**
   * The registration that expired, when the store still knows it (the memory
   * store always; the Redis store never: Redis has dropped the value).
   */
  readonly registration: Registration | undefined;
}

/**
 * Where virtual registrations live. Every store enforces the same rules (the
 * pure {@link decideUpsert} and {@link decideDelete}) and passes the same
 * contract test suite. Refusals reject with a {@link RegistrarError}.
 */
export interface RegistrationStore {
  /**
   * Adds, replaces or refreshes a registration; it expires at now + TTL. The
   * promise resolves once the write is durable (journalled and fsynced, or
   * acknowledged by Redis).
   */
  upsert(request: UpsertRequest): Promise<UpsertOutcome>;
  /** Removes a registration; resolves with it once the removal is durable. */
  delete(request: DeleteRequest): Promise<Registration>;
  /** Every live registration of a number (none once expired, even before a sweep). O(1). */
  lookup(phoneNumber: string): Promise<readonly Registration[]>;
  /** The live registration of one number and route type, if any. */
  get(phoneNumber: string, routeType: RouteType): Promise<Registration | undefined>;
  /** Calls `listener` for every registration that expires; returns the unsubscribe function. */
  onExpired(listener: (event: RegistrationExpired) => void): () => void;
  /** Flushes what is pending and releases files, timers and connections. */
  close(): Promise<void>;
}
