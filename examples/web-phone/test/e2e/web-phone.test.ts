/**
 * The web phone end to end: the built server (`node dist/main.js`) bridges
 * Debian's chromium, driven by playwright-core, to a Web Terminal over gRPC
 * with TLS, the data folder laid out as the core's.
 *
 * Every packet must stay on loopback, and Chromium gathers (and may try)
 * every network card of the machine: so this file runs itself again inside
 * a private network namespace with only `lo` up (`unshare -n`, as root;
 * `unshare -r -n` otherwise), where the stand-in core, the web phone, the
 * browser and any peer are started. Outside, the one test is that inner
 * run passing. A missing chromium, unshare or ip fails the test; it never skips.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServiceProcess, type ServiceProcess } from '@sipbreakout/test-peers';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { candidatesOf, isLoopbackUdpHost } from '../../src/page/loopback-sdp.js';
import { launchChromium, HIDE_LOCAL_IPS_WITH_MDNS } from '../support/chromium.js';
import { startCoreStandIn, type CoreStandIn } from '../support/core-stand-in.js';
import { fakeAnswerSdp, fakeOfferSdp } from '../support/fake-sdp.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const THIS_FILE = 'examples/web-phone/test/e2e/web-phone.test.ts';
const VITEST = fileURLToPath(new URL('../../../../node_modules/vitest/vitest.mjs', import.meta.url));
/** Where the screenshot goes (git-ignored). */
const OUTPUT_DIR = `${PACKAGE_DIR}test-output/`;

/** How long the page may take to show something. */
const SOON = { timeout: 15_000, interval: 100 };
/** Reads of the page for `expect.poll`: undefined while the element is not there. */
const attrOf = (locator: Locator, name: string) => () =>
  locator.getAttribute(name, { timeout: 500 }).catch(() => undefined);
const textOf = (locator: Locator) => () => locator.textContent({ timeout: 500 }).catch(() => undefined);

const IN_NAMESPACE = process.env['WEB_PHONE_NETNS'] === '1';

function which(program: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '')
    throw new Error(`${program} is missing: the browser test runs in a private network namespace (unshare, ip)`);
  return path;
}

