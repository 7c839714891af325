/**
 * What every e2e call test sets up: test certificates (a CA, the core's TAS
 * face, a TAS for `localhost`, an impostor for another domain), a core run
 * as users run it (`node dist/main.js`, config by environment, Bob's UDP
 * port as the mobile next hop), a gRPC client holding the printed token,
 * and the helpers the tests share (a direct call, a registration that
 * removes itself, a SIPp TAS behind socat with the TAS's certificate), and
 * more cores of the same deployment when a test needs several nodes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SipBreakoutClient, type Registration } from '@sipbreakout/grpc-api';
import { CertificateAuthority } from '@sipbreakout/sip-core/testing';
import { ephemeralEnv, startCore, type CoreProcess } from './core-process.js';
import { alice, bob, received, tas, type PeerRun } from './sip-peers.js';
import { fetchMetrics, freePort, requireSipp, requireSocat, type SippResult } from '@sipbreakout/test-peers';
import { writePemFiles, type Socat } from '@sipbreakout/test-peers';

/** The calling subscriber. */
export const ALICE = '+4790000001';
/** The called subscriber, reached through the mobile next hop. */
export const BOB = '+4790000002';
/** The TAS's SIP domain: its certificate names it, and it resolves to loopback. */
export const TAS_DOMAIN = 'localhost';
/** An RFC 7989 Session-ID header value (with its optional `remote` parameter). */
export const SESSION_ID = /^([0-9a-f]{32})(;remote=[0-9a-f]{32})?$/;

/** The PEM files of a test: `ca.pem`, `core.pem`/`core.key`, `tas.pem`/`tas.key`, `impostor.pem`/`impostor.key`. */
export type TestPki = Awaited<ReturnType<typeof writePemFiles>>;

/** Fails the test unless one SIPp run ended in time with one successful call and no failed one. */
export function expectPassed(result: SippResult, who: string): void {
  expect(result.timedOut, `${who} stuck:\n${result.output.slice(-1500)}`).toBe(false);
  expect(result.exitCode, `${who}:\n${result.output.slice(0, 1500)}\n…\n${result.output.slice(-600)}`).toBe(0);
  expect(result.successful, who).toBe(1);
  expect(result.failed, who).toBe(0);
}

/** A core started by {@link CallTestbed.startNode}: one more node of the same deployment. */
export interface CoreNode {
  readonly core: CoreProcess;
  /** A gRPC client of this node, with the testbed's token. */
  readonly client: SipBreakoutClient;
  /** This node's `/metrics` text. */
  metrics(): Promise<string>;
  /** Stops this node (asserting exit 0). Idempotent. */
  stop(): Promise<void>;
}

/** A core under test and the peers' shared settings. */
export interface CallTestbed {
  /** The temporary folder of message logs and the core's data. */
  readonly dir: string;
  readonly core: CoreProcess;
  /** Bob's UDP port: the core's mobile next hop. */
  readonly bobPort: number;
  readonly pem: TestPki;
  /** The CA the core trusts for TAS certificates (a test may issue one for another domain). */
  readonly ca: CertificateAuthority;
  /** A gRPC client with the core's printed token. */
  readonly client: SipBreakoutClient;
  /** The core's `/metrics` text. */
  metrics(): Promise<string>;
  /** Upserts `registration` through gRPC (asserting OK); resolves with what deletes it. */
  register(registration: Registration): Promise<() => Promise<void>>;
  /**
   * Starts another core of the same deployment: its own ports and data
   * folder; the testbed's certificates, next hop and `env`, then `env` of
   * its own; and the first core's JWKS (`SIPBREAKOUT_AUTH_JWKS_FILE`), as
   * nodes behind one token issuer have, so the testbed's token works on
   * every node. {@link CallTestbed.stop} stops it too.
   */
  startNode(options: { readonly name: string; readonly env?: Record<string, string> }): Promise<CoreNode>;
  /**
   * Alice calls Bob's number through `through` (default: the first core) and
   * Bob (the next hop) answers; both runs must pass, and Bob must see one INVITE.
   */
  directCall(
    name: string,
    through?: CoreProcess,
  ): Promise<{ readonly bobInvite: string; readonly aliceLog: string; readonly bobLog: string }>;
  /** A SIPp TAS for {@link TAS_DOMAIN} behind socat on `tlsPort`, with the TAS's certificate. */
  tas(options: {
    readonly name: string;
    readonly tlsPort: number;
    readonly scenarioFile: string;
    readonly keys?: Record<string, string>;
    /** The address the SIPp behind socat binds (default 127.0.0.1): the TAS's own host, which it may write into what it sends. */
    readonly ip?: string;
  }): Promise<PeerRun & { readonly socat: Socat }>;
  /** Stops the core (asserting exit 0) and removes the files. */
  stop(): Promise<void>;
}

