import { describe, expect, it } from 'vitest';
import type { Leg2Record } from '@sipbreakout/routing';
import { ManualClock } from '@sipbreakout/sip-core';
import { DEFAULT_LEG2_RECORD_TTL_MS, Leg2Table } from '../src/leg2-table.js';

const SESSION = 'ab30317f1a784dc48ff824d0d3715d86';

function record(tasDomain = 'tas.example.com'): Leg2Record {
  return {
    sessionId: SESSION,
    maxForwards: 69,
    tasDomain,
    caller: '+4790000001',
    callee: '+4790000002',
    seenBy: [tasDomain],
  };
}

describe('Leg2Table on a ManualClock', () => {
  it('finds a leg 2 by Session-ID and TAS domain until its TTL ends, not after', () => {
    const clock = new ManualClock({ now: 1_000 });
    const table = new Leg2Table({ clock, ttlMs: 60_000 });
    table.record(record());
    expect(table.find(SESSION.toUpperCase(), ['other.example.com', 'TAS.example.com'])).toEqual({
      domain: 'TAS.example.com',
      record: record(),
    });
    clock.advance(59_999);
    expect(table.find(SESSION, ['tas.example.com'])?.record).toEqual(record());
    clock.advance(1);
    expect(table.find(SESSION, ['tas.example.com'])).toBeUndefined();
  });

  it('drops expired records when the next one is recorded', () => {
    const clock = new ManualClock();
    const table = new Leg2Table({ clock });
    table.record(record('a.example.com'));
    clock.advance(DEFAULT_LEG2_RECORD_TTL_MS);
    table.record(record('b.example.com'));
    expect(table.size).toBe(1);
  });

  it('forgets a record when told, but not a newer one of the same key', () => {
    const clock = new ManualClock();
    const table = new Leg2Table({ clock });
    const forgetFirst = table.record(record());
    const forgetSecond = table.record(record());
    forgetFirst();
    expect(table.size).toBe(1);
    forgetSecond();
    expect(table.find(SESSION, ['tas.example.com'])).toBeUndefined();
  });
});
