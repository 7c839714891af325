/**
 * The Web Terminal of the core run as users run it (`node dist/main.js`),
 * driven by clients we did not write: Python's grpcio (schema from the
 * descriptor set of `@sipbreakout/web-terminal`) drives a Pipe, with a real
 * rtpengine as the media relay and SIPp as the callee (and as a TAS), and
 * `buf curl` finds the service through reflection. A core without a media
 * relay refuses a terminal's call with `Bye` and logs why.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSdp } from '@sipbreakout/media';
import {
  freePort,
  requirePythonGrpc,
  runPython,
  sample,
  startRtpengine,
  type Rtpengine,
} from '@sipbreakout/test-peers';
import { loadWebTerminalPackage, WEB_TERMINAL_SERVICE_NAME } from '@sipbreakout/web-terminal';
import { EXAMPLE_TERMINAL_NUMBER } from '../../src/example-token.js';
import { bufExecutable } from '../../src/first-registration-commands.js';
import { NO_MEDIA_RELAY_REASON } from '../../src/terminal-calls.js';
import { ephemeralEnv, runShell, startCore, type CoreProcess } from '../support/core-process.js';
import {
  ALICE,
  BOB,
  expectPassed,
  SESSION_ID,
  startCallTestbed,
  TAS_DOMAIN,
  type CallTestbed,
} from '../support/call-testbed.js';
import { bob, headerOf, received, scenario } from '../support/sip-peers.js';

const SCRIPT = fileURLToPath(new URL('./python/web_terminal_pipe.py', import.meta.url));

/** A terminal's WebRTC offer as a browser writes one (ICE, DTLS-SRTP, rtcp-mux, PCMU), its host candidate on loopback. */
const TERMINAL_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 40000 UDP/TLS/RTP/SAVPF 0',
  'c=IN IP4 127.0.0.1',
  'a=mid:0',
  'a=rtpmap:0 PCMU/8000',
  'a=rtcp-mux',
  'a=setup:actpass',
  'a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF',
  'a=ice-ufrag:term',
  'a=ice-pwd:terminalIcePasswordOf24Ch',
  'a=candidate:1 1 UDP 2130706431 127.0.0.1 40000 typ host',
  'a=sendrecv',
  '',
].join('\r\n');

interface Received {
  readonly kind?: string;
  readonly message?: Record<string, unknown>;
  readonly status?: string;
  readonly details?: string;
}

let python: string;
let descriptorSet: string;
let descriptorDir: string;

beforeAll(async () => {
  python = requirePythonGrpc();
  descriptorDir = await mkdtemp(join(tmpdir(), 'breakout-core-web-terminal-'));
  descriptorSet = join(descriptorDir, 'webterminal.binpb');
  await writeFile(descriptorSet, loadWebTerminalPackage().descriptors.encodedSet);
});
afterAll(async () => {
  if (descriptorDir !== undefined) await rm(descriptorDir, { recursive: true, force: true });
});

/** Runs a Pipe with Python's grpcio; resolves with what it received, in order. */
async function pipe(
  address: string,
  spec: { token: string; metadata?: Record<string, string>; steps: unknown[] },
): Promise<Received[]> {
  const stdout = await runPython(python, [SCRIPT, descriptorSet, address], JSON.stringify({ method: 'Pipe', ...spec }));
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Received);
}

const offer = (callee: string) => ({ send: { offer: { sdp: TERMINAL_OFFER, msisdn: { e164: callee } } } });

