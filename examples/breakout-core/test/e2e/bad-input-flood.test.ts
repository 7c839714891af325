/**
 * Bad input at both faces during a call load. SIPp places 300 direct calls
 * (Alice → the core → Bob) at 50 a second while the test, from the same
 * machine, sends the core's mobile UDP port 4,000 datagrams that do not
 * parse, opens 300 misbehaving TCP connections to its mobile TCP port and
 * 225 misbehaving connections to its TAS TLS port. Every call must
 * succeed, the process must stay up and healthy, a call afterwards must
 * work, every connection that went quiet must be closed by the core within
 * its bounds, every request owed a 400 must have had it, and `/metrics`
 * must show exactly what was refused. Loopback only; every loop is bounded
 * in count, every wait in time. sipp missing: the test fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS, DEFAULT_HANDSHAKE_LIMITS } from '@sipbreakout/sip-core';
import { CertificateAuthority } from '@sipbreakout/sip-core/testing';
import { BOB, startCallTestbed, type CallTestbed } from '../support/call-testbed.js';
import { alice, bob } from '../support/sip-peers.js';
import { sleep, total } from '@sipbreakout/test-peers';
import {
  captureClientHello,
  datagramCorpus,
  floodUdp,
  rawConnection,
  streamGarbage,
  tlsConnection,
  type HeldConnection,
} from '../support/bad-input.js';

/** The call load: SIPp's Alice places this many calls at this rate (calls per second). */
const CALLS = 300;
const RATE = 50;
/** Datagrams to the mobile UDP port, by kind. */
const DATAGRAMS = { random: 1000, mutated: 2000, truncated: 500, answerable: 500 } as const;
/**
 * The UDP flood's pace: this many datagrams every this many ms (at most 800
 * a second, over the calls' 6 s), each batch read by the core before the
 * next is sent (the answer to its last hand-made request, waited for up to
 * UDP_ACK_MS, says so).
 */
const UDP_BATCH = 20;
const UDP_INTERVAL_MS = 25;
const UDP_ACK_MS = 3000;
/** Connections to the mobile TCP port, by behaviour. */
const TCP = { silent: 100, halfMessage: 100, garbage: 100 } as const;
/** Connections to the TAS TLS port, by behaviour. */
const TLS = {
  silent: 50,
  partialHello: 50,
  plaintext: 50,
  untrustedCertThenGarbage: 25,
  noCertThenGarbage: 25,
  silentAfterHandshake: 25,
} as const;
/** The core's bounds (sip-core's defaults, which the core keeps): a first message within messageTimeout, a handshake within handshakeTimeout. */
const MESSAGE_TIMEOUT_MS = DEFAULT_CONNECTION_LIMITS.messageTimeout;
const HANDSHAKE_TIMEOUT_MS = DEFAULT_HANDSHAKE_LIMITS.handshakeTimeout;
/** When the core must close each kind of connection, in ms after it opened: garbage at once, the silent and stalled at their bound. */
const CLOSED_AFTER_MS: Record<string, number> = {
  'tcp silent': MESSAGE_TIMEOUT_MS,
  'tcp half message': MESSAGE_TIMEOUT_MS,
  'tcp garbage': 0,
  'tls silent': HANDSHAKE_TIMEOUT_MS,
  'tls partial hello': HANDSHAKE_TIMEOUT_MS,
  'tls plaintext': 0,
  'tls untrusted cert, garbage': 0,
  'tls no cert, garbage': 0,
  'tls silent after handshake': MESSAGE_TIMEOUT_MS,
};
/** Slack on those bounds: a machine running the other e2e files at the same time delays the core by seconds. */
const SLACK_MS = 10_000;
const SEED = 20_240_607;

let testbed: CallTestbed;

beforeAll(async () => {
  // Info, not debug: the flood's thousands of refusals are counted, not logged one by one.
  testbed = await startCallTestbed({ name: 'flood', env: { SIPBREAKOUT_LOG_LEVEL: 'info' } });
}, 60_000);

afterAll(async () => {
  await testbed?.stop();
});

/** Opens `count` connections with `open` into `held`, `batch` at a time with a pause between batches. */
async function openMany(
  held: HeldConnection[],
  count: number,
  open: (i: number) => Promise<HeldConnection>,
  batch = 25,
): Promise<void> {
  for (let i = 0; i < count; i += batch) {
    const opened = await Promise.allSettled(Array.from({ length: Math.min(batch, count - i) }, (_, j) => open(i + j)));
    for (const o of opened) if (o.status === 'fulfilled') held.push(o.value);
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await sleep(20);
  }
}

const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));
const delta = (before: string, after: string, name: string, labels: Record<string, string> = {}): number =>
  total(after, name, labels) - total(before, name, labels);

