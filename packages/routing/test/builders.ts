import { expect } from 'vitest';
import {
  decide,
  planLeg2s,
  type CallContext,
  type Leg2,
  type Plan,
  type PlanKind,
  type Registration,
  type RouteType,
} from '../src/index.js';

/** The instant every table test decides at. */
export const NOW = 1_700_000_000_000;
/** One hour, the registration TTL. */
export const HOUR = 3_600_000;

export const ALICE = '+4790000001';
export const BOB = '+4790000002';
export const CAROL = '+4790000003';

export const TAS_A = 'tas-a.example.com';
export const TAS_B = 'tas-b.example.com';
export const TAS_C = 'tas-c.example.com';

/** A live registration (expires in an hour) with distinct MO and MT prefixes. */
export function registration(
  phoneNumber: string,
  routeType: RouteType,
  domain: string,
  overrides: Partial<Registration> = {},
): Registration {
  return {
    phoneNumber,
    routeType,
    sipUri: `sips:${domain}`,
    tas: { domain },
    mobileOriginatingPrefix: '11',
    mobileTerminatingPrefix: '22',
    owner: 'client-1',
    expiresAt: NOW + HOUR,
    ...overrides,
  };
}

/** A regular call, ALICE → BOB, from the mobile network. */
export function fromMobile(overrides: Partial<CallContext> = {}): CallContext {
  return {
    caller: ALICE,
    callee: BOB,
    origin: { kind: 'mobile-network' },
    sessionId: 'ab30317f1a784dc48ff824d0d3715d86',
    maxForwards: 70,
    ...overrides,
  };
}

/** An INVITE from a TAS that is not a leg 3 (no leg 2 matches). */
export function fromTas(domain: string, overrides: Partial<CallContext> = {}): CallContext {
  return fromMobile({ origin: { kind: 'tas', domain }, ...overrides });
}

/** The leg 3 a well-behaved TAS sends back for a leg 2: same Session-ID, Max-Forwards one lower. */
export function leg3Of(leg2: Leg2, overrides: Partial<CallContext> = {}): CallContext {
  const record = leg2.record;
  return {
    caller: record.caller,
    callee: record.callee,
    origin: { kind: 'tas', domain: record.tasDomain },
    sessionId: record.sessionId,
    maxForwards: record.maxForwards - 1,
    leg2Match: record,
    ...overrides,
  };
}

/** Asserts a plan's kind and narrows it. */
export function expectPlan<K extends PlanKind>(plan: Plan, kind: K): Extract<Plan, { kind: K }> {
  expect(plan.kind).toBe(kind);
  if (plan.kind !== kind) throw new Error(`expected a ${kind} plan, got ${plan.kind}`);
  return plan as Extract<Plan, { kind: K }>;
}

/** One row of the semantics table in README.md: its name there, and its check. */
export interface Row {
  readonly name: string;
  readonly check: () => void;
}

/** Asserts that the regular call ALICE → BOB goes straight to BOB. */
export function direct(registrations: readonly Registration[]): void {
  const plan = expectPlan(decide(fromMobile(), registrations, NOW), 'direct');
  expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
}

/** Asserts that a plan rejects with this status and code. */
export function rejected(plan: Plan, status: number, code: string): void {
  const reject = expectPlan(plan, 'reject');
  expect([reject.status, reject.code]).toEqual([status, code]);
}

/** The first leg 2 of a plan that has one. */
export function firstLeg2(plan: Plan): Leg2 {
  const leg2 = planLeg2s(plan)[0];
  if (leg2 === undefined) throw new Error(`no leg 2 in a ${plan.kind} plan`);
  return leg2;
}
