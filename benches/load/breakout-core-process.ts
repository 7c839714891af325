/**
 * Our breakout core as users run it (`node examples/breakout-core/dist/main.js`),
 * configured by `SIPBREAKOUT_…` variables: free loopback ports, a temporary
 * data folder, the SIPp callee as next hop (the direct route when no
 * registration is made), little logging; the LOOP route adds its TLS
 * certificate variables through `env`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort, stopChild, waitForUdpPort } from './sipp.js';

const CORE_MAIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../examples/breakout-core/dist/main.js',
);

/** A running core. */
export interface CoreProcess {
  /** The mobile face's UDP port (leg 1 and leg 4). */
  readonly port: number;
  /** The TAS face's TLS port (leg 3 may also arrive on the core's own connection to the TAS). */
  readonly tasTlsPort: number;
  /** The gRPC API's port (127.0.0.1). */
  readonly grpcPort: number;
  /** The operations HTTP port (127.0.0.1): `/healthz`, `/metrics`. */
  readonly httpPort: number;
  /** The core's data folder: `auth/dev-token.jwt` holds the development token of the gRPC API. */
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** The last lines the core logged (JSON, at the given level and above), at most 16 KiB. */
  logTail(): string;
  /** Resident set size of the core's process, from /proc/<pid>/status, in bytes. */
  rss(): number;
  /** One sample of the core's own gauges from /metrics (V8 heap used, transactions open). */
  gauges(): Promise<{ readonly heapUsedBytes: number; readonly transactionsOpen: number }>;
  stop(): Promise<void>;
}

/**
 * The V8 flags the core's `pnpm start` runs it with (examples/breakout-core's
 * `start` script; its README says why): a 64 MiB young generation, so that a
 * call's messages die young instead of being promoted, and an old
 * generation let grow to twice what survived its last full collection.
 */
export const CORE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--heap-growing-percent=100'];

/** Starts the core in front of `callee` (with `env` over its variables) and waits until `/healthz` answers 200. */
export async function startCore(options: {
  callee: number;
  maxSeconds: number;
  logLevel: string;
  env?: Readonly<Record<string, string>>;
  nodeArgs?: readonly string[];
}): Promise<CoreProcess> {
  if (!existsSync(CORE_MAIN)) {
    throw new Error(`${CORE_MAIN} is missing: pnpm --filter "@sipbreakout/example-breakout-core..." run build`);
  }
  const port = await freeUdpPort();
  const httpPort = await freeUdpPort();
  const tasTlsPort = await freeUdpPort();
  const grpcPort = await freeUdpPort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sipbreakout-load-core-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    SIPBREAKOUT_DATA_DIR: dataDir,
    SIPBREAKOUT_LOG_LEVEL: options.logLevel,
    SIPBREAKOUT_SIP_MOBILE_HOST: '127.0.0.1',
    SIPBREAKOUT_SIP_MOBILE_UDP_PORT: String(port),
    SIPBREAKOUT_SIP_MOBILE_TCP_PORT: String(await freeUdpPort()),
    SIPBREAKOUT_SIP_TAS_HOST: '127.0.0.1',
    SIPBREAKOUT_SIP_TAS_TLS_PORT: String(tasTlsPort),
    SIPBREAKOUT_GRPC_HOST: '127.0.0.1',
    SIPBREAKOUT_GRPC_PORT: String(grpcPort),
    SIPBREAKOUT_HTTP_HOST: '127.0.0.1',
    SIPBREAKOUT_HTTP_PORT: String(httpPort),
    SIPBREAKOUT_SIP_MOBILE_NEXT_HOP: `sip:127.0.0.1:${options.callee};transport=udp`,
    ...options.env,
  };
  // `timeout` would hide the node pid (RSS); the core is stopped by us and bounded by the run's cap instead.
  const child = spawn(process.execPath, [...CORE_NODE_FLAGS, ...(options.nodeArgs ?? []), CORE_MAIN], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), options.maxSeconds * 1000);
  killer.unref();
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-8192);
  });
  // Read (never left to fill the pipe and stall the core), keep the end.
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout = (stdout + d.toString('utf8')).slice(-16384);
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
    tasTlsPort,
    grpcPort,
    httpPort,
    dataDir,
    child,
    logTail: () => stdout,
    rss: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    gauges: async () => {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      let heapUsedBytes = 0;
      let transactionsOpen = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('sipbreakout_nodejs_heap_size_used_bytes ')) heapUsedBytes = Number(line.split(' ')[1]);
        else if (line.startsWith('sipbreakout_sip_transactions_open'))
          transactionsOpen += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
      }
      return { heapUsedBytes, transactionsOpen };
    },
    stop: async () => {
      clearTimeout(killer);
      await stopChild(child);
      // The data folder holds the dev signing key and token: nothing to keep after the run.
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
