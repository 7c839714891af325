import { isActive, type Registration, type RouteType, type TasAddress } from '@sipbreakout/routing';
import { SystemClock, type Clock, type ClockTimer } from '@sipbreakout/sip-core/clock';
import { ExpiryHeap, type HeapEntry } from './expiry-heap.js';
import { JournalWriter, readJournal, writeSnapshot, type JournalRecord } from './journal.js';
import { RegistrarError } from './registrar-error.js';
import type { RegistrationExpired, RegistrationStore } from './registration-store.js';
import {
  DEFAULT_TTL_SECONDS,
  decideDelete,
  decideUpsert,
  type DeleteRequest,
  type UpsertOutcome,
  type UpsertRequest,
} from './registration-rules.js';

/** Options of {@link MemoryRegistrationStore}. */
export interface MemoryStoreOptions {
  /** Where time comes from (expiry instants are read on its wall clock); defaults to a `SystemClock`. */
  readonly clock?: Clock | undefined;
  /** Lifetime after each upsert, in seconds; defaults to {@link DEFAULT_TTL_SECONDS}. */
  readonly ttlSeconds?: number | undefined;
  /** The most registrations held at once (an explicit limit); defaults to 10,000,000. */
  readonly maxRegistrations?: number | undefined;
}

/** Options of {@link MemoryRegistrationStore.open}: a memory store backed by a journal file. */
export interface JournalledStoreOptions extends MemoryStoreOptions {
  /** The journal file; created when missing. */
  readonly journalPath: string;
}

/** What opening a journalled store found in the journal. */
export interface ReplayReport {
  /** Whole records read. */
  readonly records: number;
  /** Live registrations restored. */
  readonly restored: number;
  /** Registrations dropped because they had expired meanwhile. */
  readonly expired: number;
  /** Bytes of a torn last record that were dropped. */
  readonly tornBytes: number;
}

/** One registration in the index: a link in its number's list and an entry of the expiry heap. */
class Slot implements HeapEntry {
  heapIndex = -1;
  registration: Registration;
  next: Slot | undefined;

  constructor(registration: Registration, next: Slot | undefined) {
    this.registration = registration;
    this.next = next;
  }
}

// Distinct SIP URIs and owners shared at most; beyond, registrations keep their own copies.
const MAX_INTERNED = 65_536;

const deadlineOf = (slot: Slot): number => slot.registration.expiresAt;

/**
 * The embedded store: a hash map from number to its registrations (O(1)
 * lookups; at most one per route type, so at most six per number) and a
 * binary heap of expiries (O(log n) per registration) driving one timer at
 * the earliest deadline. Optionally journalled: see
 * {@link MemoryRegistrationStore.open}.
 */
export class MemoryRegistrationStore implements RegistrationStore {
  readonly #clock: Clock;
  readonly #ttlSeconds: number;
  readonly #maxRegistrations: number;
  readonly #byNumber = new Map<string, Slot>();
  readonly #heap = new ExpiryHeap<Slot>(deadlineOf);
  readonly #listeners = new Set<(event: RegistrationExpired) => void>();
  readonly #tasByUri = new Map<string, { readonly sipUri: string; readonly tas: TasAddress }>();
  readonly #owners = new Map<string, string>();
  #journal: JournalWriter | undefined;
  #journalPath: string | undefined;
  #reopening: Promise<JournalWriter> | undefined;
  #timer: ClockTimer | undefined;
  #timerDeadline = Infinity;
  #closed = false;

