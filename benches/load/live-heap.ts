/**
 * The live size of a process's JavaScript heap: V8's "heap used" counts
 * garbage not yet collected (an idle process may keep hundreds of MiB of it
 * for minutes), so a memory verdict needs what survives a full collection.
 *
 * The process is started with `--expose-gc` and a preloaded file (written
 * into `dir`) that, on `SIGUSR2`, runs full collections and writes the heap
 * used after them to a file in `dir`. A heap snapshot would give the same
 * figure, but a process that took one tracks every object move from then
 * on: its collections slow down for good, enough to fail the calls the
 * memory run is measuring.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PRELOAD = `'use strict';
// Written by the load benchmark: on SIGUSR2, the heap used after full collections.
const { writeFileSync, renameSync } = require('node:fs');
const path = require('node:path');
let n = 0;
process.on('SIGUSR2', () => {
  for (let i = 0; i < 3; i++) globalThis.gc();
  const file = path.join(DIR, 'live-heap-' + process.pid + '-' + (n++) + '.json');
  writeFileSync(file + '.tmp', JSON.stringify({ heapUsed: process.memoryUsage().heapUsed }));
  renameSync(file + '.tmp', file);
});
`;

/** The node flags that make {@link liveHeapBytes} work, with its preload file written into `dir`. */
export function liveHeapFlags(dir: string): string[] {
  const preload = path.join(dir, 'live-heap-preload.cjs');
  writeFileSync(preload, PRELOAD.replace('DIR', JSON.stringify(dir)));
  return ['--expose-gc', `--require=${preload}`];
}

/** Signals `pid`, waits (up to `timeoutMs`) for its answer in `dir`, and returns the live heap in bytes. The file is removed. */
export async function liveHeapBytes(pid: number, dir: string, timeoutMs = 60_000): Promise<number> {
  const answered = (f: string): boolean => f.startsWith(`live-heap-${pid}-`) && f.endsWith('.json');
  const before = new Set(readdirSync(dir).filter(answered));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const file = readdirSync(dir).find((f) => answered(f) && !before.has(f));
    if (file === undefined) continue;
    const { heapUsed } = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { heapUsed: number };
    rmSync(path.join(dir, file), { force: true });
    return heapUsed;
  }
  throw new Error(`no live heap figure from pid ${pid} within ${timeoutMs} ms`);
}