/**
 * Checks for sipp and socat (missing: an error, never a skip), compiles
 * the package, writes the test certificates and starts a core with them,
 * Bob as its next hop, debug logs, and `env` over that.
 */
export async function startCallTestbed(options: {
  readonly name: string;
  readonly env?: Record<string, string>;
}): Promise<CallTestbed> {
  requireSipp();
  requireSocat();
  const dir = await mkdtemp(join(tmpdir(), `breakout-core-${options.name}-`));
  const ca = await CertificateAuthority.create();
  const coreCert = await ca.issue({
    commonName: 'core.localhost',
    dnsNames: ['localhost'],
    uris: ['sip:localhost'],
    ips: ['127.0.0.1'],
  });
  const tasCert = await ca.issue({ commonName: TAS_DOMAIN, dnsNames: [TAS_DOMAIN], uris: [`sip:${TAS_DOMAIN}`] });
  const impostor = await ca.issue({
    commonName: 'other.example.test',
    dnsNames: ['other.example.test'],
    uris: ['sip:other.example.test'],
  });
  const pem = await writePemFiles({
    'impostor.pem': impostor.cert,
    'impostor.key': impostor.key,
    'ca.pem': ca.cert,
    'core.pem': coreCert.cert,
    'core.key': coreCert.key,
    'tas.pem': tasCert.cert,
    'tas.key': tasCert.key,
  });
  const bobPort = await freePort('udp');
  const deploymentEnv = (dataDir: string, env: Record<string, string> = {}): Record<string, string> =>
    ephemeralEnv(dataDir, {
      SIPBREAKOUT_SIP_MOBILE_NEXT_HOP: `sip:127.0.0.1:${bobPort};transport=udp`,
      SIPBREAKOUT_SIP_TAS_CERT_FILE: pem.path('core.pem'),
      SIPBREAKOUT_SIP_TAS_KEY_FILE: pem.path('core.key'),
      SIPBREAKOUT_SIP_TAS_CA_FILE: pem.path('ca.pem'),
      SIPBREAKOUT_LOG_LEVEL: 'debug',
      ...options.env,
      ...env,
    });
  const core = await startCore(deploymentEnv(join(dir, 'data')), dir);
  const token = (await readFile(core.ready.tokenFile, 'utf8')).trim();
  const client = new SipBreakoutClient({ address: core.ready.grpc, token });
  const nodes: CoreNode[] = [];

  return {
    dir,
    core,
    bobPort,
    pem,
    ca,
    client,
    metrics: () => fetchMetrics(core.ready.http),
    register: async (registration) => {
      expect(await client.upsertRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
      return async () => {
        expect(await client.deleteRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
      };
    },
    startNode: async (node) => {
      const started = await startCore(
        deploymentEnv(join(dir, `data-${node.name}`), {
          SIPBREAKOUT_AUTH_JWKS_FILE: join(core.ready.dataDir, 'auth', 'dev-jwks.json'),
          ...node.env,
        }),
        dir,
      );
      const nodeClient = new SipBreakoutClient({ address: started.ready.grpc, token });
      let stopped: Promise<void> | undefined;
      const handle: CoreNode = {
        core: started,
        client: nodeClient,
        metrics: () => fetchMetrics(started.ready.http),
        stop: () =>
          (stopped ??= (async () => {
            nodeClient.close();
            expect(await started.stop()).toBe(0);
          })()),
      };
      nodes.push(handle);
      return handle;
    },
    directCall: async (name, through = core) => {
      const b = await bob({ dir, name: `${name}-bob`, port: bobPort });
      // SIPp binds its socket after start; give it a moment before Alice's INVITE reaches it.
      await new Promise((r) => setTimeout(r, 300));
      const a = await alice({ dir, name: `${name}-alice`, core: through.ready.sipMobileUdp, callee: BOB });
      const [ar, br] = await Promise.all([a.result, b.result]);
      expectPassed(ar, 'Alice');
      expectPassed(br, 'Bob');
      const bobLog = await b.messages();
      const invites = received(bobLog, 'INVITE');
      expect(invites).toHaveLength(1);
      return { bobInvite: invites[0] ?? '', aliceLog: await a.messages(), bobLog };
    },
    tas: (t) =>
      tas({
        dir,
        name: t.name,
        tlsPort: t.tlsPort,
        domain: TAS_DOMAIN,
        certFile: pem.path('tas.pem'),
        keyFile: pem.path('tas.key'),
        scenarioFile: t.scenarioFile,
        ...(t.keys === undefined ? {} : { keys: t.keys }),
        ...(t.ip === undefined ? {} : { ip: t.ip }),
      }),
    stop: async () => {
      for (const node of nodes) await node.stop();
      client.close();
      expect(await core.stop()).toBe(0);
      await pem.remove();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
