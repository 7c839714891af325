/**
 * The order in which SRV targets are tried (RFC 2782 "Usage rules", applied
 * by RFC 3263 §4.4): lowest priority first; within a priority, a weighted
 * random draw, repeated on the records not yet drawn. Pure: the random
 * source comes in, so tests are deterministic.
 */

/** One SRV record (RFC 2782). */
export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  /** The target host name; "." means the service is not offered. */
  readonly name: string;
}

/** A source of numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * Orders SRV records for trying, one after the other (RFC 2782): sorted by
 * priority; within each priority the records are drawn one at a time with a
 * probability proportional to their weight, records of weight 0 having a
 * very small chance (they are put first in the running sum, as the RFC says,
 * and are drawn only when the random number is 0 or all weights are 0).
 */
export function orderSrvRecords(records: readonly SrvRecord[], random: RandomSource = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    const group = byPriority.get(r.priority);
    if (group === undefined) byPriority.set(r.priority, [r]);
    else group.push(r);
  }
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // RFC 2782: "arrange all SRV RRs (that have not been ordered yet) in any order,
    // except that all those with weight 0 are placed at the beginning of the list".
    const remaining = [...(byPriority.get(priority) ?? [])].sort(
      (a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1),
    );
    while (remaining.length > 0) {
      const total = remaining.reduce((sum, r) => sum + r.weight, 0);
      // "choose a uniform random number between 0 and the sum computed (inclusive)".
      const pick = Math.min(total, Math.floor(random() * (total + 1)));
      let running = 0;
      let index = remaining.length - 1;
      for (let i = 0; i < remaining.length; i++) {
        running += remaining[i]!.weight;
        // "select the RR whose running sum value is the first in the selected order
        // which is greater than or equal to the random number selected".
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(remaining[index]!);
      remaining.splice(index, 1);
    }
  }
  return out;
}
