/**
 * @sipbreakout/b2bua — the back-to-back user agent on top of
 * `@sipbreakout/sip-core`'s dialogs: a call and its legs, the relay of
 * responses and in-dialog requests between them (before and after the
 * answer), reliable provisional responses (RFC 3262) relayed end to end,
 * the Session-ID (RFC 7989) each leg writes, parallel fork and sequential
 * fallback; and third-party call control (RFC 3725): a call answered by the
 * application, a leg it holds as a user agent, pairs released and made,
 * a party's call moved between devices.
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
export type {
  LegPairStateName,
  PairEnd,
  PairOptions,
  PairRelease,
  RelayHooks,
  TooManyHopsAction,
} from './leg-pair.js';
export { HeldLeg } from './held-leg.js';
export type { HeldLegStateName } from './held-leg.js';
export { SDP_CONTENT_TYPE } from './held-leg-types.js';
export type {
  HeldLegEvent,
  HeldLegOptions,
  HeldLegRelease,
  OfferHandler,
  OfferReply,
  ReceivedOffer,
  ReinviteOptions,
  ReinviteResult,
  SessionDescription,
} from './held-leg-types.js';
export { glareDelay } from './glare-delay.js';
export { rejectingAnswer } from './rejecting-answer.js';
export { startLeg } from './start-leg.js';
export type { StartLegOptions, StartLegResult } from './start-leg.js';
export { moveToLocal, moveToNewLeg, pairHeldLegs } from './move-leg.js';
export type {
  MoveToLocalOptions,
  MoveToLocalResult,
  MoveToNewLegOptions,
  MoveToNewLegResult,
  PairHeldResult,
} from './move-leg.js';
export { CALL_COMPLETED_ELSEWHERE } from './local-answer.js';
export { EarlyDialogRelay } from './early-dialog-relay.js';
export type { EarlyRelayContext } from './early-dialog-relay.js';
export { B2buaCall } from './b2bua-call.js';
export type {
  B2buaCallEvent,
  B2buaCallOptions,
  B2buaCallStateName,
  B2buaHooks,
  LegFailurePolicy,
  LocalAnswer,
  LocalAnswerResult,
} from './b2bua-call-types.js';
export { parallelFork } from './parallel-fork.js';
export { DEFAULT_FALLBACK_STATUSES, sequentialFallback } from './sequential-fallback.js';
export type { SequentialFallbackOptions } from './sequential-fallback.js';
