import type { Leg2Record } from './leg2-record.js';
import type { PrefixChoice } from './prefix.js';
import type { Registration } from './registration.js';
import type { RejectCode } from './routing-error.js';

/**
 * Which phase sent a leg 2: `originating` (the caller's registration, MO) or
 * `terminating` (the callee's registration, MT).
 */
export type Phase = 'originating' | 'terminating';

/** Leg 4: the call toward the callee through the mobile network. */
export interface Leg4 {
  /** The caller to present: on a looped call, always the original caller. */
  readonly caller: string;
  /** The number to call. */
  readonly callee: string;
}

/** Leg 2: the call toward a TAS, and what the core must record to match its leg 3. */
export interface Leg2 {
  /** The phase that sent it. */
  readonly phase: Phase;
  /** The registration that put this TAS in the path; its `tas` says where to send. */
  readonly registration: Registration;
  /** The Request-URI of leg 2: `sips:<prefixed callee>@<TAS domain>[:port]`. */
  readonly requestUri: string;
  /** The prefix in {@link Leg2.requestUri}, and why. */
  readonly prefix: PrefixChoice;
  /** What to record before sending; leg 2 carries its Session-ID and Max-Forwards. */
  readonly record: Leg2Record;
}

/**
 * The second stage of a FALLBACK: leg 2 to the FALLBACK TAS, sent only when
 * leg 4 ends busy (486, 600) or unanswered (408, 480), or has no 2xx after
 * `timeoutMs` (the core then cancels leg 4). See `fallbackTrigger`.
 */
export interface FallbackStage {
  /** The leg 2 to send then. */
  readonly leg2: Leg2;
  /** How long leg 4 may go without a 2xx, in ms. */
  readonly timeoutMs: number;
}

/** No TAS is involved: leg 4 to the callee, as if there were no breakout. */
export interface DirectPlan {
  readonly kind: 'direct';
  /** The call toward the callee. */
  readonly leg4: Leg4;
}

/**
 * The call goes to one TAS only (LOOP, LOOP_MO, LOOP_MT); leg 4 waits until
 * the TAS sends the call back as leg 3. The TAS may instead answer or reject
 * leg 2 itself.
 */
export interface Leg2Plan {
  readonly kind: 'leg2';
  /** The call toward the TAS. */
  readonly leg2: Leg2;
  /** The leg 2 this INVITE came back from, when it is a leg 3. */
  readonly resumes: Leg2Record | undefined;
}

/**
 * All branches at once (FORK): first 2xx wins, the core cancels the others.
 * `leg4` is absent when the callee is reached only through a TAS (a caller's
 * FORK with a callee's LOOP); `fallback` applies to leg 4 only.
 */
export interface ForkPlan {
  readonly kind: 'fork';
  /** The branch toward the callee, if any. */
  readonly leg4: Leg4 | undefined;
  /** The branches toward TASes, one per TAS, at least one. */
  readonly leg2s: readonly Leg2[];
  /** The callee's FALLBACK TAS, tried when leg 4 fails. */
  readonly fallback: FallbackStage | undefined;
  /** The leg 2 this INVITE came back from, when it is a leg 3. */
  readonly resumes: Leg2Record | undefined;
}

/** The callee first, then the FALLBACK TAS on busy or no answer. */
export interface FallbackPlan {
  readonly kind: 'fallback';
  /** The call toward the callee, sent first. */
  readonly leg4: Leg4;
  /** What to send when leg 4 fails. */
  readonly fallback: FallbackStage;
  /** The leg 2 this INVITE came back from, when it is a leg 3. */
  readonly resumes: Leg2Record | undefined;
}

/** A leg 3 that nothing else wants: on to the callee as leg 4, with the original caller. */
export interface ContinueLoopPlan {
  readonly kind: 'continue-loop';
  /** The call toward the callee. */
  readonly leg4: Leg4;
  /** The leg 2 this leg 3 came back from. */
  readonly resumes: Leg2Record;
}

/** A call placed by a TAS holding an INGRESS registration for the callee: leg 4 to the callee. */
export interface AcceptIngressPlan {
  readonly kind: 'accept-ingress';
  /** The call toward the callee, with the caller the TAS presented. */
  readonly leg4: Leg4;
  /** The INGRESS registration that authorizes the TAS. */
  readonly registration: Registration;
}

/** The INVITE is answered with a final response and goes nowhere. */
export interface RejectPlan {
  readonly kind: 'reject';
  /** The SIP status to answer with. */
  readonly status: number;
  /** The reason phrase to answer with. */
  readonly reason: string;
  /** Why, as a stable code. */
  readonly code: RejectCode;
}

/** The one decision about an incoming INVITE; switch on `kind`. */
export type Plan = DirectPlan | Leg2Plan | ForkPlan | FallbackPlan | ContinueLoopPlan | AcceptIngressPlan | RejectPlan;

/** Every `kind` of {@link Plan}. */
export type PlanKind = Plan['kind'];

/**
 * Every leg 2 a plan may send, the fallback stage's included, in order: the
 * ones to record before sending.
 */
export function planLeg2s(plan: Plan): readonly Leg2[] {
  switch (plan.kind) {
    case 'leg2':
      return [plan.leg2];
    case 'fork':
      return plan.fallback === undefined ? plan.leg2s : [...plan.leg2s, plan.fallback.leg2];
    case 'fallback':
      return [plan.fallback.leg2];
    case 'direct':
    case 'continue-loop':
    case 'accept-ingress':
    case 'reject':
      return [];
  }
}

/** The leg 4 a plan sends (at once or first), if any. */
export function planLeg4(plan: Plan): Leg4 | undefined {
  switch (plan.kind) {
    case 'direct':
    case 'fallback':
    case 'continue-loop':
    case 'accept-ingress':
    case 'fork':
      return plan.leg4;
    case 'leg2':
    case 'reject':
      return undefined;
  }
}
