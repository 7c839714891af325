/**
 * Kamailio (Debian's `kamailio`) as the reference: a transaction-stateful
 * proxy with a minimal config of ours in a temporary folder, started in the
 * foreground (`-DD -E`; the packaged init script does not run here).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freeUdpPort, stopChild, UDP_BUFFER_BYTES, waitForUdpPort } from './sipp.js';

/** The kamailio binary (often /usr/sbin, not on a user's PATH), or throws. */
export function findKamailio(): { binary: string; version: string } {
  const candidates = ['kamailio', '/usr/sbin/kamailio', '/usr/local/sbin/kamailio'];
  for (const binary of candidates) {
    if (binary.startsWith('/') && !existsSync(binary)) continue;
    const r = spawnSync(binary, ['-v'], { encoding: 'utf8' });
    if (r.error === undefined && r.status === 0) {
      return { binary, version: /kamailio [\d.]+/.exec(`${r.stdout}`)?.[0] ?? 'kamailio' };
    }
  }
  throw new Error(
    'kamailio is not installed: run scripts/install-test-peers.sh (.ci/setup.d/40-kamailio.sh, Debian package kamailio)',
  );
}

function modulesDir(): string {
  for (const dir of [
    '/usr/lib/x86_64-linux-gnu/kamailio/modules',
    '/usr/lib/aarch64-linux-gnu/kamailio/modules',
    '/usr/lib/kamailio/modules',
    '/usr/local/lib64/kamailio/modules',
  ]) {
    if (existsSync(path.join(dir, 'tm.so'))) return dir;
  }
  throw new Error('kamailio modules (tm.so) not found');
}

/**
 * The config: every request goes to the callee by `$du`, INVITE and BYE
 * through tm (`t_relay()`), ACK to a 2xx statelessly. SIPp's caller sends ACK
 * and BYE to the proxy without a Route, so the proxy forwards them by its own
 * configuration, not by Record-Route (BENCHMARKING.md).
 */
export function kamailioConfig(options: { port: number; callee: number; children: number }): string {
  return `#!KAMAILIO
debug=-1
log_stderror=yes
memdbg=5
memlog=5
children=${options.children}
disable_tcp=yes
auto_aliases=no
listen=udp:127.0.0.1:${options.port}
maxbuffer=${UDP_BUFFER_BYTES}
mpath="${modulesDir()}/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"

request_route {
  if (!mf_process_maxfwd_header("10")) {
    sl_send_reply("483", "Too Many Hops");
    exit;
  }
  $du = "sip:127.0.0.1:${options.callee};transport=udp";
  if (is_method("ACK")) {
    if (t_check_trans()) {
      t_relay();
    } else {
      forward();
    }
    exit;
  }
  if (!t_relay()) {
    sl_reply_error();
  }
  exit;
}
`;
}

/** A running Kamailio. */
export interface KamailioProcess {
  readonly port: number;
  readonly child: ChildProcess;
  readonly version: string;
  stop(): Promise<void>;
}

/** Writes the config to a temporary folder and starts Kamailio on a free port in front of `callee`. */
export async function startKamailio(options: {
  callee: number;
  children: number;
  maxSeconds: number;
}): Promise<KamailioProcess> {
  const { binary, version } = findKamailio();
  const port = await freeUdpPort();
  const dir = mkdtempSync(path.join(tmpdir(), 'sipbreakout-load-kamailio-'));
  const cfg = path.join(dir, 'kamailio.cfg');
  writeFileSync(cfg, kamailioConfig({ port, callee: options.callee, children: options.children }));
  const check = spawnSync(binary, ['-c', '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`kamailio rejected its config ${cfg}: ${check.stderr}`);
  const child = spawn(
    'timeout',
    [
      '--kill-after=5',
      String(options.maxSeconds),
      binary,
      '-DD',
      '-E',
      '-f',
      cfg,
      '-m',
      '256',
      '-M',
      '16',
      '-Y',
      dir,
      '-w',
      dir,
      '-P',
      path.join(dir, 'kamailio.pid'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('latin1')).slice(-8192);
  });
  try {
    await waitForUdpPort(port, 10_000);
  } catch (e) {
    await stopChild(child);
    throw new Error(`kamailio did not listen on ${port}: ${stderr}`, { cause: e });
  }
  // The children bind after the attendant; give them a moment.
  await new Promise((r) => setTimeout(r, 500));
  return { port, child, version, stop: () => stopChild(child) };
}
