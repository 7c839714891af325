/**
 * @packageDocumentation
 * The breakout vocabulary (route types, registrations, call contexts, plans)
 * and the pure route decision engine: {@link decide} turns one incoming
 * INVITE and the registrations of its numbers into a {@link Plan}. No I/O, no
 * clock, no SIP parsing; the one runtime dependency is sip-core's
 * zero-dependency error kit (`@sipbreakout/sip-core/error-kit`).
 */
export {
  ACTING_ON_MO,
  ACTING_ON_MT,
  DIRECTIONS,
  ROUTE_TYPES,
  actsOn,
  appliesTo,
  isRouteType,
  type Direction,
  type RouteType,
} from './route-type.js';
export {
  ROUTING_ERRORS,
  ROUTING_ERROR_CODES,
  isRoutingError,
  isRoutingErrorCode,
  routingError,
  type RejectCode,
  type RoutingError,
  type RoutingErrorCode,
  type RoutingErrorInfo,
} from './routing-error.js';
export {
  formatHostPort,
  isDomainName,
  normalizeDomain,
  parseTasUri,
  sameDomain,
  type TasAddress,
  type TasUriResult,
} from './tas-uri.js';
export {
  MAX_PREFIX_LENGTH,
  createRegistration,
  isActive,
  isE164,
  isSameRegistration,
  isValidPrefix,
  type Registration,
  type RegistrationInput,
  type RegistrationResult,
} from './registration.js';
export { compareRegistrations, selectRegistration } from './registration-order.js';
export type { Leg2Record } from './leg2-record.js';
export type { CallContext, CallOrigin } from './call-context.js';
export { choosePrefix, insertPrefix, type PrefixChoice, type PrefixReason } from './prefix.js';
export {
  DEFAULT_FALLBACK_TIMEOUT_MS,
  FALLBACK_BUSY_STATUSES,
  FALLBACK_NO_ANSWER_STATUSES,
  fallbackTrigger,
  type FallbackTrigger,
} from './fallback.js';
export {
  planLeg2s,
  planLeg4,
  type AcceptIngressPlan,
  type ContinueLoopPlan,
  type DirectPlan,
  type FallbackPlan,
  type FallbackStage,
  type ForkPlan,
  type Leg2,
  type Leg2Plan,
  type Leg4,
  type Phase,
  type Plan,
  type PlanKind,
  type RejectPlan,
} from './plan.js';
export { decide, type DecideOptions } from './decide.js';
export {
  canCoexist,
  checkCoexistence,
  coexistenceRule,
  type CoexistenceConflict,
  type CoexistenceRule,
} from './coexistence.js';
