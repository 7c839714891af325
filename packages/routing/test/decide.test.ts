import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Row } from './builders.js';
import { FROM_MOBILE_NETWORK } from './semantics/from-mobile-network.js';
import { FROM_TAS } from './semantics/from-tas.js';

const ROWS: readonly Row[] = [...FROM_MOBILE_NETWORK, ...FROM_TAS];

/** The row names of the semantics table in README.md, in order. */
function readmeRows(): readonly string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.split('<!-- semantics-table:start -->')[1] ?? '';
  const table = start.split('<!-- semantics-table:end -->')[0] ?? '';
  return table
    .split('\n')
    .filter((line) => /^\|\s*\d+\s*\|/.test(line))
    .map((line) => line.split('|')[2]?.trim() ?? '');
}

describe('decide: the semantics table (README.md)', () => {
  describe('INVITEs from the mobile network', () => {
    for (const row of FROM_MOBILE_NETWORK) it(row.name, row.check);
  });

  describe('INVITEs from a TAS', () => {
    for (const row of FROM_TAS) it(row.name, row.check);
  });

  it('the README table has exactly these rows, in this order', () => {
    expect(readmeRows()).toEqual(ROWS.map((row) => row.name));
  });
});
