/**
 * @packageDocumentation
 * Virtual registrations with a TTL (the store the gRPC API writes and the
 * routing engine reads), their stores (memory with a journal, Redis), and the
 * SIP REGISTER registrar with Digest authentication.
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
export { ManualClock, systemClock, type Clock, type TimerHandle } from './clock.js';
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
export {
  CredentialStore,
  DIGEST_ALGORITHMS,
  digestHash,
  type DigestAlgorithm,
  type Endpoint,
  type EndpointInput,
} from './credential-store.js';
export {
  DigestAuthenticator,
  type DigestAuthenticatorOptions,
  type DigestVerdict,
} from './digest-authenticator.js';
export { createResponse } from './registrar-response.js';
export { sipUriEquals, uriEquals } from './uri-equals.js';
export { SipRegistrar, type Binding, type SipRegistrarOptions } from './sip-registrar.js';
