/**
 * The peers of the e2e calls, all SIPp (Debian's sip-tester) with scenario
 * files of ours: Alice (UAC on the mobile side, UDP), Bob (UAS as the
 * mobile next hop, UDP) and a TAS (SIPp over TCP behind socat, which
 * terminates TLS with the TAS's certificate). Each run is bounded in calls
 * (`-m`) and time (`timeout`, exit 124 is a failure) and logs every message
 * it saw (`-trace_msg`), which the tests read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSipp, sippPorts, type SippResult } from '@sipbreakout/test-peers';
import { startSocat, type Socat } from '@sipbreakout/test-peers';

/** A scenario file of `test/e2e/scenarios`. */
export const scenario = (name: string): string => fileURLToPath(new URL(`../e2e/scenarios/${name}`, import.meta.url));

/** A SIPp run and the messages it logged. */
export interface PeerRun {
  readonly result: Promise<SippResult>;
  /** The message log, once the run ended. */
  messages(): Promise<string>;
  /**
   * What the run showed so far, for a failing assertion's message: SIPp's
   * output when it already ended (else that it still runs) and its message
   * log as written up to now. Never waits for the run to end.
   */
  report(): Promise<string>;
}

/** Options common to every peer. */
interface PeerOptions {
  readonly dir: string;
  readonly name: string;
  /** The loopback address the peer binds (default 127.0.0.1): another one (127.0.0.2) makes its address recognizable in what others receive. */
  readonly ip?: string;
  readonly calls?: number;
  readonly seconds?: number;
}

function run(options: PeerOptions, args: readonly string[]): PeerRun {
  const file = path.join(options.dir, `${options.name}-${Date.now()}.log`);
  const seconds = options.seconds ?? 20;
  const result = runSipp(
    [
      ...args,
      '-m',
      String(options.calls ?? 1),
      '-timeout',
      `${seconds - 5}s`,
      '-timeout_error',
      '-trace_msg',
      '-message_file',
      file,
    ],
    seconds,
  );
  let ended: SippResult | undefined;
  void result.then((r) => (ended = r));
  return {
    result,
    messages: async () => {
      await result;
      return readFile(file, 'latin1').catch(() => '');
    },
    report: async () => {
      const log = await readFile(file, 'latin1').catch(() => '(no message log)');
      const state =
        ended === undefined
          ? `SIPp ${options.name} still runs`
          : `SIPp ${options.name} exited ${ended.exitCode}${ended.timedOut ? ' (timed out)' : ''}:\n${ended.output}`;
      return `${state}\n--- message log ${file} ---\n${log}`;
    },
  };
}

/** Alice calls `callee` through the core's mobile face over UDP (or, over TCP to socat, a TAS places a call). */
export async function alice(
  options: PeerOptions & {
    readonly core: string;
    readonly callee: string;
    readonly scenarioFile?: string;
    readonly transport?: 'u1' | 't1';
    readonly keys?: Record<string, string>;
    readonly rate?: number;
  },
): Promise<PeerRun> {
  const p = await sippPorts();
  const keys = Object.entries(options.keys ?? {}).flatMap(([k, v]) => ['-key', k, v]);
  // -r: new calls per second (SIPp's default is 10).
  const rate = options.rate === undefined ? [] : ['-r', String(options.rate)];
  return run(options, [
    '-sf',
    options.scenarioFile ?? scenario('alice-uac.xml'),
    options.core,
    '-s',
    options.callee,
    ...keys,
    ...rate,
    '-t',
    options.transport ?? 'u1',
    '-i',
    options.ip ?? '127.0.0.1',
    '-p',
    String(p.sip),
    '-cp',
    String(p.control),
    '-mp',
    String(p.media),
  ]);
}

/** An answering UAS on UDP `port` (Bob as the next hop); `args` are more of SIPp's (`-rtp_echo`: RTP sent back where it came from). */
export async function bob(
  options: PeerOptions & { readonly port: number; readonly scenarioFile?: string; readonly args?: readonly string[] },
): Promise<PeerRun> {
  const p = await sippPorts();
  return run(options, [
    '-sf',
    options.scenarioFile ?? scenario('answering-uas.xml'),
    '-t',
    'u1',
    '-i',
    options.ip ?? '127.0.0.1',
    '-p',
    String(options.port),
    '-cp',
    String(p.control),
    '-mp',
    String(p.media),
    '-key',
    'contact',
    `sip:bob@${options.ip ?? '127.0.0.1'}:${options.port}`,
    ...(options.args ?? []),
  ]);
}

/** A TAS: SIPp over TCP behind socat, which listens for TLS on `tlsPort` with the TAS's certificate. */
export async function tas(
  options: PeerOptions & {
    readonly tlsPort: number;
    readonly domain: string;
    readonly certFile: string;
    readonly keyFile: string;
    readonly scenarioFile: string;
    readonly keys?: Record<string, string>;
  },
): Promise<PeerRun & { readonly socat: Socat }> {
  const p = await sippPorts();
  const keys = Object.entries({ contact: `sips:tas@${options.domain}:${options.tlsPort}`, ...options.keys }).flatMap(
    ([k, v]) => ['-key', k, v],
  );
  const peer = run(options, [
    '-sf',
    options.scenarioFile,
    '-t',
    't1',
    '-i',
    options.ip ?? '127.0.0.1',
    '-p',
    String(p.sip),
    '-cp',
    String(p.control),
    '-mp',
    String(p.media),
    ...keys,
  ]);
  const socat = await startSocat(
    `OPENSSL-LISTEN:${options.tlsPort},bind=127.0.0.1,reuseaddr,fork,cert=${options.certFile},key=${options.keyFile},verify=0`,
    `TCP:${options.ip ?? '127.0.0.1'}:${p.sip}`,
    (options.seconds ?? 20) + 5,
  );
  return { ...peer, socat };
}

/** The SIP messages of a SIPp message log, in order, with their direction. */
export function loggedMessages(log: string): Array<{ readonly received: boolean; readonly text: string }> {
  const out: Array<{ received: boolean; text: string }> = [];
  // SIPp writes "message received [N] bytes :" and "message sent (N bytes):".
  const re = /(UDP|TCP) message (received|sent) (?:\[\d+\] bytes ?|\(\d+ bytes\)):\s*\n\n?([\s\S]*?)(?=\n-{10,}|$)/g;
  for (const m of log.matchAll(re)) out.push({ received: m[2] === 'received', text: (m[3] ?? '').replace(/\r/g, '') });
  return out;
}

/** The status lines of the responses a peer received. */
export function receivedStatuses(log: string): string[] {
  return loggedMessages(log)
    .filter((m) => m.received && m.text.startsWith('SIP/2.0 '))
    .map((m) => m.text.split('\n')[0] ?? '');
}

/** The requests of `method` a peer received. */
export function received(log: string, method: string): string[] {
  return loggedMessages(log)
    .filter((m) => m.received && m.text.startsWith(`${method} `))
    .map((m) => m.text);
}

/** The value of header `name` in a logged message. */
export function headerOf(message: string, name: string): string | undefined {
  const m = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'im').exec(message);
  return m?.[1]?.trim();
}
