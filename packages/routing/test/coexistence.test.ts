import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ROUTE_TYPES,
  actsOn,
  canCoexist,
  checkCoexistence,
  coexistenceRule,
  isActive,
  isRouteType,
  type CoexistenceRule,
  type Registration,
} from '../src/index.js';
import { RUNS, registrationArbitrary } from './arbitraries.js';
import { ALICE, BOB, NOW, TAS_A, TAS_B, registration } from './builders.js';

const CELL: { readonly [cell: string]: CoexistenceRule | undefined } = {
  replaces: undefined,
  MO: 'one-acting-on-mo',
  MT: 'one-acting-on-mt',
  ok: undefined,
};

/** The coexistence matrix of README.md, as [row, column, cell]. */
function readmeMatrix(): readonly (readonly [string, string, string])[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.split('<!-- coexistence-matrix:start -->')[1] ?? '';
  const table = start.split('<!-- coexistence-matrix:end -->')[0] ?? '';
  const rows = table
    .split('\n')
    .filter((line) => line.startsWith('|') && !line.startsWith('|---'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const [header = [], ...body] = rows;
  return body.flatMap(([row = '', ...cells]) => cells.map((cell, i) => [row, header[i + 1] ?? '', cell] as const));
}

describe('coexistenceRule', () => {
  it('matches the README matrix for every pair of route types', () => {
    const matrix = readmeMatrix();
    expect(matrix).toHaveLength(ROUTE_TYPES.length ** 2);
    for (const [a, b, cell] of matrix) {
      if (!isRouteType(a) || !isRouteType(b)) throw new Error(`not a route type pair: ${a}, ${b}`);
      expect(Object.keys(CELL)).toContain(cell);
      expect([a, b, coexistenceRule(a, b)]).toEqual([a, b, CELL[cell]]);
    }
  });

  it('is symmetric, and canCoexist is its absence', () => {
    for (const a of ROUTE_TYPES) {
      for (const b of ROUTE_TYPES) {
        expect(coexistenceRule(a, b)).toBe(coexistenceRule(b, a));
        expect(canCoexist(a, b)).toBe(coexistenceRule(a, b) === undefined);
      }
    }
  });
});

describe('checkCoexistence', () => {
  it('refuses a second registration acting on MO calls', () => {
    const loopMo = registration(ALICE, 'LOOP_MO', TAS_A);
    expect(checkCoexistence([loopMo], registration(ALICE, 'FORK', TAS_B), NOW)).toEqual({
      existing: loopMo,
      rule: 'one-acting-on-mo',
    });
  });

  it('refuses a second registration acting on MT calls', () => {
    const loopMt = registration(ALICE, 'LOOP_MT', TAS_A);
    expect(checkCoexistence([loopMt], registration(ALICE, 'LOOP', TAS_B), NOW)?.rule).toBe('one-acting-on-mt');
  });

  it('lets LOOP_MO and LOOP_MT share a number, and FALLBACK and INGRESS join anything', () => {
    const existing = [registration(ALICE, 'LOOP_MO', TAS_A), registration(ALICE, 'LOOP_MT', TAS_B)];
    expect(checkCoexistence(existing, registration(ALICE, 'FALLBACK', TAS_B), NOW)).toBeUndefined();
    expect(checkCoexistence(existing, registration(ALICE, 'INGRESS', TAS_A), NOW)).toBeUndefined();
    expect(checkCoexistence([existing[0] as Registration], existing[1] as Registration, NOW)).toBeUndefined();
  });

  it('lets an upsert of the same route type replace the registration, whatever its SIP URI', () => {
    const loop = registration(ALICE, 'LOOP', TAS_A);
    const refreshed = { ...loop, expiresAt: NOW + 10, mobileOriginatingPrefix: '9' };
    expect(checkCoexistence([loop], refreshed, NOW)).toBeUndefined();
    expect(checkCoexistence([loop], registration(ALICE, 'LOOP', TAS_B), NOW)).toBeUndefined();
  });

  it('judges a replacement against the other route types only', () => {
    const loopMo = registration(ALICE, 'LOOP_MO', TAS_A);
    const loopMt = registration(ALICE, 'LOOP_MT', TAS_A);
    // LOOP_MO replaced by another TAS still coexists with LOOP_MT …
    expect(checkCoexistence([loopMo, loopMt], registration(ALICE, 'LOOP_MO', TAS_B), NOW)).toBeUndefined();
    // … and a LOOP next to it stays refused, whichever TAS it names.
    expect(checkCoexistence([loopMo, loopMt], registration(ALICE, 'LOOP', TAS_A), NOW)).toEqual({
      existing: loopMo,
      rule: 'one-acting-on-mo',
    });
  });

  it('ignores other numbers and expired registrations', () => {
    const candidate = registration(ALICE, 'LOOP', TAS_A);
    expect(checkCoexistence([registration(BOB, 'LOOP', TAS_B)], candidate, NOW)).toBeUndefined();
    expect(checkCoexistence([registration(ALICE, 'FORK', TAS_B, { expiresAt: NOW })], candidate, NOW)).toBeUndefined();
  });

  it('builds only sets with one registration per route type and one acting per direction, per number', () => {
    fc.assert(
      fc.property(fc.array(registrationArbitrary(), { maxLength: 12 }), (candidates) => {
        const accepted: Registration[] = [];
        for (const candidate of candidates) {
          if (!isActive(candidate, NOW)) continue;
          const conflict = checkCoexistence(accepted, candidate, NOW);
          if (conflict !== undefined) {
            expect(conflict.existing.phoneNumber).toBe(candidate.phoneNumber);
            expect(coexistenceRule(conflict.existing.routeType, candidate.routeType)).toBe(conflict.rule);
            continue;
          }
          // An upsert of the same number and route type replaces the registration.
          const index = accepted.findIndex(
            (other) => other.phoneNumber === candidate.phoneNumber && other.routeType === candidate.routeType,
          );
          if (index >= 0) accepted.splice(index, 1);
          accepted.push(candidate);
        }
        for (const phoneNumber of new Set(accepted.map((r) => r.phoneNumber))) {
          const mine = accepted.filter((r) => r.phoneNumber === phoneNumber);
          expect(new Set(mine.map((r) => r.routeType)).size).toBe(mine.length);
          expect(mine.filter((r) => actsOn(r.routeType, 'MO')).length).toBeLessThanOrEqual(1);
          expect(mine.filter((r) => actsOn(r.routeType, 'MT')).length).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