// Plain `if`s, not `runIf`: neither run reports the other's tests as skipped.
if (!IN_NAMESPACE)
  describe('the web phone in a private network namespace', () => {
    it('passes inside a network namespace with only loopback up', async () => {
      const unshare = which('unshare');
      which('ip');
      // A user namespace maps a non-root user to root inside, which the network namespace needs.
      const flags = process.getuid?.() === 0 ? ['-n'] : ['-r', '-n'];
      const env: Record<string, string> = { WEB_PHONE_NETNS: '1', NO_COLOR: '1' };
      for (const [key, value] of Object.entries(process.env))
        if (value !== undefined && !key.startsWith('VITEST') && key !== 'FORCE_COLOR' && !(key in env))
          env[key] = value;
      const report = join(mkdtempSync(join(tmpdir(), 'web-phone-netns-')), 'report.json');
      const command = [
        'ip link set lo up &&',
        `exec "${process.execPath}" "${VITEST}" run --project web-phone:e2e`,
        `--reporter=default --reporter=json --outputFile.json="${report}" ${THIS_FILE}`,
      ].join(' ');
      const child = spawn(unshare, [...flags, 'sh', '-c', command], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      const inner = `the run inside the namespace:\n${output}`;
      expect(code, inner).toBe(0);
      const results = JSON.parse(readFileSync(report, 'utf8')) as Record<string, number>;
      expect(results['numTotalTests'], inner).toBeGreaterThan(0);
      expect(results, inner).toMatchObject({
        numPassedTests: results['numTotalTests'],
        numFailedTests: 0,
        numPendingTests: 0,
        numTodoTests: 0,
      });
    }, 300_000);
  });

const NUMBER = '+4799001122';

if (IN_NAMESPACE)
  describe("the web phone in Debian's chromium", () => {
    let core: CoreStandIn;
    let phone: ServiceProcess<{ url: string }>;
    let browser: Browser;
    let commandLine: string;
    let page: Page;

    const card = (callId: string): Locator => page.locator(`.call[data-call-id="${callId}"]`);
    const expectState = async (callId: string, state: string): Promise<void> => {
      await expect.poll(attrOf(card(callId), 'data-state'), SOON).toBe(state);
    };

    async function dial(number: string): Promise<void> {
      await page.locator('#dial-number').fill('');
      for (const key of number) await page.locator(`.key[data-key="${key}"]`).click();
      expect(await page.locator('#dial-number').inputValue()).toBe(number);
      await page.locator('#call').click();
    }

    function expectLoopbackOnly(sdp: string | undefined): void {
      const candidates = candidatesOf(sdp ?? '');
      expect(candidates.length).toBeGreaterThan(0);
      expect(candidates.filter((c) => !isLoopbackUdpHost(c))).toEqual([]);
      for (const line of (sdp ?? '').split('\r\n').filter((l) => l.startsWith('c=')))
        expect(line).toBe('c=IN IP4 127.0.0.1');
      expect(sdp).not.toMatch(/\.local\b/);
    }

    /** Places a call from the page and answers it from the core: returns its call id. */
    async function connectedOutgoingCall(callee: string): Promise<string> {
      await dial(callee);
      const start = await core.control.waitFor('startOutgoing');
      start.resolve({ ok: true, sdp: fakeAnswerSdp(start.request.sdp ?? '') });
      await expectState(start.request.callId, 'connected');
      return start.request.callId;
    }

    beforeAll(async () => {
      // The namespace: only loopback, so nothing Chromium gathers can leave the machine.
      expect(Object.keys(networkInterfaces())).toEqual(['lo']);
      core = await startCoreStandIn('+4799');
      phone = await startServiceProcess<{ url: string }>({
        main: `${PACKAGE_DIR}dist/main.js`,
        cwd: PACKAGE_DIR,
        env: {
          WEB_PHONE_DATA_DIR: core.dataDir,
          WEB_PHONE_CORE_ADDRESS: core.address,
          WEB_PHONE_NUMBER: NUMBER,
          WEB_PHONE_PORT: '0',
        },
        readyMessage: 'ready',
        name: 'web phone',
      });
      ({ browser, commandLine } = await launchChromium());
      page = await browser.newPage();
      await page.goto(phone.ready.url);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await phone?.stop();
      await core?.close();
    });

    it('starts Chromium with one --disable-features: playwright-core’s own list and mDNS host candidates off', () => {
      const flags = commandLine.split(/\s+/).filter((arg) => arg.startsWith('--disable-features='));
      expect(flags).toHaveLength(1);
      expect(flags[0]?.split('=')[1]?.split(',')).toEqual(
        expect.arrayContaining(['MediaRouter', HIDE_LOCAL_IPS_WITH_MDNS]),
      );
      expect(commandLine).toContain('--allow-loopback-in-peer-connection');
    });

    it('attaches over TLS with the token of the data folder and shows the number Idle (the Pipe’s look-up on open)', async () => {
      await expect.poll(attrOf(page.locator('#stream'), 'data-state'), SOON).toBe('attached');
      await expect.poll(textOf(page.locator('#own-number')), SOON).toBe(NUMBER);
      await expect.poll(textOf(page.locator('#number-state')), SOON).toBe('Idle');
      expect(phone.stderr()).toContain(`web phone: ${phone.ready.url}`);
      expect(core.hub.stats().attached).toBe(1);
    });

    it('calls from the dial pad with only 127.0.0.1 UDP host candidates, shows Ringing and the Answer, then the core’s Bye', async () => {
      await dial('+4722334455');
      const start = await core.control.waitFor('startOutgoing');
      expect(start.request).toMatchObject({ number: NUMBER, callee: '+4722334455' });
      expectLoopbackOnly(start.request.sdp);
      const callId = start.request.callId;
      core.hub.remoteRinging({ number: NUMBER, callId });
      await expectState(callId, 'ringing');
      start.resolve({ ok: true, sdp: fakeAnswerSdp(start.request.sdp ?? '') });
      await expectState(callId, 'connected');
      await expect.poll(textOf(card(callId).locator('.state')), SOON).toBe('in call');
      await expect.poll(textOf(page.locator('#number-state')), SOON).toBe('In call here with +4722334455');
      await expect.poll(() => card(callId).locator('.push').isVisible(), SOON).toBe(true);

      rmSync(OUTPUT_DIR, { recursive: true, force: true });
      mkdirSync(OUTPUT_DIR, { recursive: true });
      const screenshot = `${OUTPUT_DIR}web-phone-in-call.png`;
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(statSync(screenshot).size).toBeGreaterThan(1000);
      expect(readFileSync(screenshot).subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );

      core.hub.callEnded({ number: NUMBER, callId });
      await expectState(callId, 'ended');
      await expect.poll(textOf(page.locator('#number-state')), SOON).toBe('Idle');
    });

    it('rings on an incoming call; answered, pushed to the phone, pulled back and hung up', async () => {
      const callId = randomUUID();
      expect(
        core.hub.offerIncoming({ number: NUMBER, callId, caller: '+4722000111', sdp: fakeOfferSdp() }),
      ).toHaveLength(1);
      await expectState(callId, 'incoming');
      await expect.poll(textOf(card(callId).locator('.remote')), SOON).toBe('+4722000111');
      await expect.poll(() => card(callId).locator('.decline').isVisible(), SOON).toBe(true);
      expect((await core.control.waitFor('ringing')).request.callId).toBe(callId);

      await card(callId).locator('.answer').click();
      const answer = await core.control.waitFor('answerIncoming');
      expect(answer.request.callId).toBe(callId);
      expectLoopbackOnly(answer.request.sdp);
      answer.resolve({ ok: true });
      await expectState(callId, 'connected');

      await card(callId).locator('.push').click();
      const push = await core.control.waitFor('pushToPhone');
      expect(push.request.callId).toBe(callId);
      push.resolve({ ok: true });
      await expectState(callId, 'elsewhere');
      await expect.poll(textOf(card(callId).locator('.note')), SOON).toBe('on the phone');

      await card(callId).locator('.pull').click();
      const pull = await core.control.waitFor('pullToTerminal');
      expect(pull.request.callId).toBe(callId);
      expectLoopbackOnly(pull.request.sdp);
      pull.resolve({ ok: true, sdp: fakeAnswerSdp(pull.request.sdp ?? '') });
      await expectState(callId, 'connected');

      await card(callId).locator('.hangup').click();
      const hangup = await core.control.waitFor('hangup');
      expect(hangup.request).toMatchObject({ callId, cause: 'bye' });
      await expectState(callId, 'ended');
    });

    it('shows a call of the number on the phone as InCall with a pull button, and Idle when it ends', async () => {
      const callId = randomUUID();
      core.hub.callOnPhone({ number: NUMBER, callId, remote: '+4722999888' });
      await expect.poll(textOf(page.locator('#number-state')), SOON).toBe('In call with +4722999888');
      await expectState(callId, 'elsewhere');
      await expect.poll(() => card(callId).locator('.pull').isVisible(), SOON).toBe(true);
      core.hub.callEnded({ number: NUMBER, callId });
      await expect.poll(textOf(page.locator('#number-state')), SOON).toBe('Idle');
      await expectState(callId, 'ended');
    });

    it('shows the stream dropping mid-call, reattaches with the same terminal identity and asks its held call back', async () => {
      const callId = await connectedOutgoingCall('+4722111222');
      const terminal = core.control.requests.find((r) => r.method === 'startOutgoing' && r.request.callId === callId)
        ?.request.terminal;
      await core.stopServer();
      await expect.poll(attrOf(page.locator('#stream'), 'data-state'), SOON).toBe('detached');
      await expectState(callId, 'held');
      expect(core.hub.stats().held).toBe(1);

      await core.restartServer();
      await expect.poll(attrOf(page.locator('#stream'), 'data-state'), SOON).toBe('attached');
      const resume = await core.control.waitFor('pullToTerminal');
      expect(resume.request).toMatchObject({ callId, terminal });
      expectLoopbackOnly(resume.request.sdp);
      resume.resolve({ ok: true, sdp: fakeAnswerSdp(resume.request.sdp ?? '') });
      await expectState(callId, 'connected');
      expect(core.control.requests.filter((r) => r.method === 'hangup' && r.request.callId === callId)).toEqual([]);

      await card(callId).locator('.hangup').click();
      expect((await core.control.waitFor('hangup')).request).toMatchObject({ callId, cause: 'bye' });
    }, 60_000);

    it('answers bad WebSocket input with a clear reason and keeps serving', async () => {
      const url = `${phone.ready.url.replace('http:', 'ws:')}ws?terminal=bad-input`;
      const socket = new WebSocket(url);
      const received: Array<{ bridge?: { event: string; reason?: string } }> = [];
      socket.on('message', (data) => received.push(JSON.parse(String(data)) as (typeof received)[number]));
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      await expect.poll(() => received.some((m) => m.bridge?.event === 'attached')).toBe(true);
      const cases: [string | Buffer, RegExp][] = [
        ['not json', /not JSON/],
        ['[1,2]', /JSON object/],
        ['{"idle":{}}', /idle is sent by the core/],
        ['{"offer":{"sdp":""}}', /offer\.sdp must be a non-empty string/],
        ['{"bye":{},"answer":{"sdp":"v=0"}}', /not answer and bye/],
        ['{"bye":{},"callId":5}', /callId must be a string/],
        ['{"hello":{}}', /unknown field\(s\) hello/],
        ['{"offer":{"sdp":"v=0","msisdn":"+4722"}}', /offer\.msisdn must be/],
        [Buffer.from([0xff, 0x00]), /binary messages/],
        [`{"answer":{"sdp":"${'x'.repeat(200_000)}"}}`, /over 131072/],
      ];
      for (const [input, reason] of cases) {
        const before = received.length;
        socket.send(input, { binary: Buffer.isBuffer(input) });
        await expect.poll(() => received.length).toBeGreaterThan(before);
        expect(received.at(-1)?.bridge).toMatchObject({ event: 'rejected', reason: expect.stringMatching(reason) });
      }
      // A well-formed message the core refuses comes back as the core's Error.
      socket.send(JSON.stringify({ answer: { sdp: 'v=0' }, callId: randomUUID() }));
      await expect.poll(() => received.at(-1)).toMatchObject({ error: { err: 'UNKNOWN' } });
      socket.close();
      await expect.poll(attrOf(page.locator('#stream'), 'data-state'), SOON).toBe('attached');
      expect((await fetch(phone.ready.url)).status).toBe(200);
      expect(phone.child.exitCode).toBeNull();
    });
  });
