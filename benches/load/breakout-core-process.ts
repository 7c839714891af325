/**
 * Our breakout core as users run it (`node examples/breakout-core/dist/main.js`),
 * configured by `SIPBREAKOUT_…` variables: free loopback ports, a temporary
 * data folder, the SIPp callee as next hop (the direct route: no
 * registration), little logging.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort, stopChild, waitForUdpPort } from './sipp.js';

const CORE_MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/breakout-core/dist/main.js');

/** A running core. */
export interface CoreProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** Resident set size of the core's process, from /proc/<pid>/status, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/** Starts the core in front of `callee` and waits until `/healthz` answers 200. */
export async function startCore(options: { callee: number; maxSeconds: number; logLevel: string }): Promise<CoreProcess> {
  if (!existsSync(CORE_MAIN)) {
    throw new Error(`${CORE_MAIN} is missing: pnpm --filter "@sipbreakout/example-breakout-core..." run build`);
  }
  const port = await freeUdpPort();
  const httpPort = await freeUdpPort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    SIPBREAKOUT_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sipbreakout-load-core-')),
    SIPBREAKOUT_LOG_LEVEL: options.logLevel,
    SIPBREAKOUT_SIP_MOBILE_HOST: '127.0.0.1',
    SIPBREAKOUT_SIP_MOBILE_UDP_PORT: String(port),
    SIPBREAKOUT_SIP_MOBILE_TCP_PORT: String(await freeUdpPort()),
    SIPBREAKOUT_SIP_TAS_TLS_PORT: String(await freeUdpPort()),
    SIPBREAKOUT_GRPC_PORT: String(await freeUdpPort()),
    SIPBREAKOUT_HTTP_PORT: String(httpPort),
    SIPBREAKOUT_SIP_MOBILE_NEXT_HOP: `sip:127.0.0.1:${options.callee};transport=udp`,
  };
  // `timeout` would hide the node pid (RSS); the core is stopped by us and bounded by the run's cap instead.
  const child = spawn(process.execPath, [CORE_MAIN], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), options.maxSeconds * 1000);
  killer.unref();
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-8192);
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the core exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`the core was not healthy within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await waitForUdpPort(port, 5000);
  const pid = child.pid;
  return {
    port,
    child,
    rss: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    stop: async () => {
      clearTimeout(killer);
      await stopChild(child);
    },
  };
}
