import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choosePrefix, insertPrefix } from '../src/index.js';
import { RUNS } from './arbitraries.js';
import { ALICE, BOB, TAS_A, TAS_B, registration } from './builders.js';

describe('insertPrefix', () => {
  it.each([
    ['+47112334455', '00', '+0047112334455'],
    ['+4711', '00', '+004711'],
    ['4711', '00', '004711'],
    ['+47112334455', '', '+47112334455'],
    ['', '00', '00'],
    ['+', '1', '+1'],
  ])('inserts into %j with prefix %j: %j', (userPart, prefix, expected) => {
    expect(insertPrefix(userPart, prefix)).toBe(expected);
  });

  it('never loses digits: the user part is the result with the prefix taken out again', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+?[0-9]{0,15}$/), fc.stringMatching(/^[0-9]{0,16}$/), (userPart, prefix) => {
        const result = insertPrefix(userPart, prefix);
        const at = userPart.startsWith('+') ? 1 : 0;
        expect(result.length).toBe(userPart.length + prefix.length);
        expect(result.slice(at, at + prefix.length)).toBe(prefix);
        expect(result.slice(0, at) + result.slice(at + prefix.length)).toBe(userPart);
        // The number's digits are the last digits of the result, in order.
        expect(result.replace(/\D/g, '').endsWith(userPart.replace(/\D/g, ''))).toBe(true);
        expect(result.startsWith('+')).toBe(userPart.startsWith('+'));
      }),
      { numRuns: RUNS },
    );
  });

  it('never loses a character of any user part, digits or not', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (userPart, prefix) => {
        const result = insertPrefix(userPart, prefix);
        const at = userPart.startsWith('+') ? 1 : 0;
        expect(result.slice(0, at) + result.slice(at + prefix.length)).toBe(userPart);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('choosePrefix', () => {
  const calleeLoop = registration(BOB, 'LOOP', TAS_B, { mobileTerminatingPrefix: '22' });

  it("uses the caller's MO prefix when the caller has a LOOP, LOOP_MO or FORK registration", () => {
    for (const routeType of ['LOOP', 'LOOP_MO', 'FORK'] as const) {
      const caller = registration(ALICE, routeType, TAS_A, { mobileOriginatingPrefix: '11' });
      expect(choosePrefix([caller], calleeLoop)).toEqual({
        prefix: '11',
        reason: 'caller-mobile-originating-prefix',
        registration: caller,
      });
    }
  });

  it("uses the callee's MT prefix when the caller's registrations do not apply to MO calls", () => {
    const callers = (['LOOP_MT', 'FALLBACK', 'INGRESS'] as const).map((routeType) =>
      registration(ALICE, routeType, TAS_A),
    );
    expect(choosePrefix(callers, calleeLoop)).toEqual({
      prefix: '22',
      reason: 'callee-mobile-terminating-prefix',
      registration: calleeLoop,
    });
    expect(choosePrefix([], calleeLoop).reason).toBe('callee-mobile-terminating-prefix');
  });

  it("keeps the caller's empty MO prefix rather than the callee's MT prefix", () => {
    const caller = registration(ALICE, 'LOOP', TAS_A, { mobileOriginatingPrefix: '' });
    expect(choosePrefix([caller], calleeLoop)).toMatchObject({
      prefix: '',
      reason: 'caller-mobile-originating-prefix',
    });
  });
});
