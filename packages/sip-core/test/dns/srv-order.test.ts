import { describe, expect, it } from 'vitest';
import { orderSrvRecords, type SrvRecord } from '../../src/dns/srv-order.js';

const srv = (name: string, priority: number, weight: number): SrvRecord => ({ name, priority, weight, port: 5061 });

/** mulberry32: a seeded source, so the statistics below are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('orderSrvRecords (RFC 2782 usage rules)', () => {
  it('tries lower priorities first, whatever their weight', () => {
    const order = orderSrvRecords([srv('c', 20, 100), srv('a', 10, 0), srv('b', 10, 0)], () => 0.99);
    expect(order.map((r) => r.name).slice(-1)).toEqual(['c']);
    expect(
      order
        .slice(0, 2)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('draws within a priority by running sum: the first record whose running sum ≥ the random number', () => {
    const records = [srv('a', 10, 60), srv('b', 10, 40)];
    // total 100: a number in 0..60 selects a, 61..100 selects b.
    expect(orderSrvRecords(records, () => 0.5).map((r) => r.name)).toEqual(['a', 'b']);
    expect(orderSrvRecords(records, () => 0.7).map((r) => r.name)).toEqual(['b', 'a']);
  });

  it('puts weight-0 records first in the running sum, so they are drawn only on a 0', () => {
    const records = [srv('heavy', 1, 10), srv('zero', 1, 0)];
    expect(orderSrvRecords(records, () => 0).map((r) => r.name)).toEqual(['zero', 'heavy']);
    expect(orderSrvRecords(records, () => 0.5).map((r) => r.name)).toEqual(['heavy', 'zero']);
  });

  it('picks records in proportion to their weight (10,000 draws, 60/30/10)', () => {
    const random = seeded(7);
    const records = [srv('a', 1, 60), srv('b', 1, 30), srv('c', 1, 10)];
    const first = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const name = orderSrvRecords(records, random)[0]!.name;
      first.set(name, (first.get(name) ?? 0) + 1);
    }
    expect(first.get('a')! / 10_000).toBeCloseTo(0.6, 1);
    expect(first.get('b')! / 10_000).toBeCloseTo(0.3, 1);
    expect(first.get('c')! / 10_000).toBeCloseTo(0.1, 1);
  });

  it('returns every record exactly once', () => {
    const records = [srv('a', 1, 5), srv('b', 2, 5), srv('c', 1, 0), srv('d', 2, 50), srv('e', 3, 1)];
    const order = orderSrvRecords(records, seeded(1));
    expect(order).toHaveLength(5);
    expect(new Set(order.map((r) => r.name)).size).toBe(5);
    expect(order.map((r) => r.priority)).toEqual([1, 1, 2, 2, 3]);
  });
});
