/**
 * Waiting in tests that talk to real sockets and processes: poll a
 * condition until it holds or a deadline passes. (Tests of a virtual clock
 * advance the clock instead; a condition that throws until it holds is
 * `vi.waitFor`'s.)
 */
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/**
 * Polls `predicate` every `everyMs` until it returns true (resolves true) or
 * `ms` have passed (resolves false, for the test to assert). An async
 * predicate is awaited before the next poll.
 */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 2000, everyMs = 5): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await predicate()) return true;
    if (Date.now() >= end) return false;
    await sleep(everyMs);
  }
}
