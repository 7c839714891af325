import type { Destination } from '../../../src/transport/transport.js';
import type { TestUa } from './test-ua.js';

/** Places `calls` calls at `rate` calls/s; resolves with each call's result. */
export async function placeCalls(
  ua: TestUa,
  destination: Destination,
  calls: number,
  rate: number,
  holdMs = 0,
): Promise<Array<{ status: number; byeStatus?: number }>> {
  const results: Array<Promise<{ status: number; byeStatus?: number }>> = [];
  const started = Date.now();
  for (let i = 0; i < calls; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    results.push(ua.call(destination, { holdMs }));
  }
  return Promise.all(results);
}
