/**
 * @sipbreakout/b2bua — the back-to-back user agent on top of
 * `@sipbreakout/sip-core`'s dialogs: a call and its legs, the relay of
 * responses and in-dialog requests between them (before and after the
 * answer), reliable provisional responses (RFC 3262) relayed end to end,
 * the Session-ID (RFC 7989) each leg writes, parallel fork and sequential
 * fallback.
 * @packageDocumentation
 */
export {
  END_TO_END_OPTION_TAGS,
  LEG_LOCAL_HEADERS,
  chooseFinalResponse,
  createOutgoingInvite,
  endToEndHeaders,
  nextMaxForwards,
  relayedContent,
  relayedOptionTags,
} from './relay-message.js';
export type { OutgoingInviteOptions, RelayedContent } from './relay-message.js';
export { senderSessionUuid } from './session-id-policy.js';
export { Leg } from './leg.js';
export type { LegInvite, LegTarget } from './leg.js';
export { LegPair, TIMER_C_REASON, TOO_MANY_HOPS_REASON } from './leg-pair.js';
export type { PairEnd, PairOptions, RelayHooks, TooManyHopsAction } from './leg-pair.js';
export { EarlyDialogRelay } from './early-dialog-relay.js';
export type { EarlyRelayContext } from './early-dialog-relay.js';
export { B2buaCall } from './b2bua-call.js';
export type {
  B2buaCallEvent,
  B2buaCallOptions,
  B2buaCallStateName,
  B2buaHooks,
  LegFailurePolicy,
} from './b2bua-call-types.js';
export { parallelFork } from './parallel-fork.js';
export { DEFAULT_FALLBACK_STATUSES, sequentialFallback } from './sequential-fallback.js';
export type { SequentialFallbackOptions } from './sequential-fallback.js';