describe('the Web Terminal with a media relay (Python grpcio, rtpengine, SIPp)', () => {
  let rtpengine: Rtpengine;
  let testbed: CallTestbed;
  let clientToken: string;

  beforeAll(async () => {
    rtpengine = await startRtpengine();
    testbed = await startCallTestbed({ name: 'web-terminal', env: { SIPBREAKOUT_MEDIA_RELAY_NG: rtpengine.ng } });
    clientToken = (await readFile(testbed.core.ready.tokenFile, 'utf8')).trim();
  }, 60_000);
  afterAll(async () => {
    await testbed?.stop();
    await rtpengine?.stop();
  });

  it('a Pipe is told Idle at once; its Offer reaches Bob as RTP/AVP with the number as caller, his answer comes back WebRTC style; its Bye ends the call', async () => {
    const b = await bob({ dir: testbed.dir, name: 'terminal-bob', port: testbed.bobPort });
    await new Promise((r) => setTimeout(r, 300));
    const got = await pipe(testbed.core.ready.grpc, {
      token: clientToken,
      metadata: { 'wg2-msisdn': ALICE },
      steps: [{ receive: true }, offer(BOB), { until: 'answer' }, { send: { bye: {} } }],
    });
    expect(got[0]).toEqual({ kind: 'idle', message: { idle: {} } });
    const answer = got.find((m) => m.kind === 'answer');
    expect(answer, JSON.stringify(got)).toBeDefined();
    const callId = String(answer?.message?.callId ?? '');
    expect(callId).toMatch(/^[0-9a-f-]{36}$/);
    const audio = parseSdp(String((answer?.message?.answer as { sdp?: string }).sdp)).media[0];
    expect(audio?.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(audio?.fingerprint?.type).toBe('sha-256');
    expect(audio?.port).toBeGreaterThanOrEqual(rtpengine.portMin);
    expect(audio?.port).toBeLessThanOrEqual(rtpengine.portMax);
    expect(got.at(-1)).toEqual({ status: 'OK' });

    const br = await b.result;
    expectPassed(br, 'Bob');
    const [invite] = received(await b.messages(), 'INVITE');
    expect(invite?.split('\n')[0]).toBe(`INVITE sip:${BOB}@127.0.0.1:${testbed.bobPort};transport=udp SIP/2.0`);
    expect(headerOf(invite ?? '', 'P-Asserted-Identity')).toBe(`<sip:${ALICE}@sipbreakout.invalid>`);
    expect(headerOf(invite ?? '', 'Session-ID')).toMatch(SESSION_ID);
    expect(invite).toMatch(/^m=audio \d+ RTP\/AVP /m);
    expect(invite).not.toMatch(/a=fingerprint|a=candidate|a=ice-/);
    expect(received(await b.messages(), 'BYE')).toHaveLength(1);
    const m = await testbed.metrics();
    expect(sample(m, 'sipbreakout_terminal_calls_total', { route_type: 'NONE', outcome: 'answered' })).toBe(1);
  }, 60_000);

  it("a phone's call: the number's Pipe is told InCall (the other party, a call id) while Alice's phone calls Bob, then Idle", async () => {
    const watching = pipe(testbed.core.ready.grpc, {
      token: clientToken,
      metadata: { 'wg2-msisdn': ALICE },
      steps: [{ receive: true }, { until: 'in_call' }, { until: 'idle' }],
    });
    // The Pipe is attached (and told Idle) before Alice calls.
    await new Promise((r) => setTimeout(r, 1500));
    await testbed.directCall('terminal-observes');
    const got = await watching;
    expect(got.map((m) => m.kind ?? m.status)).toEqual(['idle', 'in_call', 'idle', 'OK']);
    const inCall = got[1]?.message ?? {};
    expect(inCall.inCall).toEqual({ msisdn: { e164: BOB } });
    expect(String(inCall.callId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }, 60_000);

  it('a busy callee: the terminal gets Bye, the call counted rejected', async () => {
    const b = await bob({
      dir: testbed.dir,
      name: 'terminal-busy',
      port: testbed.bobPort,
      scenarioFile: scenario('busy-uas.xml'),
    });
    await new Promise((r) => setTimeout(r, 300));
    const got = await pipe(testbed.core.ready.grpc, {
      token: clientToken,
      metadata: { 'wg2-msisdn': ALICE },
      steps: [{ receive: true }, offer(BOB), { until: 'bye' }],
    });
    expect(got.map((m) => m.kind ?? m.status)).toEqual(['idle', 'bye', 'OK']);
    expectPassed(await b.result, 'Bob');
    const m = await testbed.metrics();
    expect(sample(m, 'sipbreakout_terminal_calls_total', { route_type: 'NONE', outcome: 'rejected' })).toBe(1);
  }, 60_000);

  it("LOOP_MO: the terminal's call goes to the number's TAS over TLS with the MO prefix and the core's Session-ID; leg 3 comes back and reaches Bob; the terminal gets the answer", async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP_MO',
      phoneNumber: { e164: ALICE },
      mobileOriginatingPrefix: '00',
    });
    const b = await bob({ dir: testbed.dir, name: 'terminal-loop-bob', port: testbed.bobPort });
    const t = await testbed.tas({
      name: 'terminal-loop-tas',
      tlsPort,
      scenarioFile: scenario('tas-loop-webrtc.xml'),
      keys: { callee: BOB, core: testbed.core.ready.sipTasTls },
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const got = await pipe(testbed.core.ready.grpc, {
        token: clientToken,
        metadata: { 'wg2-msisdn': ALICE },
        steps: [{ receive: true }, offer(BOB), { until: 'answer' }, { send: { bye: {} } }],
      });
      expect(got.map((m) => m.kind ?? m.status)).toContain('answer');
      const [tr, br] = await Promise.all([t.result, b.result]);
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      expectPassed(br, 'Bob');
      const tasLog = await t.messages();
      const [leg2] = received(tasLog, 'INVITE');
      expect(leg2?.split('\n')[0]).toBe(`INVITE sips:+00${BOB.slice(1)}@${TAS_DOMAIN}:${tlsPort} SIP/2.0`);
      expect(headerOf(leg2 ?? '', 'P-Asserted-Identity')).toBe(`<sip:${ALICE}@sipbreakout.invalid>`);
      expect(headerOf(leg2 ?? '', 'Max-Forwards')).toBe('69');
      // Leg 2 is WebRTC style, rtpengine's own ICE and fingerprint (never the terminal's).
      expect(leg2).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF /m);
      expect(leg2).not.toContain('a=ice-ufrag:term');
      const sessionId = SESSION_ID.exec(headerOf(leg2 ?? '', 'Session-ID') ?? '')?.[1];
      expect(sessionId).toBeDefined();
      const [leg4] = received(await b.messages(), 'INVITE');
      expect(headerOf(leg4 ?? '', 'Session-ID')).toContain(sessionId);
      expect(leg4).toMatch(/^m=audio \d+ RTP\/AVP /m);
      // The terminal's Bye went to the TAS on leg 2; the TAS's BYE on leg 3 reached Bob.
      expect(received(tasLog, 'BYE')).toHaveLength(1);
      expect(received(await b.messages(), 'BYE')).toHaveLength(1);
      const m = await testbed.metrics();
      expect(sample(m, 'sipbreakout_terminal_calls_total', { route_type: 'LOOP_MO', outcome: 'answered' })).toBe(1);
      expect(
        sample(m, 'sipbreakout_calls_total', { route_type: 'LEG3', outcome: 'answered' }),
        m
          .split('\n')
          .filter((l) => l.startsWith('sipbreakout_calls_total'))
          .join('\n'),
      ).toBe(1);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 60_000);
});

describe('the Web Terminal without a media relay', () => {
  let dir: string;
  let core: CoreProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'breakout-core-web-terminal-plain-'));
    core = await startCore(ephemeralEnv(join(dir, 'data')), dir);
  }, 60_000);
  afterAll(async () => {
    expect(await core?.stop('SIGTERM')).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('the printed user token attaches to its number; an Offer gets Bye and the log says why; nothing reaches the mobile side', async () => {
    const token = (await readFile(join(core.ready.dataDir, 'auth', 'dev-terminal-token.jwt'), 'utf8')).trim();
    const got = await pipe(core.ready.grpc, { token, steps: [{ receive: true }, offer(BOB), { until: 'bye' }] });
    expect(got.map((m) => m.kind ?? m.status)).toEqual(['idle', 'bye', 'OK']);
    expect(core.logs.some((l) => l.reason === NO_MEDIA_RELAY_REASON && l.number === EXAMPLE_TERMINAL_NUMBER)).toBe(
      true,
    );
    expect(core.logs.some((l) => l.msg === 'terminal call routed')).toBe(false);
    const metrics = await (await fetch(`http://${core.ready.http}/metrics`)).text();
    expect(sample(metrics, 'sipbreakout_terminal_calls_total', { route_type: 'NONE', outcome: 'no_media_relay' })).toBe(
      1,
    );
  }, 30_000);

  it('a token without a number gets PERMISSION_DENIED', async () => {
    const token = (await readFile(core.ready.tokenFile, 'utf8')).trim();
    const got = await pipe(core.ready.grpc, { token, steps: [{ receive: true }] });
    expect(got.at(-1)?.status).toBe('PERMISSION_DENIED');
  }, 30_000);

  it('buf curl lists WebTerminalService beside SipBreakoutService through reflection, and its methods', async () => {
    const base = `${bufExecutable()} curl --protocol grpc --http2-prior-knowledge`;
    const services = await runShell(`${base} --list-services http://${core.ready.grpc}`, dir);
    expect(services.code, services.stderr).toBe(0);
    expect(services.stdout.split('\n')).toEqual(
      expect.arrayContaining([WEB_TERMINAL_SERVICE_NAME, 'wgtwo.sipbreakout.v1.SipBreakoutService']),
    );
    const methods = await runShell(`${base} --list-methods http://${core.ready.grpc}`, dir);
    expect(methods.code, methods.stderr).toBe(0);
    expect(methods.stdout.split('\n').filter((m) => m.startsWith(WEB_TERMINAL_SERVICE_NAME))).toEqual([
      `${WEB_TERMINAL_SERVICE_NAME}/MultiPipe`,
      `${WEB_TERMINAL_SERVICE_NAME}/Pipe`,
    ]);
  }, 30_000);
});
