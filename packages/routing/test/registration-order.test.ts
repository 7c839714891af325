import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRegistrations, selectRegistration } from '../src/index.js';
import { RUNS, registrationArbitrary } from './arbitraries.js';
import { ALICE, NOW, TAS_A, TAS_B, registration } from './builders.js';

describe('compareRegistrations', () => {
  it('orders by route type, then the latest expiry first', () => {
    const loop = registration(ALICE, 'LOOP', TAS_B);
    const newerFork = registration(ALICE, 'FORK', TAS_A, { expiresAt: NOW + 20 });
    const olderFork = registration(ALICE, 'FORK', TAS_A, { expiresAt: NOW + 10 });
    expect([olderFork, newerFork, loop].sort(compareRegistrations)).toEqual([loop, newerFork, olderFork]);
  });

  it('is a total order: antisymmetric, and 0 only for equal fields', () => {
    fc.assert(
      fc.property(registrationArbitrary(), registrationArbitrary(), (a, b) => {
        expect(Math.sign(compareRegistrations(a, b))).toBe(-Math.sign(compareRegistrations(b, a)));
        if (compareRegistrations(a, b) === 0) expect(a).toEqual(b);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('selectRegistration', () => {
  it('picks the first of the given route types, whatever the input order', () => {
    const fork = registration(ALICE, 'FORK', TAS_A);
    const loopMo = registration(ALICE, 'LOOP_MO', TAS_B);
    expect(selectRegistration([fork, loopMo], ['FORK', 'LOOP_MO'])).toBe(loopMo);
    expect(selectRegistration([loopMo, fork], ['FORK'])).toBe(fork);
    expect(selectRegistration([loopMo, fork], ['INGRESS'])).toBeUndefined();
  });
});
