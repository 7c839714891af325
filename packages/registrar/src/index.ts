/**
 * @packageDocumentation
 * Virtual registrations with a TTL (the store the gRPC API writes and the
 * routing engine reads): the rules of an upsert and a delete, their stores
 * (memory with a journal, Redis), the expiry heap, and the registrar's
 * errors. This entry loads no SIP stack (of sip-core only its `/clock`
 * entry); the SIP REGISTER registrar is the `@sipbreakout/registrar/sip`
 * entry.
 */
export {
  REGISTRAR_ERRORS,
  REGISTRAR_ERROR_CODES,
  RegistrarError,
  isRegistrarError,
  isRegistrarErrorCode,
  type RegistrarErrorCode,
  type RegistrarErrorFacts,
  type RegistrarErrorInfo,
} from './registrar-error.js';
export { ExpiryHeap, type HeapEntry } from './expiry-heap.js';
export {
  DEFAULT_TTL_SECONDS,
  decideDelete,
  decideUpsert,
  describe,
  type Decision,
  type DeleteRequest,
  type UpsertKind,
  type UpsertOutcome,
  type UpsertRequest,
} from './registration-rules.js';
export type { RegistrationExpired, RegistrationStore } from './registration-store.js';
export {
  JOURNAL_MAGIC,
  JournalWriter,
  decodeJournal,
  encodeRecord,
  readJournal,
  writeSnapshot,
  type JournalReadResult,
  type JournalRecord,
} from './journal.js';
export {
  MemoryRegistrationStore,
  type JournalledStoreOptions,
  type MemoryStoreOptions,
  type ReplayReport,
} from './memory-registration-store.js';
export { RedisRegistrationStore, type RedisStoreOptions } from './redis-registration-store.js';
