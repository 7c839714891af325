import { describe, expect, it } from 'vitest';
import { type Clock, type ClockTimer, ManualClock } from '../../src/clock.js';
import { DeadlineQueue } from '../../src/transaction/deadline-queue.js';

describe('DeadlineQueue', () => {
  it('fires each timer at its exact deadline, in order, with one clock timer at a time', () => {
    const clock = new ManualClock();
    const fired: Array<[string, number]> = [];
    let armed = 0;
    const counting: Clock = {
      now: () => clock.now(),
      wallNow: () => clock.wallNow(),
      setTimer: (delay, callback) => {
        armed++;
        return clock.setTimer(delay, callback);
      },
      setTimerAt: (deadline, callback) => {
        armed++;
        return clock.setTimerAt(deadline, callback);
      },
    };
    const queue = new DeadlineQueue<string>(counting, (t) => fired.push([t.subject, clock.now()]));
    queue.add(32_000, 'a');
    clock.advance(10);
    queue.add(32_010, 'b');
    clock.advance(5);
    queue.add(32_015, 'c');
    expect(armed).toBe(1);
    clock.advance(31_984);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([['a', 32_000]]);
    clock.advance(20);
    expect(fired).toEqual([
      ['a', 32_000],
      ['b', 32_010],
      ['c', 32_015],
    ]);
    expect(queue.size).toBe(0);
  });

  it('skips cancelled timers and clears', () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    const queue = new DeadlineQueue<string>(clock, (t) => fired.push(t.subject));
    const a = queue.add(1_000, 'a');
    queue.add(2_000, 'b');
    a.cancel();
    a.cancel();
    clock.advance(2_000);
    expect(fired).toEqual(['b']);
    queue.add(3_000, 'c');
    queue.clear();
    clock.advance(5_000);
    expect(fired).toEqual(['b']);
  });

  it('arms again when a real clock wakes it a little early', () => {
    const clock = new ManualClock();
    // A clock whose long timers fire 1 ms before they are due, as Node's can (by a fraction).
    const early: Clock = {
      now: () => clock.now(),
      wallNow: () => clock.wallNow(),
      setTimer: (delay, callback): ClockTimer => clock.setTimer(delay > 1 ? delay - 1 : delay, callback),
      setTimerAt: (deadline, callback): ClockTimer =>
        clock.setTimerAt(deadline - clock.now() > 1 ? deadline - 1 : deadline, callback),
    };
    const fired: number[] = [];
    const queue = new DeadlineQueue<string>(early, () => fired.push(clock.now()));
    queue.add(5_000, 'a');
    clock.advance(4_999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([5_000]);
  });
});