  /** A memory store without a journal: nothing survives the process. */
  constructor(options: MemoryStoreOptions = {}) {
    this.#clock = options.clock ?? new SystemClock();
    this.#ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.#maxRegistrations = options.maxRegistrations ?? 10_000_000;
    if (!(this.#ttlSeconds > 0)) throw new RangeError(`ttlSeconds must be positive: ${this.#ttlSeconds}`);
  }

  /**
   * Opens the default store: memory backed by a journal. The journal is
   * replayed (expired registrations dropped, a torn last record dropped),
   * compacted into a snapshot of the live registrations, then appended to:
   * every write resolves only after the fsync that covers it.
   */
  static async open(
    options: JournalledStoreOptions,
  ): Promise<{ store: MemoryRegistrationStore; replay: ReplayReport }> {
    const store = new MemoryRegistrationStore(options);
    const read = await readJournal(options.journalPath);
    for (const record of read.records) {
      store.#applyRecord(
        record.op === 'put' ? { op: 'put', registration: store.#interned(record.registration) } : record,
      );
    }
    const now = store.#clock.wallNow();
    let expired = 0;
    for (const slot of store.#heap.popExpired(now)) {
      store.#unlink(slot);
      expired++;
    }
    await writeSnapshot(options.journalPath, store.#all());
    store.#journal = await JournalWriter.open(options.journalPath);
    store.#journalPath = options.journalPath;
    store.#armTimer();
    return {
      store,
      replay: { records: read.records.length, restored: store.size, expired, tornBytes: read.tornBytes },
    };
  }

  /** How many registrations are held (expired ones not yet swept included). */
  get size(): number {
    return this.#heap.size;
  }

  /** See {@link RegistrationStore.upsert}. */
  async upsert(request: UpsertRequest): Promise<UpsertOutcome> {
    this.#assertOpen();
    const now = this.#clock.wallNow();
    const head = this.#byNumber.get(request.phoneNumber);
    const decision = decideUpsert(listOf(head), request, now, this.#ttlSeconds);
    if (!decision.ok) throw decision.error;
    const registration = this.#interned(decision.value.registration);
    const slot = findSlot(head, registration.routeType);
    if (slot === undefined && this.#heap.size >= this.#maxRegistrations) {
      throw new RegistrarError('REG_ERR_STORE_FULL', `${this.#maxRegistrations} registrations held`);
    }
    this.#put(registration, head, slot);
    await this.#write({ op: 'put', registration });
    return { registration, kind: decision.value.kind };
  }

  /** See {@link RegistrationStore.delete}. */
  async delete(request: DeleteRequest): Promise<Registration> {
    this.#assertOpen();
    const now = this.#clock.wallNow();
    const head = this.#byNumber.get(request.phoneNumber);
    const decision = decideDelete(listOf(head), request, now);
    if (!decision.ok) throw decision.error;
    const slot = findSlot(head, request.routeType) as Slot;
    this.#heap.remove(slot);
    this.#unlink(slot);
    await this.#write({ op: 'delete', phoneNumber: request.phoneNumber, routeType: request.routeType });
    return decision.value;
  }

  /** See {@link RegistrationStore.lookup}. */
  async lookup(phoneNumber: string): Promise<readonly Registration[]> {
    return this.lookupNow(phoneNumber);
  }

  /** {@link RegistrationStore.lookup} without the promise, for hot paths in the same process. */
  lookupNow(phoneNumber: string): Registration[] {
    this.#assertOpen();
    const now = this.#clock.wallNow();
    const out: Registration[] = [];
    // A registration past its expiry is never returned, even before the sweep removed it.
    for (let slot = this.#byNumber.get(phoneNumber); slot !== undefined; slot = slot.next) {
      if (isActive(slot.registration, now)) out.push(slot.registration);
    }
    return out;
  }

  /** See {@link RegistrationStore.get}. */
  async get(phoneNumber: string, routeType: RouteType): Promise<Registration | undefined> {
    this.#assertOpen();
    const slot = findSlot(this.#byNumber.get(phoneNumber), routeType);
    return slot !== undefined && isActive(slot.registration, this.#clock.wallNow()) ? slot.registration : undefined;
  }

  /** See {@link RegistrationStore.onExpired}. */
  onExpired(listener: (event: RegistrationExpired) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Rewrites the journal as a snapshot of the live registrations. Pending
   * writes are flushed first; writes arriving meanwhile go to the new file
   * (replaying a record on top of a snapshot that already holds it is
   * harmless: every record sets or removes one key).
   */
  async compact(): Promise<void> {
    this.#assertOpen();
    const journal = this.#journal;
    const path = this.#journalPath;
    if (journal === undefined || path === undefined) return;
    this.#journal = undefined;
    this.#reopening = (async () => {
      await journal.close();
      await writeSnapshot(path, this.#all());
      return JournalWriter.open(path);
    })();
    try {
      this.#journal = await this.#reopening;
    } finally {
      this.#reopening = undefined;
    }
  }

  /** See {@link RegistrationStore.close}. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#reopening !== undefined) await this.#reopening;
    await this.#journal?.close();
    this.#listeners.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new RegistrarError('REG_ERR_STORE_CLOSED', 'the store is closed');
  }

  async #write(record: JournalRecord): Promise<void> {
    const journal = this.#journal ?? (await this.#reopening);
    if (journal === undefined) return;
    try {
      await journal.append(record);
    } catch (error) {
      throw new RegistrarError('REG_ERR_STORE_FAILED', 'the journal could not be written', { cause: error });
    }
  }

  /**
   * The registration with its SIP URI, TAS address and owner shared with
   * every other registration holding the same ones: a million numbers usually
   * point at a handful of TASes, and sharing saves about a hundred bytes each.
   */
  #interned(registration: Registration): Registration {
    let tas = this.#tasByUri.get(registration.sipUri);
    if (tas === undefined) {
      if (this.#tasByUri.size >= MAX_INTERNED) return registration;
      tas = { sipUri: registration.sipUri, tas: registration.tas };
      this.#tasByUri.set(registration.sipUri, tas);
    }
    let owner = this.#owners.get(registration.owner);
    if (owner === undefined) {
      owner = registration.owner;
      if (this.#owners.size < MAX_INTERNED) this.#owners.set(owner, owner);
    }
    return { ...registration, sipUri: tas.sipUri, tas: tas.tas, owner };
  }

  #put(registration: Registration, head: Slot | undefined, slot: Slot | undefined): void {
    if (slot !== undefined) {
      slot.registration = registration;
      this.#heap.update(slot);
    } else {
      const created = new Slot(registration, head);
      this.#byNumber.set(registration.phoneNumber, created);
      this.#heap.push(created);
    }
    if (registration.expiresAt < this.#timerDeadline) this.#armTimer();
  }

  #applyRecord(record: JournalRecord): void {
    const phoneNumber = record.op === 'put' ? record.registration.phoneNumber : record.phoneNumber;
    const routeType = record.op === 'put' ? record.registration.routeType : record.routeType;
    const head = this.#byNumber.get(phoneNumber);
    const slot = findSlot(head, routeType);
    if (record.op === 'put') {
      if (slot !== undefined) {
        slot.registration = record.registration;
        this.#heap.update(slot);
      } else {
        const created = new Slot(record.registration, head);
        this.#byNumber.set(phoneNumber, created);
        this.#heap.push(created);
      }
    } else if (slot !== undefined) {
      this.#heap.remove(slot);
      this.#unlink(slot);
    }
  }

  #unlink(slot: Slot): void {
    const phoneNumber = slot.registration.phoneNumber;
    const head = this.#byNumber.get(phoneNumber);
    if (head === slot) {
      if (slot.next === undefined) this.#byNumber.delete(phoneNumber);
      else this.#byNumber.set(phoneNumber, slot.next);
      return;
    }
    for (let previous = head; previous !== undefined; previous = previous.next) {
      if (previous.next === slot) {
        previous.next = slot.next;
        return;
      }
    }
  }

  *#all(): IterableIterator<Registration> {
    for (const head of this.#byNumber.values()) {
      for (let slot: Slot | undefined = head; slot !== undefined; slot = slot.next) yield slot.registration;
    }
  }

  /** One timer, at the earliest deadline of the heap; re-armed when an earlier one arrives or it fires. */
  #armTimer(): void {
    if (this.#closed) return;
    const deadline = this.#heap.peekDeadline();
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerDeadline = deadline ?? Infinity;
    // Deadlines are wall-clock instants (they are journalled); a timer that wakes early finds nothing due and arms again.
    if (deadline !== undefined)
      this.#timer = this.#clock.setTimer(deadline - this.#clock.wallNow(), () => this.#sweep());
  }

  /** Expiry, `(entries, now) → expired`: remove what is due, tell the listeners, re-arm. */
  #sweep(): void {
    this.#timer = undefined;
    const expired = this.#heap.popExpired(this.#clock.wallNow());
    for (const slot of expired) this.#unlink(slot);
    this.#armTimer();
    for (const slot of expired) {
      const { registration } = slot;
      const event: RegistrationExpired = {
        phoneNumber: registration.phoneNumber,
        routeType: registration.routeType,
        registration,
      };
      for (const listener of this.#listeners) listener(event);
    }
  }
}

function listOf(head: Slot | undefined): Registration[] {
  const out: Registration[] = [];
  for (let slot = head; slot !== undefined; slot = slot.next) out.push(slot.registration);
  return out;
}

function findSlot(head: Slot | undefined, routeType: RouteType): Slot | undefined {
  for (let slot = head; slot !== undefined; slot = slot.next)
    if (slot.registration.routeType === routeType) return slot;
  return undefined;
}
