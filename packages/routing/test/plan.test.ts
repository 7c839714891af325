import { describe, expect, it } from 'vitest';
import { decide, planLeg2s, planLeg4, type Plan } from '../src/index.js';
import { ALICE, BOB, NOW, TAS_A, TAS_B, TAS_C, expectPlan, fromMobile, fromTas, registration } from './builders.js';

describe('planLeg2s and planLeg4', () => {
  it('list the legs of a fork with a fallback: immediate leg 2s, then the fallback', () => {
    const registrations = [
      registration(ALICE, 'FORK', TAS_A),
      registration(BOB, 'FORK', TAS_B),
      registration(BOB, 'FALLBACK', TAS_C),
    ];
    const plan = expectPlan(decide(fromMobile(), registrations, NOW), 'fork');
    expect(planLeg2s(plan).map((leg2) => leg2.record.tasDomain)).toEqual([TAS_A, TAS_B, TAS_C]);
    expect(planLeg4(plan)).toEqual({ caller: ALICE, callee: BOB });
  });

  it('give every leg 2 of one plan the same seenBy: all the TASes it names', () => {
    const registrations = [registration(ALICE, 'FORK', TAS_A), registration(BOB, 'LOOP', TAS_B)];
    for (const leg2 of planLeg2s(decide(fromMobile(), registrations, NOW))) {
      expect(leg2.record.seenBy).toEqual([TAS_A, TAS_B]);
    }
  });

  it.each<[string, Plan, number, boolean]>([
    ['direct', decide(fromMobile(), [], NOW), 0, true],
    ['leg2', decide(fromMobile(), [registration(BOB, 'LOOP', TAS_B)], NOW), 1, false],
    ['fallback', decide(fromMobile(), [registration(BOB, 'FALLBACK', TAS_B)], NOW), 1, true],
    ['accept-ingress', decide(fromTas(TAS_B), [registration(BOB, 'INGRESS', TAS_B)], NOW), 0, true],
    ['reject', decide(fromTas(TAS_B), [], NOW), 0, false],
  ])('a %s plan has %i leg 2 (leg 4: %s)', (kind, plan, leg2s, leg4) => {
    expect(plan.kind).toBe(kind);
    expect(planLeg2s(plan)).toHaveLength(leg2s);
    expect(planLeg4(plan) !== undefined).toBe(leg4);
  });
});
