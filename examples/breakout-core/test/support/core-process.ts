import { execFile, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { startServiceProcess, type ServiceProcess } from '@sipbreakout/test-peers';

/** The package directory and its compiled entry point. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Compiles the package (src → dist) as `pnpm build` does, so the child runs the current code. */
export function buildPackage(): Promise<void> {
  const tsc = fileURLToPath(new URL('../../../../node_modules/typescript/bin/tsc', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json'],
      { cwd: PACKAGE_DIR, timeout: 60_000 },
      (error, stdout) => (error === null ? resolve() : reject(new Error(`tsc failed: ${stdout}`))),
    );
  });
}

/** Environment overrides for ephemeral loopback ports and a data folder. */
export function ephemeralEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SIPBREAKOUT_DATA_DIR: dataDir,
    SIPBREAKOUT_SIP_MOBILE_UDP_PORT: '0',
    SIPBREAKOUT_SIP_MOBILE_TCP_PORT: '0',
    SIPBREAKOUT_SIP_TAS_TLS_PORT: '0',
    SIPBREAKOUT_GRPC_PORT: '0',
    SIPBREAKOUT_HTTP_PORT: '0',
    SIPBREAKOUT_GRPC_DRAIN_SECONDS: '2',
    ...extra,
  };
}

/** The JSON `ready` log line. */
export interface ReadyLine {
  readonly sipMobileUdp: string;
  readonly sipMobileTcp: string;
  readonly sipTasTls: string;
  readonly grpc: string;
  /** The address a client on this machine dials. */
  readonly grpcDial: string;
  /** The gRPC API's TLS (absent: plaintext) and what a client needs. */
  readonly grpcTls?: {
    readonly mode: 'dev' | 'files';
    readonly certFile: string;
    readonly names: readonly string[];
    readonly clientCertificate: 'none' | 'require';
    readonly clientCaFile?: string;
    readonly client: {
      readonly caFile?: string;
      readonly serverName?: string;
      readonly certFile?: string;
      readonly keyFile?: string;
    };
  };
  readonly http: string;
  readonly dataDir: string;
  readonly tokenFile: string;
  readonly commands: {
    readonly bufCurl: string;
    readonly node: string;
    readonly deleteBufCurl: string;
    readonly deleteNode: string;
  };
}

/** A core running as users run it: `node dist/main.js` in a child process. */
export type CoreProcess = ServiceProcess<ReadyLine>;

/** Starts the core with `env` (merged over a clean environment) in `cwd`, and waits for its `ready` line. */
export function startCore(env: Record<string, string>, cwd: string): Promise<CoreProcess> {
  return startServiceProcess<ReadyLine>({ main: MAIN, env, cwd, name: 'core' });
}

/** How a run of the core that should not start ended. */
export interface CoreExit {
  /** The exit code (null: killed, it did not exit by itself within the time). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node dist/main.js [args]` with only `env` (over PATH and HOME) in
 * `cwd`, for a configuration it must refuse: resolves when it exits, or
 * kills it after `timeoutMs` (code null).
 */
export function runCoreToExit(
  env: Record<string, string>,
  cwd: string,
  args: readonly string[] = [],
  timeoutMs = 20_000,
): Promise<CoreExit> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Runs a command line in bash (as a user pastes it) and returns its exit code and output. */
export function runShell(command: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Sends one SIP request over UDP from an ephemeral port and resolves with the first response's text. */
export function sipOverUdp(address: string, method: string, extraHeaders: readonly string[] = []): Promise<string> {
  const [host = '127.0.0.1', port = '0'] = address.split(':');
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer to ${method} within 5 s`));
    }, 5000);
    socket.on('message', (bytes) => {
      clearTimeout(timer);
      socket.close();
      resolve(bytes.toString('latin1'));
    });
    socket.bind(0, '127.0.0.1', () => {
      const local = socket.address().port;
      const message = [
        `${method} sip:core@${address} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-${method.toLowerCase()}-${Date.now()}`,
        'Max-Forwards: 70',
        'From: <sip:+4799990000@mobile.invalid>;tag=a1',
        'To: <sip:core@core.invalid>',
        `Call-ID: ${method.toLowerCase()}-${Date.now()}@test`,
        `CSeq: 1 ${method}`,
        ...extraHeaders,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(message, Number(port), host);
    });
  });
}

/** Sends raw bytes over UDP (bad input), without waiting for anything. */
export function sendDatagram(address: string, bytes: string): Promise<void> {
  const [host = '127.0.0.1', port = '0'] = address.split(':');
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) =>
    socket.send(bytes, Number(port), host, () => {
      socket.close();
      resolve();
    }),
  );
}
