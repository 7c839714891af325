/**
 * The live size of a process's JavaScript heap: V8's "heap used" counts
 * garbage not yet collected (an idle process may keep hundreds of MiB of it
 * for minutes), so a memory verdict needs what survives a full collection.
 * The process is started with `--heapsnapshot-signal=SIGUSR2`; on the signal
 * V8 collects garbage and writes a snapshot, whose nodes' sizes add up to
 * the live heap.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** The node flags that make {@link liveHeapBytes} work, writing snapshots into `dir`. */
export function liveHeapFlags(dir: string): string[] {
  return ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`];
}

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[] } };
  readonly nodes: readonly number[];
}

/** Signals `pid`, waits (up to `timeoutMs`) for its snapshot in `dir`, and returns the live heap in bytes. The file is removed. */
export async function liveHeapBytes(pid: number, dir: string, timeoutMs = 60_000): Promise<number> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  let file: string | undefined;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    file ??= readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file === undefined) continue;
    const size = statSync(path.join(dir, file)).size;
    // Written once the size stops changing and the JSON closes.
    if (size > 0 && size === lastSize) {
      try {
        const snap = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Snapshot;
        const fields = snap.snapshot.meta.node_fields;
        const width = fields.length;
        const selfSize = fields.indexOf('self_size');
        let total = 0;
        for (let i = selfSize; i < snap.nodes.length; i += width) total += snap.nodes[i] as number;
        rmSync(path.join(dir, file), { force: true });
        return total;
      } catch {
        // Not complete yet.
      }
    }
    lastSize = size;
  }
  throw new Error(`no heap snapshot from pid ${pid} within ${timeoutMs} ms`);
}
