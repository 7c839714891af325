import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExpiryHeap } from '../src/index.js';

interface Entry {
  heapIndex: number;
  deadline: number;
  id: number;
}

describe('ExpiryHeap', () => {
  it('pops exactly the entries due, earliest first, under any mix of push, update and remove', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('push' as const), deadline: fc.integer({ min: 0, max: 1000 }) }),
            fc.record({
              op: fc.constant('update' as const),
              pick: fc.nat(),
              deadline: fc.integer({ min: 0, max: 1000 }),
            }),
            fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
          ),
          { maxLength: 200 },
        ),
        fc.integer({ min: 0, max: 1000 }),
        (operations, now) => {
          const heap = new ExpiryHeap<Entry>((entry) => entry.deadline);
          const live = new Map<number, Entry>();
          let id = 0;
          for (const operation of operations) {
            if (operation.op === 'push') {
              const entry = { heapIndex: -1, deadline: operation.deadline, id: id++ };
              heap.push(entry);
              live.set(entry.id, entry);
            } else if (live.size > 0) {
              const entry = [...live.values()][operation.pick % live.size] as Entry;
              if (operation.op === 'update') {
                entry.deadline = operation.deadline;
                heap.update(entry);
              } else {
                heap.remove(entry);
                live.delete(entry.id);
              }
            }
          }
          expect(heap.size).toBe(live.size);
          const expired = heap.popExpired(now);
          const expected = [...live.values()]
            .filter((e) => e.deadline <= now)
            .map((e) => e.deadline)
            .sort((a, b) => a - b);
          expect(expired.map((e) => e.deadline)).toEqual(expected);
          expect(expired.every((e) => e.heapIndex === -1)).toBe(true);
          expect(heap.size).toBe(live.size - expected.length);
          const next = heap.peekDeadline();
          if (next !== undefined) expect(next).toBeGreaterThan(now);
        },
      ),
      { numRuns: 500 },
    );
  });
});
