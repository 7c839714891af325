/**
 * CPU time of a process and its descendants, read from `/proc/<pid>/stat`
 * (utime + stime), so a step can say how busy each process of the path was:
 * socat and SIPp run under `timeout` (and socat forks one child per
 * connection), so the tree is what counts, not the pid we spawned.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ: 100 on Linux for every architecture Node runs on here). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly ppid: number;
  readonly ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the name: state(3) ppid(4) … utime(14) stime(15), here 0-based from state.
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}

/** CPU seconds used so far by `root` and every process below it (0 when it is gone). */
export function treeCpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const stat = readStat(pid);
    if (stat === undefined) continue;
    ticks.set(pid, stat.ticks);
    const siblings = children.get(stat.ppid);
    if (siblings === undefined) children.set(stat.ppid, [pid]);
    else siblings.push(pid);
  }
  let total = 0;
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    total += ticks.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total / TICKS_PER_SECOND;
}

/** CPU used by one process tree over a watch, in % of one core. */
export interface CpuShare {
  /** Over the whole watch. */
  readonly average: number;
  /** The busiest sampling interval (1 s): a step's average hides a saturated second. */
  readonly peak: number;
}

/**
 * Watches several process trees from now on, sampling every `intervalMs`;
 * `stop()` gives each one's average and peak share of one core.
 */
export function watchCpu(
  roots: Readonly<Record<string, number | undefined>>,
  intervalMs = 1000,
): { stop(): Record<string, CpuShare> } {
  const names = Object.keys(roots);
  const read = (): number[] =>
    names.map((name) => {
      const pid = roots[name];
      return pid === undefined ? 0 : treeCpuSeconds(pid);
    });
  const first = read();
  const peak = names.map(() => 0);
  let last = first;
  let lastAt = process.hrtime.bigint();
  const startedAt = lastAt;
  const sample = (): number[] => {
    const now = process.hrtime.bigint();
    const current = read();
    const wall = Number(now - lastAt) / 1e9;
    if (wall > 0) current.forEach((v, i) => (peak[i] = Math.max(peak[i] ?? 0, ((v - (last[i] ?? 0)) / wall) * 100)));
    last = current;
    lastAt = now;
    return current;
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const end = sample();
      const wall = Number(process.hrtime.bigint() - startedAt) / 1e9;
      return Object.fromEntries(
        names.map((name, i) => [
          name,
          {
            average: wall > 0 ? Math.round((((end[i] ?? 0) - (first[i] ?? 0)) / wall) * 100) : 0,
            peak: Math.round(peak[i] ?? 0),
          },
        ]),
      );
    },
  };
}
