import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  actsOn,
  decide,
  isActive,
  normalizeDomain,
  planLeg2s,
  type CallContext,
  type Leg2Record,
  type Plan,
  type Registration,
} from '../src/index.js';
import {
  NUMBERS,
  RUNS,
  callArbitrary,
  leg3For,
  mobileCallArbitrary,
  registrationArbitrary,
  registrationsArbitrary,
} from './arbitraries.js';
import { NOW } from './builders.js';

/** The record a plan made for a leg 3 resumes, if it did. */
function resumed(plan: Plan): Leg2Record | undefined {
  return plan.kind === 'leg2' || plan.kind === 'fork' || plan.kind === 'fallback' || plan.kind === 'continue-loop'
    ? plan.resumes
    : undefined;
}

/** A registration on one number and one TAS no other registration uses. */
function isolated(phoneNumber: string, routeType: Registration['routeType'], domain: string): Registration {
  return {
    phoneNumber,
    routeType,
    sipUri: `sips:${domain}`,
    tas: { domain },
    mobileOriginatingPrefix: '',
    mobileTerminatingPrefix: '',
    owner: 'client-1',
    expiresAt: NOW + 1_000,
  };
}

describe('decide: properties', () => {
  it('serves MO calls only from LOOP, LOOP_MO, FORK and MT calls only from LOOP, LOOP_MT, FORK, FALLBACK', () => {
    fc.assert(
      fc.property(callArbitrary, registrationsArbitrary, (context, registrations) => {
        const plan = decide(context, registrations, NOW);
        const call = resumed(plan) ?? context;
        for (const leg2 of planLeg2s(plan)) {
          const { phoneNumber, routeType } = leg2.registration;
          if (leg2.phase === 'originating') {
            expect(phoneNumber).toBe(call.caller);
            expect(actsOn(routeType, 'MO')).toBe(true);
          } else {
            expect(phoneNumber).toBe(call.callee);
            expect(actsOn(routeType, 'MT') || routeType === 'FALLBACK').toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("never involves an MT call's LOOP_MO TAS, nor an MO call's LOOP_MT TAS", () => {
    fc.assert(
      fc.property(callArbitrary, registrationsArbitrary, (context, registrations) => {
        const match = context.leg2Match;
        fc.pre(context.caller !== context.callee);
        fc.pre(match === undefined || (match.caller !== context.callee && match.callee !== context.caller));
        const loopMo = isolated(context.callee, 'LOOP_MO', 'mo-only.example');
        const loopMt = isolated(context.caller, 'LOOP_MT', 'mt-only.example');
        const plan = decide(context, [...registrations, loopMo, loopMt], NOW);
        const text = JSON.stringify(plan);
        expect(text).not.toContain('mo-only.example');
        expect(text).not.toContain('mt-only.example');
      }),
      { numRuns: RUNS },
    );
  });

  it('never lets INGRESS change a call that is not from a TAS', () => {
    fc.assert(
      fc.property(mobileCallArbitrary, registrationsArbitrary, (context, registrations) => {
        const withoutIngress = registrations.filter((registration) => registration.routeType !== 'INGRESS');
        expect(decide(context, registrations, NOW)).toEqual(decide(context, withoutIngress, NOW));
      }),
      { numRuns: RUNS },
    );
  });

  it('never targets an expired or absent registration', () => {
    fc.assert(
      fc.property(callArbitrary, registrationsArbitrary, (context, registrations) => {
        const plan = decide(context, registrations, NOW);
        const used = planLeg2s(plan).flatMap((leg2) => [leg2.registration, leg2.prefix.registration]);
        if (plan.kind === 'accept-ingress') used.push(plan.registration);
        for (const registration of used) {
          expect(registrations).toContain(registration);
          expect(isActive(registration, NOW)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('never loops forever: each pass through a TAS strictly lowers Max-Forwards', () => {
    const step = fc.record({
      branch: fc.nat(),
      wellBehaved: fc.boolean(),
      maxForwards: fc.integer({ min: 0, max: 255 }),
      caller: fc.constantFrom(...NUMBERS),
      // A core that lost seenBy (say, restarted without it) leaves Max-Forwards as the only guard.
      forgetful: fc.boolean(),
    });
    fc.assert(
      fc.property(
        mobileCallArbitrary.filter((context) => context.maxForwards > 0),
        registrationsArbitrary,
        fc.array(step, { minLength: 80, maxLength: 80 }),
        (first, registrations, steps) => {
          let context: CallContext = first;
          let previous = Number.POSITIVE_INFINITY;
          let passes = 0;
          for (;;) {
            const plan = decide(context, registrations, NOW);
            const leg2s = planLeg2s(plan);
            const choice = steps[passes];
            if (leg2s.length === 0 || choice === undefined) break;
            for (const leg2 of leg2s) {
              expect(leg2.record.maxForwards).toBeLessThan(context.maxForwards);
              expect(leg2.record.maxForwards).toBeLessThan(previous);
            }
            const leg2 = leg2s[choice.branch % leg2s.length];
            if (leg2 === undefined) break;
            passes += 1;
            previous = leg2.record.maxForwards;
            const record = choice.forgetful ? { ...leg2.record, seenBy: [] } : leg2.record;
            // A well-behaved TAS lowers Max-Forwards by one; another sends anything, and may change the caller.
            const maxForwards = choice.wellBehaved ? record.maxForwards - 1 : choice.maxForwards;
            context = leg3For(record, maxForwards, choice.caller, context.callee);
          }
          expect(passes).toBeLessThanOrEqual(first.maxForwards);
          expect(passes).toBeLessThan(steps.length);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('loops as long as Max-Forwards allows, and no longer, when only Max-Forwards guards', () => {
    // The callee's LOOP on one TAS and FALLBACK on another, with a core that forgets seenBy:
    // the call alternates between the two TASes until Max-Forwards runs out.
    const registrations: readonly Registration[] = [
      isolated(NUMBERS[1] ?? '', 'LOOP', 'tas-x.example'),
      isolated(NUMBERS[1] ?? '', 'FALLBACK', 'tas-y.example'),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), (maxForwards) => {
        let context: CallContext = {
          caller: NUMBERS[0] ?? '',
          callee: NUMBERS[1] ?? '',
          origin: { kind: 'mobile-network' },
          sessionId: 's1',
          maxForwards,
        };
        let passes = 0;
        let plan = decide(context, registrations, NOW);
        for (let leg2 = planLeg2s(plan)[0]; leg2 !== undefined; leg2 = planLeg2s(plan)[0]) {
          passes += 1;
          // A TAS that gets Max-Forwards 0 answers 483 itself (RFC 3261 §16.3): no leg 3.
          if (leg2.record.maxForwards === 0) break;
          const record = { ...leg2.record, seenBy: [] };
          context = leg3For(record, record.maxForwards - 1, context.caller, context.callee);
          plan = decide(context, registrations, NOW);
        }
        // The INVITE of pass n carries maxForwards - 2n (leg 2 and leg 3 each cost a hop).
        expect(passes).toBe(Math.ceil(maxForwards / 2));
        if (maxForwards % 2 === 0) expect(plan).toMatchObject({ kind: 'reject', status: 483 });
      }),
      { numRuns: RUNS },
    );
  });

  it('never offers a TAS a call twice', () => {
    fc.assert(
      fc.property(callArbitrary, registrationsArbitrary, (context, registrations) => {
        const plan = decide(context, registrations, NOW);
        const domains = planLeg2s(plan).map((leg2) => normalizeDomain(leg2.registration.tas.domain));
        expect(new Set(domains).size).toBe(domains.length);
        const before = resumed(plan);
        if (before !== undefined) {
          const seen = [...before.seenBy, before.tasDomain].map(normalizeDomain);
          for (const domain of domains) expect(seen).not.toContain(domain);
        }
        for (const leg2 of planLeg2s(plan)) expect(leg2.record.seenBy).toEqual(expect.arrayContaining(domains));
      }),
      { numRuns: RUNS },
    );
  });

  it('does not depend on the order of the registrations', () => {
    fc.assert(
      fc.property(
        callArbitrary,
        registrationsArbitrary.chain((registrations) =>
          fc.tuple(
            fc.constant(registrations),
            fc.shuffledSubarray([...registrations], { minLength: registrations.length }),
          ),
        ),
        (context, [registrations, shuffled]) => {
          expect(decide(context, shuffled, NOW)).toEqual(decide(context, registrations, NOW));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers every INVITE with a plan, whatever its fields, and never throws', () => {
    const anyCall = fc.record({
      caller: fc.string(),
      callee: fc.string(),
      origin: fc.oneof(
        fc.constant({ kind: 'mobile-network' as const }),
        fc.string().map((domain) => ({ kind: 'tas' as const, domain })),
      ),
      sessionId: fc.string(),
      maxForwards: fc.oneof(fc.integer(), fc.double()),
      leg2Match: fc.option(
        fc.record({
          sessionId: fc.string(),
          maxForwards: fc.oneof(fc.integer(), fc.double()),
          tasDomain: fc.string(),
          caller: fc.string(),
          callee: fc.string(),
          seenBy: fc.array(fc.string()),
        }),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(anyCall, fc.array(registrationArbitrary(fc.string())), fc.double(), (context, registrations, now) => {
        const plan = decide(context, registrations, now);
        if (plan.kind === 'reject') expect([400, 403, 483]).toContain(plan.status);
      }),
      { numRuns: RUNS },
    );
  });
});
