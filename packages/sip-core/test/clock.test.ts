import { describe, expect, it } from 'vitest';
import { ManualClock, SystemClock } from '../src/clock.js';

describe('ManualClock', () => {
  it('reads 0 on the monotonic scale and 2025-01-01 on the wall clock unless told otherwise, and moves both together', () => {
    const clock = new ManualClock();
    expect(clock.now()).toBe(0);
    expect(clock.wallNow()).toBe(Date.UTC(2025, 0, 1));
    clock.advance(1_500);
    expect(clock.now()).toBe(1_500);
    expect(clock.wallNow()).toBe(Date.UTC(2025, 0, 1) + 1_500);
    const other = new ManualClock({ now: 10, wallNow: 1_000_000 });
    other.advance(5);
    expect([other.now(), other.wallNow()]).toEqual([15, 1_000_005]);
  });

  it('fires timers in deadline order, ties in the order they were set, with now() at each deadline', () => {
    const clock = new ManualClock();
    const fired: Array<[string, number]> = [];
    clock.setTimer(30, () => fired.push(['c', clock.now()]));
    clock.setTimerAt(10, () => fired.push(['a', clock.now()]));
    clock.setTimer(10, () => fired.push(['b', clock.now()]));
    expect(clock.pending).toBe(3);
    expect(clock.nextDeadline()).toBe(10);
    clock.advance(29);
    expect(fired).toEqual([
      ['a', 10],
      ['b', 10],
    ]);
    expect(clock.now()).toBe(29);
    clock.advance(1);
    expect(fired.at(-1)).toEqual(['c', 30]);
    expect(clock.pending).toBe(0);
  });

  it('fires a timer set for a deadline already passed at the current time, after those already due then', () => {
    const clock = new ManualClock({ now: 100 });
    const fired: Array<[string, number]> = [];
    clock.setTimer(0, () => fired.push(['due', clock.now()]));
    clock.setTimerAt(40, () => fired.push(['past', clock.now()]));
    clock.setTimer(-5, () => fired.push(['negative', clock.now()]));
    clock.advance(0);
    expect(fired).toEqual([
      ['due', 100],
      ['past', 100],
      ['negative', 100],
    ]);
  });

  it('fires timers set by a callback within the same advance, and never fires a cancelled one', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    const cancelled = clock.setTimer(15, () => fired.push(-1));
    clock.setTimer(10, () => {
      fired.push(clock.now());
      clock.setTimerAt(clock.now() + 5, () => fired.push(clock.now()));
      cancelled.cancel();
    });
    cancelled.cancel();
    clock.advance(100);
    expect(fired).toEqual([10, 15]);
  });

  it('refuses to move back', () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(clock.now()).toBe(0);
  });

  it('runs every pending timer with runAll, up to a limit', () => {
    const clock = new ManualClock();
    let count = 0;
    const again = (): void => {
      count++;
      clock.setTimer(1_000, again);
    };
    clock.setTimer(1_000, again);
    expect(clock.runAll(5)).toBe(5);
    expect(count).toBe(5);
    expect(clock.now()).toBe(5_000);
  });
});

describe('SystemClock', () => {
  it('reads a monotonic time and the wall clock', () => {
    const clock = new SystemClock();
    const a = clock.now();
    const b = clock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(clock.wallNow() - Date.now())).toBeLessThan(50);
  });

  it('fires a timer after its delay and at its deadline, and not once cancelled', async () => {
    const clock = new SystemClock();
    const fired: string[] = [];
    const start = clock.now();
    await new Promise<void>((resolve) => {
      clock.setTimer(5, () => fired.push('delay'));
      clock.setTimer(5, () => fired.push('cancelled')).cancel();
      clock.setTimerAt(start + 10, () => {
        fired.push('deadline');
        resolve();
      });
    });
    expect(clock.now() - start).toBeGreaterThanOrEqual(9);
    expect(fired).toEqual(['delay', 'deadline']);
  });

  it('waits out a delay longer than setTimeout takes instead of firing at once', async () => {
    const clock = new SystemClock();
    let fired = false;
    const long = clock.setTimer(2 ** 31 + 1_000, () => {
      fired = true;
    });
    const later = clock.setTimerAt(clock.now() + 30 * 86_400_000, () => {
      fired = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toBe(false);
    long.cancel();
    later.cancel();
  });
});