describe('a flood of bad input at both faces during a call load (SIPp as Alice and Bob)', () => {
  it('completes every call, stays up, closes what went quiet, answers what it owes, and counts what it refused', async () => {
    const { core, dir, bobPort } = testbed;
    const { ready } = core;
    const corpus = datagramCorpus(DATAGRAMS, SEED);
    const tcpGarbage = streamGarbage(TCP.garbage, SEED + 1);
    const tlsGarbage = streamGarbage(TLS.untrustedCertThenGarbage + TLS.noCertThenGarbage, SEED + 2);
    const hello = await captureClientHello();
    const untrustedCa = await CertificateAuthority.create({ commonName: 'a CA the core does not trust' });
    const untrusted = await untrustedCa.issue({
      commonName: 'intruder.example.test',
      uris: ['sip:intruder.example.test'],
    });
    const ca = testbed.ca.cert;
    const half = (i: number): Buffer =>
      Buffer.from(
        `INVITE sip:${BOB}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-half-${i}\r\nFrom: <sip:+4790000001@mobile.invalid>;tag=h${i}\r\nTo: `,
        'latin1',
      );
    const before = await testbed.metrics();

    const b = await bob({ dir, name: 'flood-bob', port: bobPort, calls: CALLS, seconds: 40 });
    // SIPp binds its socket after start; give it a moment before the first INVITE reaches it.
    await sleep(300);
    const a = await alice({
      dir,
      name: 'flood-alice',
      core: ready.sipMobileUdp,
      callee: BOB,
      calls: CALLS,
      rate: RATE,
      seconds: 40,
    });
    const callsEndedAt = a.result.then(() => Date.now());

    const tcpPort = portOf(ready.sipMobileTcp);
    const tlsPort = portOf(ready.sipTasTls);
    const held: HeldConnection[] = [];
    try {
      const [udpAnswers] = await Promise.all([
        floodUdp({
          address: ready.sipMobileUdp,
          corpus,
          batch: UDP_BATCH,
          intervalMs: UDP_INTERVAL_MS,
          ackMs: UDP_ACK_MS,
          settle: (got) => got.total >= [...corpus.answers.values()].reduce((x, y) => x + y, 0),
          settleMs: 5000,
        }),
        (async () => {
          await openMany(held, TCP.silent, () => rawConnection('tcp silent', tcpPort));
          await openMany(held, TCP.halfMessage, (i) => rawConnection('tcp half message', tcpPort, half(i)));
          await openMany(held, TCP.garbage, (i) => rawConnection('tcp garbage', tcpPort, tcpGarbage.chunks[i]));
        })(),
        (async () => {
          await openMany(held, TLS.silent, () => rawConnection('tls silent', tlsPort));
          await openMany(held, TLS.partialHello, () =>
            rawConnection('tls partial hello', tlsPort, hello.subarray(0, Math.floor(hello.length / 2))),
          );
          await openMany(held, TLS.plaintext, (i) => rawConnection('tls plaintext', tlsPort, half(i)));
          await openMany(held, TLS.untrustedCertThenGarbage, (i) =>
            tlsConnection('tls untrusted cert, garbage', {
              port: tlsPort,
              ca,
              cert: untrusted,
              bytes: tlsGarbage.chunks[i],
            }),
          );
          await openMany(held, TLS.noCertThenGarbage, (i) =>
            tlsConnection('tls no cert, garbage', {
              port: tlsPort,
              ca,
              bytes: tlsGarbage.chunks[TLS.untrustedCertThenGarbage + i],
            }),
          );
          await openMany(held, TLS.silentAfterHandshake, () =>
            tlsConnection('tls silent after handshake', { port: tlsPort, ca }),
          );
        })(),
      ]);

      // The calls: every one completed, none failed, none stuck.
      const [ar, br] = await Promise.all([a.result, b.result]);
      expect(ar.timedOut, `Alice stuck:\n${ar.output.slice(-1500)}`).toBe(false);
      expect({ exitCode: ar.exitCode, successful: ar.successful, failed: ar.failed }, ar.output.slice(-1500)).toEqual({
        exitCode: 0,
        successful: CALLS,
        failed: 0,
      });
      expect({ exitCode: br.exitCode, successful: br.successful, failed: br.failed }, br.output.slice(-1500)).toEqual({
        exitCode: 0,
        successful: CALLS,
        failed: 0,
      });

      // The bad input came while the calls were being placed: every connection, and the flood's start
      // (it paces itself to the core, so on a loaded machine its end may come after the last call).
      const callsEnded = await callsEndedAt;
      const lastOpened = Math.max(...held.map((h) => h.openedAt));
      expect(lastOpened).toBeLessThan(callsEnded);
      expect(udpAnswers.firstSentAt).toBeLessThan(callsEnded);
      // Every connection the core was sent nothing (more) on is closed by it within its bound, garbage at once…
      const deadline = lastOpened + Math.max(...Object.values(CLOSED_AFTER_MS)) + SLACK_MS;
      while (held.some((h) => h.closedAt() === undefined) && Date.now() < deadline) await sleep(100);
      const lasted = (h: HeldConnection): number => (h.closedAt() ?? Infinity) - h.openedAt;
      const late = held.filter((h) => lasted(h) > (CLOSED_AFTER_MS[h.kind] ?? 0) + SLACK_MS);
      expect(
        late.map((h) => `${h.kind}: ${h.closedAt() === undefined ? 'still open' : `closed after ${lasted(h)} ms`}`),
      ).toEqual([]);
      // …and not before: a silent peer gets its whole bound.
      const early = held.filter((h) => lasted(h) < (CLOSED_AFTER_MS[h.kind] ?? 0) - 500);
      expect(early.map((h) => `${h.kind}: closed after ${lasted(h)} ms`)).toEqual([]);

      // Every request owed an answer got it, from the core's UDP port to the socket it came from.
      expect(Object.fromEntries(udpAnswers.byStatus)).toEqual(Object.fromEntries(corpus.answers));
      expect(corpus.answerableCallIds.filter((id) => !udpAnswers.callIds.has(id))).toEqual([]);

      const after = await testbed.metrics();
      const d = (name: string, labels: Record<string, string> = {}): number => delta(before, after, name, labels);
      // Parse errors, by face, transport and code: exactly what was sent.
      for (const [code, count] of corpus.codes)
        expect(d('sipbreakout_sip_parse_errors_total', { face: 'mobile', transport: 'UDP', code }), code).toBe(count);
      expect(d('sipbreakout_sip_parse_errors_total', { face: 'mobile', transport: 'UDP' })).toBe(
        corpus.datagrams.length,
      );
      for (const [code, count] of tcpGarbage.codes)
        expect(d('sipbreakout_sip_parse_errors_total', { face: 'mobile', transport: 'TCP', code }), code).toBe(count);
      expect(d('sipbreakout_sip_parse_errors_total', { face: 'mobile', transport: 'TCP' })).toBe(TCP.garbage);
      for (const [code, count] of tlsGarbage.codes)
        expect(d('sipbreakout_sip_parse_errors_total', { face: 'tas', transport: 'TLS', code }), code).toBe(count);
      expect(d('sipbreakout_sip_parse_errors_total', { face: 'tas', transport: 'TLS' })).toBe(
        TLS.untrustedCertThenGarbage + TLS.noCertThenGarbage,
      );
      // The answers sent, by status (the calls themselves need none of these).
      for (const [status, count] of corpus.answers)
        expect(
          d('sipbreakout_sip_messages_sent_total', { face: 'mobile', transport: 'UDP', status: String(status) }),
          `status ${status}`,
        ).toBe(count);
      // TLS: handshakes that timed out, failed on plaintext, or presented a certificate that does not verify.
      expect(
        d('sipbreakout_tls_failures_total', { face: 'tas', direction: 'inbound', cause: 'TLS_ERR_HANDSHAKE_TIMEOUT' }),
      ).toBe(TLS.silent + TLS.partialHello);
      expect(d('sipbreakout_tls_failures_total', { face: 'tas', direction: 'inbound' })).toBe(
        TLS.silent + TLS.partialHello + TLS.plaintext + TLS.untrustedCertThenGarbage,
      );
      // Connections: opened, and closed by reason; none refused (the flood stays under the limits); none left open.
      expect(d('sipbreakout_sip_connections_opened_total', { face: 'mobile', transport: 'TCP' })).toBe(
        TCP.silent + TCP.halfMessage + TCP.garbage,
      );
      expect(
        d('sipbreakout_sip_connections_closed_total', { face: 'mobile', transport: 'TCP', reason: 'message_timeout' }),
      ).toBe(TCP.silent + TCP.halfMessage);
      expect(
        d('sipbreakout_sip_connections_closed_total', { face: 'mobile', transport: 'TCP', reason: 'bad_input' }),
      ).toBe(TCP.garbage);
      expect(d('sipbreakout_sip_connections_opened_total', { face: 'tas', transport: 'TLS' })).toBe(
        TLS.untrustedCertThenGarbage + TLS.noCertThenGarbage + TLS.silentAfterHandshake,
      );
      expect(
        d('sipbreakout_sip_connections_closed_total', { face: 'tas', transport: 'TLS', reason: 'bad_input' }),
      ).toBe(TLS.untrustedCertThenGarbage + TLS.noCertThenGarbage);
      expect(
        d('sipbreakout_sip_connections_closed_total', { face: 'tas', transport: 'TLS', reason: 'message_timeout' }),
      ).toBe(TLS.silentAfterHandshake);
      expect(d('sipbreakout_sip_connections_refused_total')).toBe(0);
      expect(total(after, 'sipbreakout_sip_connections_open', { face: 'mobile', transport: 'TCP' })).toBe(0);
      expect(total(after, 'sipbreakout_sip_connections_open', { face: 'tas', transport: 'TLS' })).toBe(0);
      // The calls, as the core counted them.
      expect(d('sipbreakout_calls_total', { route_type: 'NONE', outcome: 'answered' })).toBe(CALLS);

      // The process is up and healthy, and a call placed now works.
      expect({ exitCode: core.child.exitCode, signal: core.child.signalCode }).toEqual({
        exitCode: null,
        signal: null,
      });
      const health = await fetch(`http://${ready.http}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'up', sip: 'up', grpc: 'up', store: 'up' });
      await testbed.directCall('flood-after');
    } finally {
      for (const h of held) h.destroy();
    }
  }, 60_000);
});
