import { describe, expect, it } from 'vitest';
import { DIRECTIONS, ROUTE_TYPES, actsOn, appliesTo, isRouteType, type RouteType } from '../src/index.js';

/** The architecture's table: which directions each route type applies to. */
const APPLIES: readonly (readonly [RouteType, boolean, boolean])[] = [
  ['LOOP', true, true],
  ['LOOP_MO', true, false],
  ['LOOP_MT', false, true],
  ['FORK', true, true],
  ['FALLBACK', false, true],
  ['INGRESS', false, false],
];

describe('RouteType', () => {
  it('has the six route types of the product', () => {
    expect(ROUTE_TYPES).toEqual(APPLIES.map(([routeType]) => routeType));
    expect(DIRECTIONS).toEqual(['MO', 'MT']);
  });

  it.each(APPLIES)('%s applies to MO calls: %s, to MT calls: %s', (routeType, mo, mt) => {
    expect([appliesTo(routeType, 'MO'), appliesTo(routeType, 'MT')]).toEqual([mo, mt]);
  });

  it('puts LOOP, LOOP_MO, FORK in the MO group and LOOP, LOOP_MT, FORK in the MT group', () => {
    expect(ROUTE_TYPES.filter((routeType) => actsOn(routeType, 'MO'))).toEqual(['LOOP', 'LOOP_MO', 'FORK']);
    expect(ROUTE_TYPES.filter((routeType) => actsOn(routeType, 'MT'))).toEqual(['LOOP', 'LOOP_MT', 'FORK']);
  });

  it('recognizes route type names and nothing else', () => {
    for (const routeType of ROUTE_TYPES) expect(isRouteType(routeType)).toBe(true);
    for (const other of ['loop', 'LOOP ', '', 'ROUTE_TYPE_UNSPECIFIED', 0, undefined, null]) {
      expect(isRouteType(other)).toBe(false);
    }
  });
});
