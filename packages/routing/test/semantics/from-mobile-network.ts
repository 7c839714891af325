import { expect } from 'vitest';
import { decide } from '../../src/index.js';
import {
  ALICE,
  BOB,
  NOW,
  TAS_A,
  TAS_B,
  TAS_C,
  direct,
  expectPlan,
  firstLeg2,
  fromMobile,
  leg3Of,
  registration,
  rejected,
  type Row,
} from '../builders.js';

/** Rows of the semantics table for INVITEs from the mobile network (leg 1). */
export const FROM_MOBILE_NETWORK: readonly Row[] = [
  {
    name: 'no registration on either number: direct to the callee',
    check: () => direct([]),
  },
  {
    name: "caller LOOP: leg 2 to the caller's TAS, with the caller's MO prefix",
    check: () => {
      const loop = registration(ALICE, 'LOOP', TAS_A);
      const plan = expectPlan(decide(fromMobile(), [loop], NOW), 'leg2');
      expect(plan.leg2.phase).toBe('originating');
      expect(plan.leg2.registration).toBe(loop);
      expect(plan.leg2.requestUri).toBe(`sips:+1147${BOB.slice(3)}@${TAS_A}`);
      expect(plan.leg2.prefix).toEqual({
        prefix: '11',
        reason: 'caller-mobile-originating-prefix',
        registration: loop,
      });
      expect(plan.resumes).toBeUndefined();
    },
  },
  {
    name: "caller LOOP_MO: leg 2 to the caller's TAS",
    check: () => {
      const loopMo = registration(ALICE, 'LOOP_MO', TAS_A);
      const plan = expectPlan(decide(fromMobile(), [loopMo], NOW), 'leg2');
      expect([plan.leg2.phase, plan.leg2.registration]).toEqual(['originating', loopMo]);
    },
  },
  {
    name: 'caller LOOP_MT: MO call untouched, direct to the callee',
    check: () => direct([registration(ALICE, 'LOOP_MT', TAS_A)]),
  },
  {
    name: "caller FORK: the callee and the caller's TAS at once",
    check: () => {
      const fork = registration(ALICE, 'FORK', TAS_A);
      const plan = expectPlan(decide(fromMobile(), [fork], NOW), 'fork');
      expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
      expect(plan.leg2s.map((leg) => [leg.phase, leg.registration])).toEqual([['originating', fork]]);
      expect(plan.fallback).toBeUndefined();
    },
  },
  {
    name: 'caller FALLBACK: MO call untouched, direct to the callee',
    check: () => direct([registration(ALICE, 'FALLBACK', TAS_A)]),
  },
  {
    name: 'caller INGRESS: regular call untouched, direct to the callee',
    check: () => direct([registration(ALICE, 'INGRESS', TAS_A)]),
  },
  {
    name: "callee LOOP: leg 2 to the callee's TAS, with the callee's MT prefix",
    check: () => {
      const loop = registration(BOB, 'LOOP', TAS_B);
      const plan = expectPlan(decide(fromMobile(), [loop], NOW), 'leg2');
      expect(plan.leg2.phase).toBe('terminating');
      expect(plan.leg2.registration).toBe(loop);
      expect(plan.leg2.requestUri).toBe(`sips:+2247${BOB.slice(3)}@${TAS_B}`);
      expect(plan.leg2.prefix.reason).toBe('callee-mobile-terminating-prefix');
    },
  },
  {
    name: "callee LOOP_MT: leg 2 to the callee's TAS",
    check: () => {
      const loopMt = registration(BOB, 'LOOP_MT', TAS_B);
      const plan = expectPlan(decide(fromMobile(), [loopMt], NOW), 'leg2');
      expect([plan.leg2.phase, plan.leg2.registration]).toEqual(['terminating', loopMt]);
    },
  },
  {
    name: 'callee LOOP_MO: MT call untouched, direct to the callee',
    check: () => direct([registration(BOB, 'LOOP_MO', TAS_B)]),
  },
  {
    name: "callee FORK: the callee and the callee's TAS at once",
    check: () => {
      const fork = registration(BOB, 'FORK', TAS_B);
      const plan = expectPlan(decide(fromMobile(), [fork], NOW), 'fork');
      expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
      expect(plan.leg2s.map((leg) => [leg.phase, leg.registration])).toEqual([['terminating', fork]]);
    },
  },
  {
    name: "callee FALLBACK: the callee first, then the callee's TAS on 486, 600, 408, 480 or no 2xx within 30 s",
    check: () => {
      const fallback = registration(BOB, 'FALLBACK', TAS_B);
      const plan = expectPlan(decide(fromMobile(), [fallback], NOW), 'fallback');
      expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
      expect(plan.fallback.timeoutMs).toBe(30_000);
      expect([plan.fallback.leg2.phase, plan.fallback.leg2.registration]).toEqual(['terminating', fallback]);
    },
  },
  {
    name: 'callee FALLBACK with fallbackTimeoutMs set: that timeout',
    check: () => {
      const fallback = registration(BOB, 'FALLBACK', TAS_B);
      const plan = expectPlan(decide(fromMobile(), [fallback], NOW, { fallbackTimeoutMs: 12_000 }), 'fallback');
      expect(plan.fallback.timeoutMs).toBe(12_000);
      expect(() => decide(fromMobile(), [fallback], NOW, { fallbackTimeoutMs: 0 })).toThrow(RangeError);
    },
  },
  {
    name: 'callee INGRESS: regular call untouched, direct to the callee',
    check: () => direct([registration(BOB, 'INGRESS', TAS_B)]),
  },
  {
    name: 'callee LOOP and FALLBACK: leg 2 to the LOOP TAS; FALLBACK waits for leg 3',
    check: () => {
      const loop = registration(BOB, 'LOOP', TAS_B);
      const fallback = registration(BOB, 'FALLBACK', TAS_C);
      const first = expectPlan(decide(fromMobile(), [fallback, loop], NOW), 'leg2');
      expect(first.leg2.registration).toBe(loop);
      const second = expectPlan(decide(leg3Of(first.leg2), [fallback, loop], NOW), 'fallback');
      expect(second.fallback.leg2.registration).toBe(fallback);
    },
  },
  {
    name: 'callee FORK and FALLBACK on another TAS: fork, and the FALLBACK TAS if leg 4 fails',
    check: () => {
      const fork = registration(BOB, 'FORK', TAS_B);
      const fallback = registration(BOB, 'FALLBACK', TAS_C);
      const plan = expectPlan(decide(fromMobile(), [fork, fallback], NOW), 'fork');
      expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
      expect(plan.leg2s.map((leg) => leg.registration)).toEqual([fork]);
      expect(plan.fallback?.leg2.registration).toBe(fallback);
    },
  },
  {
    name: 'callee FORK and FALLBACK on the same TAS: fork only, that TAS once',
    check: () => {
      const fork = registration(BOB, 'FORK', TAS_B);
      const plan = expectPlan(decide(fromMobile(), [fork, registration(BOB, 'FALLBACK', TAS_B)], NOW), 'fork');
      expect(plan.leg2s.map((leg) => leg.registration)).toEqual([fork]);
      expect(plan.fallback).toBeUndefined();
    },
  },
  {
    name: "caller LOOP and callee LOOP: originating phase first, leg 2 to the caller's TAS",
    check: () => {
      const callerLoop = registration(ALICE, 'LOOP', TAS_A);
      const plan = expectPlan(decide(fromMobile(), [registration(BOB, 'LOOP', TAS_B), callerLoop], NOW), 'leg2');
      expect([plan.leg2.phase, plan.leg2.registration]).toEqual(['originating', callerLoop]);
    },
  },
  {
    name: 'caller FORK and callee LOOP on another TAS: both TASes at once, no leg 4 yet',
    check: () => {
      const callerFork = registration(ALICE, 'FORK', TAS_A);
      const calleeLoop = registration(BOB, 'LOOP', TAS_B);
      const plan = expectPlan(decide(fromMobile(), [calleeLoop, callerFork], NOW), 'fork');
      expect(plan.leg4).toBeUndefined();
      expect(plan.leg2s.map((leg) => [leg.phase, leg.registration])).toEqual([
        ['originating', callerFork],
        ['terminating', calleeLoop],
      ]);
    },
  },
  {
    name: 'caller FORK and callee FORK on the same TAS: that TAS once, with the callee',
    check: () => {
      const callerFork = registration(ALICE, 'FORK', TAS_A);
      const plan = expectPlan(decide(fromMobile(), [registration(BOB, 'FORK', TAS_A), callerFork], NOW), 'fork');
      expect(plan.leg4).toEqual({ caller: ALICE, callee: BOB });
      expect(plan.leg2s.map((leg) => leg.registration)).toEqual([callerFork]);
    },
  },
  {
    name: 'caller LOOP_MT and callee LOOP_MO: both untouched, direct to the callee',
    check: () => direct([registration(ALICE, 'LOOP_MT', TAS_A), registration(BOB, 'LOOP_MO', TAS_B)]),
  },
  {
    name: "caller with a LOOP, LOOP_MO or FORK registration: the caller's MO prefix, even toward the callee's TAS",
    check: () => {
      const callerFork = registration(ALICE, 'FORK', TAS_A, { mobileOriginatingPrefix: '33' });
      const calleeLoop = registration(BOB, 'LOOP', TAS_B);
      const plan = expectPlan(decide(fromMobile(), [callerFork, calleeLoop], NOW), 'fork');
      const towardB = plan.leg2s.find((leg) => leg.registration === calleeLoop);
      expect(towardB?.prefix).toEqual({
        prefix: '33',
        reason: 'caller-mobile-originating-prefix',
        registration: callerFork,
      });
      expect(towardB?.requestUri).toBe(`sips:+3347${BOB.slice(3)}@${TAS_B}`);
    },
  },
  {
    name: "caller with only LOOP_MT, FALLBACK or INGRESS registrations: the callee's MT prefix",
    check: () => {
      const calleeLoop = registration(BOB, 'LOOP', TAS_B);
      const callerRegistrations = [
        registration(ALICE, 'LOOP_MT', TAS_A),
        registration(ALICE, 'FALLBACK', TAS_A),
        registration(ALICE, 'INGRESS', TAS_A),
      ];
      const plan = expectPlan(decide(fromMobile(), [...callerRegistrations, calleeLoop], NOW), 'leg2');
      expect(plan.leg2.prefix).toEqual({
        prefix: '22',
        reason: 'callee-mobile-terminating-prefix',
        registration: calleeLoop,
      });
    },
  },
  {
    name: 'prefix 00: +47112334455 becomes +0047112334455 in the Request-URI',
    check: () => {
      const loop = registration('+47112334455', 'LOOP', TAS_B, { mobileTerminatingPrefix: '00' });
      const plan = decide(fromMobile({ callee: '+47112334455' }), [loop], NOW);
      expect(firstLeg2(plan).requestUri).toBe(`sips:+0047112334455@${TAS_B}`);
    },
  },
  {
    name: "leg 2 Request-URI: sips, the prefixed callee, the TAS's domain and port",
    check: () => {
      const loop = registration(BOB, 'LOOP', TAS_B, {
        sipUri: `sips:pbx@${TAS_B}:5071;transport=tcp`,
        tas: { domain: TAS_B, port: 5071 },
        mobileTerminatingPrefix: '',
      });
      expect(firstLeg2(decide(fromMobile(), [loop], NOW)).requestUri).toBe(`sips:${BOB}@${TAS_B}:5071`);
    },
  },
  {
    name: 'expired registration: as good as none',
    check: () =>
      direct([
        registration(ALICE, 'LOOP', TAS_A, { expiresAt: NOW - 1 }),
        registration(BOB, 'FORK', TAS_B, { expiresAt: NOW - 1 }),
      ]),
  },
  {
    name: 'registration expiring exactly now: expired',
    check: () => direct([registration(BOB, 'LOOP', TAS_B, { expiresAt: NOW })]),
  },
  {
    name: 'Max-Forwards 0 on a call from the mobile network: 483',
    check: () =>
      rejected(
        decide(fromMobile({ maxForwards: 0 }), [registration(BOB, 'LOOP', TAS_B)], NOW),
        483,
        'ROUTE_ERR_TOO_MANY_HOPS',
      ),
  },
  {
    name: 'Max-Forwards negative or not an integer: 400',
    check: () => {
      for (const maxForwards of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        rejected(decide(fromMobile({ maxForwards }), [], NOW), 400, 'ROUTE_ERR_BAD_MAX_FORWARDS');
      }
    },
  },
  {
    name: "leg 2 carries the INVITE's Session-ID and Max-Forwards minus one, to record",
    check: () => {
      const context = fromMobile({ maxForwards: 12 });
      const plan = expectPlan(decide(context, [registration(ALICE, 'LOOP', TAS_A)], NOW), 'leg2');
      expect(plan.leg2.record).toEqual({
        sessionId: context.sessionId,
        maxForwards: 11,
        tasDomain: TAS_A,
        caller: ALICE,
        callee: BOB,
        seenBy: [TAS_A],
      });
    },
  },
];
