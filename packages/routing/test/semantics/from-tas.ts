import { expect } from 'vitest';
import { decide } from '../../src/index.js';
import {
  ALICE,
  BOB,
  CAROL,
  NOW,
  TAS_A,
  TAS_B,
  TAS_C,
  expectPlan,
  fromMobile,
  fromTas,
  leg3Of,
  registration,
  rejected,
  type Row,
} from '../builders.js';

/** Rows of the semantics table for INVITEs from a TAS: leg 3, INGRESS. */
export const FROM_TAS: readonly Row[] = [
  {
    name: 'leg 3, callee without registration: continue to leg 4',
    check: () => {
      const registrations = [registration(ALICE, 'LOOP', TAS_A)];
      const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
      const plan = expectPlan(decide(leg3Of(first.leg2), registrations, NOW), 'continue-loop');
      expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
      expect(plan.resumes).toEqual(first.leg2.record);
    },
  },
  {
    name: "leg 3 from the TAS the callee's registration points at: continue to leg 4, not back to that TAS",
    check: () => {
      for (const registrations of [
        [registration(BOB, 'LOOP', TAS_B)],
        [registration(ALICE, 'LOOP', TAS_B), registration(BOB, 'LOOP_MT', TAS_B)],
      ]) {
        const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
        expectPlan(decide(leg3Of(first.leg2), registrations, NOW), 'continue-loop');
      }
    },
  },
  {
    name: "leg 3 from the caller's TAS, callee LOOP on another TAS: leg 2 to the callee's TAS",
    check: () => {
      const calleeLoop = registration(BOB, 'LOOP', TAS_B);
      const registrations = [registration(ALICE, 'LOOP', TAS_A), calleeLoop];
      const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
      const plan = expectPlan(decide(leg3Of(first.leg2), registrations, NOW), 'leg2');
      expect([plan.leg2.phase, plan.leg2.registration]).toEqual(['terminating', calleeLoop]);
      expect(plan.leg2.record.seenBy).toEqual([TAS_A, TAS_B]);
      expect(plan.resumes).toEqual(first.leg2.record);
      // The third pass, back from the callee's TAS, goes on to the callee.
      expectPlan(decide(leg3Of(plan.leg2), registrations, NOW), 'continue-loop');
    },
  },
  {
    name: 'leg 3, callee FALLBACK on another TAS: the callee first, then that TAS',
    check: () => {
      const fallback = registration(BOB, 'FALLBACK', TAS_B);
      const registrations = [registration(ALICE, 'LOOP_MO', TAS_A), fallback];
      const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
      const plan = expectPlan(decide(leg3Of(first.leg2), registrations, NOW), 'fallback');
      expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
      expect(plan.fallback.leg2.registration).toBe(fallback);
    },
  },
  {
    name: 'leg 3 from one TAS of a fork: the other TAS is not offered the call again',
    check: () => {
      const registrations = [registration(ALICE, 'FORK', TAS_A), registration(BOB, 'LOOP', TAS_B)];
      const fork = expectPlan(decide(fromMobile(), registrations, NOW), 'fork');
      const fromA = fork.leg2s.find((leg) => leg.record.tasDomain === TAS_A);
      if (fromA === undefined) throw new Error('no leg 2 to TAS A');
      expectPlan(decide(leg3Of(fromA), registrations, NOW), 'continue-loop');
    },
  },
  {
    name: 'leg 3 presenting another caller: leg 4 keeps the original caller',
    check: () => {
      const registrations = [registration(BOB, 'LOOP', TAS_B)];
      const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
      const plan = expectPlan(decide(leg3Of(first.leg2, { caller: CAROL }), registrations, NOW), 'continue-loop');
      expect(plan.leg4.caller).toBe(ALICE);
    },
  },
  {
    name: 'leg 3 toward another number: leg 4 goes to the recorded callee',
    check: () => {
      const registrations = [registration(BOB, 'LOOP', TAS_B)];
      const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
      const plan = expectPlan(decide(leg3Of(first.leg2, { callee: CAROL }), registrations, NOW), 'continue-loop');
      expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
    },
  },
  {
    name: "leg 3 with Max-Forwards not below leg 2's: 483",
    check: () => {
      const registrations = [registration(BOB, 'LOOP', TAS_B)];
      const first = expectPlan(decide(fromMobile({ maxForwards: 70 }), registrations, NOW), 'leg2');
      for (const maxForwards of [69, 70]) {
        const leg3 = leg3Of(first.leg2, { maxForwards });
        rejected(decide(leg3, registrations, NOW), 483, 'ROUTE_ERR_LEG3_HOPS');
      }
      expectPlan(decide(leg3Of(first.leg2, { maxForwards: 68 }), registrations, NOW), 'continue-loop');
    },
  },
  {
    name: 'leg 3 with a changed Session-ID: no match, 403',
    check: () => {
      const registrations = [registration(BOB, 'LOOP', TAS_B)];
      const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
      const leg3 = leg3Of(first.leg2, { sessionId: 'ffffffffffffffffffffffffffffffff' });
      rejected(decide(leg3, registrations, NOW), 403, 'ROUTE_ERR_TAS_FORBIDDEN');
      const unmatched = leg3Of(first.leg2, { leg2Match: undefined });
      rejected(decide(unmatched, registrations, NOW), 403, 'ROUTE_ERR_TAS_FORBIDDEN');
    },
  },
  {
    name: 'leg 3 from another TAS than leg 2 went to: no match, 403',
    check: () => {
      const registrations = [registration(BOB, 'LOOP', TAS_B)];
      const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
      const leg3 = leg3Of(first.leg2, { origin: { kind: 'tas', domain: TAS_C } });
      rejected(decide(leg3, registrations, NOW), 403, 'ROUTE_ERR_TAS_FORBIDDEN');
    },
  },
  {
    name: 'Max-Forwards 0 on a leg 3: 483',
    check: () => {
      const registrations = [registration(BOB, 'LOOP', TAS_B)];
      const first = expectPlan(decide(fromMobile(), registrations, NOW), 'leg2');
      rejected(decide(leg3Of(first.leg2, { maxForwards: 0 }), registrations, NOW), 483, 'ROUTE_ERR_TOO_MANY_HOPS');
    },
  },
  {
    name: 'TAS holding an INGRESS registration for the callee: accepted, leg 4 to the callee',
    check: () => {
      const ingress = registration(BOB, 'INGRESS', TAS_B);
      const context = fromTas('TAS-B.example.com.', { caller: CAROL });
      const plan = expectPlan(decide(context, [ingress], NOW), 'accept-ingress');
      expect(plan.leg4).toEqual({ caller: CAROL, callee: BOB });
      expect(plan.registration).toBe(ingress);
    },
  },
  {
    name: 'TAS without an INGRESS registration for the callee: 403',
    check: () => {
      rejected(decide(fromTas(TAS_B), [], NOW), 403, 'ROUTE_ERR_TAS_FORBIDDEN');
      rejected(decide(fromTas(TAS_B), [registration(ALICE, 'INGRESS', TAS_B)], NOW), 403, 'ROUTE_ERR_TAS_FORBIDDEN');
    },
  },
  {
    name: 'INGRESS registration held by another TAS: 403',
    check: () =>
      rejected(decide(fromTas(TAS_C), [registration(BOB, 'INGRESS', TAS_B)], NOW), 403, 'ROUTE_ERR_TAS_FORBIDDEN'),
  },
  {
    name: 'TAS holding a LOOP registration for the callee but no INGRESS: 403',
    check: () =>
      rejected(decide(fromTas(TAS_B), [registration(BOB, 'LOOP', TAS_B)], NOW), 403, 'ROUTE_ERR_TAS_FORBIDDEN'),
  },
  {
    name: 'Max-Forwards 0 on a call from a TAS: 483',
    check: () =>
      rejected(
        decide(fromTas(TAS_B, { maxForwards: 0 }), [registration(BOB, 'INGRESS', TAS_B)], NOW),
        483,
        'ROUTE_ERR_TOO_MANY_HOPS',
      ),
  },
  {
    name: 'expired INGRESS registration: 403',
    check: () =>
      rejected(
        decide(fromTas(TAS_B), [registration(BOB, 'INGRESS', TAS_B, { expiresAt: NOW })], NOW),
        403,
        'ROUTE_ERR_TAS_FORBIDDEN',
      ),
  },
];
