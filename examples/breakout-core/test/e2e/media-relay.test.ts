/**
 * SDP through the media relay, end to end: a real rtpengine (Debian's
 * rtpengine-daemon, userspace only, started here on free loopback ports; a
 * missing rtpengine fails these tests) and a core run as users run it with
 * `SIPBREAKOUT_MEDIA_RELAY_NG`, SIPp as Alice, Bob and the TAS. Alice offers
 * plain RTP/AVP; what the TAS receives is WebRTC style (ICE, DTLS-SRTP
 * fingerprint, rtcp-mux, UDP/TLS/RTP/SAVPF) on rtpengine's address, and what
 * reaches Alice and Bob is RTP/AVP again. The media sessions are deleted when
 * the call ends. rtpengine failing: 503 (`reject`, the default) or the SDP
 * unchanged (`passthrough`). A hold re-INVITE within the call goes through
 * the same media sessions, offer and answer, in both B2BUA calls of a LOOP.
 */
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRtpengine, type Rtpengine } from '@sipbreakout/test-peers';
import { NgClient, parseSdp, type MediaDescription, type SessionDescription } from '@sipbreakout/media';
import { ALICE, BOB, expectPassed, startCallTestbed, TAS_DOMAIN, type CallTestbed } from '../support/call-testbed.js';
import { sample } from '@sipbreakout/test-peers';
import { alice, bob, loggedMessages, received, scenario } from '../support/sip-peers.js';

let rtpengine: Rtpengine;
let testbed: CallTestbed;
let ng: NgClient;

beforeAll(async () => {
  rtpengine = await startRtpengine();
  testbed = await startCallTestbed({ name: 'media', env: { SIPBREAKOUT_MEDIA_RELAY_NG: rtpengine.ng } });
  ng = await NgClient.open({ address: { host: '127.0.0.1', port: rtpengine.ngPort } });
}, 60_000);

afterAll(async () => {
  await ng?.close();
  await testbed?.stop();
  await rtpengine?.stop();
});

/** The SDP body of a logged SIP message (CRs already removed by the log reader). */
const sdpOf = (message: string | undefined): string => (message ?? '').split('\n\n').slice(1).join('\n\n');
/** The first m=audio section of `sdp`, read by sdp-transform. */
function audioOf(sdp: string): MediaDescription {
  const audio = parseSdp(sdp).media.find((m) => m.type === 'audio');
  expect(audio, `an m=audio section in\n${sdp}`).toBeDefined();
  return audio as MediaDescription;
}
/** The port of the first m=audio section. */
const mediaPort = (sdp: string): number => audioOf(sdp).port;
/** The payload types of the first m=audio section (sdp-transform reads a lone one as a number). */
const payloadsOf = (sdp: string): string[] => String(audioOf(sdp).payloads).split(' ');
/** A token attribute's value as text: sdp-transform reads one made of digits only (`a=mid:0`) as a number; absent: ''. */
const token = (value: unknown): string => (value === undefined ? '' : String(value));
/** Every c= of the session: the session's own and each m= section's. */
const connectionsOf = (session: SessionDescription): unknown[] =>
  [session.connection, ...session.media.map((m) => m.connection)].filter((c) => c !== undefined);
/** The values of an attribute at the session level and in every m= section, those present. */
function everywhere(
  session: SessionDescription,
  name: 'iceUfrag' | 'icePwd' | 'candidates' | 'fingerprint' | 'setup' | 'crypto' | 'rtcpMux' | 'direction',
): unknown[] {
  const at = (level: object): unknown => (level as Record<string, unknown>)[name];
  return [at(session), ...session.media.map(at)].filter((v) => v !== undefined);
}
/** The directions (a=sendrecv, a=sendonly…) `sdp` states, at the session level and in its m= sections. */
const directionsOf = (sdp: string): unknown[] => everywhere(parseSdp(sdp), 'direction');
/** The 200 to the INVITE a peer received. */
const received200 = (log: string): string | undefined =>
  loggedMessages(log).find(
    (m) => m.received && m.text.startsWith('SIP/2.0 200') && /^CSeq:\s*\d+ INVITE/im.test(m.text),
  )?.text;
/** Every 200 to an INVITE a peer received, retransmissions left out (one per CSeq number). */
const received200s = (log: string): string[] => {
  const byCSeq = new Map<string, string>();
  for (const m of loggedMessages(log)) {
    const cseq = /^CSeq:\s*(\d+) INVITE/im.exec(m.text)?.[1];
    if (m.received && m.text.startsWith('SIP/2.0 200') && cseq !== undefined && !byCSeq.has(cseq))
      byCSeq.set(cseq, m.text);
  }
  return [...byCSeq.values()];
};
/** Every INVITE a peer sent, retransmissions left out. */
const sentInvites = (log: string): string[] => [
  ...new Set(
    loggedMessages(log)
      .filter((m) => !m.received && m.text.startsWith('INVITE '))
      .map((m) => m.text),
  ),
];
/** The INVITE a peer sent. */
const sentInvite = (log: string): string | undefined =>
  loggedMessages(log).find((m) => !m.received && m.text.startsWith('INVITE '))?.text;

function expectWebRtc(sdp: string, who: string): void {
  const session = parseSdp(sdp);
  const audio = audioOf(sdp);
  expect(audio.protocol, who).toBe('UDP/TLS/RTP/SAVPF');
  expect(payloadsOf(sdp)[0], who).toBe('0');
  expect(token(audio.iceUfrag), who).toMatch(/^\S+$/);
  expect(token(audio.icePwd), who).toMatch(/^\S+$/);
  expect(audio.candidates, who).toContainEqual({
    foundation: expect.toSatisfy((f: unknown) => /^\S+$/.test(token(f))),
    component: 1,
    transport: 'UDP',
    priority: expect.any(Number),
    ip: '127.0.0.1',
    port: expect.any(Number),
    type: 'host',
  });
  expect(audio.fingerprint, who).toEqual({ type: 'sha-256', hash: expect.stringMatching(/^[0-9A-F:]{95}$/) });
  expect(audio.setup, who).toMatch(/^(actpass|active|passive)$/);
  expect(audio.rtcpMux, who).toBe('rtcp-mux');
  expect(everywhere(session, 'crypto'), who).toEqual([]);
  expect(connectionsOf(session), who).toContainEqual({ version: 4, ip: '127.0.0.1' });
  expectRtpenginePort(sdp, who);
}

function expectPlain(sdp: string, who: string): void {
  const session = parseSdp(sdp);
  expect(audioOf(sdp).protocol, who).toBe('RTP/AVP');
  expect(payloadsOf(sdp)[0], who).toBe('0');
  for (const name of ['iceUfrag', 'icePwd', 'candidates', 'fingerprint', 'setup', 'crypto'] as const)
    expect(everywhere(session, name), `${who}: ${name}`).toEqual([]);
  expect(connectionsOf(session), who).toContainEqual({ version: 4, ip: '127.0.0.1' });
  expectRtpenginePort(sdp, who);
}

function expectRtpenginePort(sdp: string, who: string): void {
  const port = mediaPort(sdp);
  expect(port, `${who}: m= port ${port} in rtpengine's range`).toBeGreaterThanOrEqual(rtpengine.portMin);
  expect(port, `${who}: m= port ${port} in rtpengine's range`).toBeLessThanOrEqual(rtpengine.portMax);
}

/** The Call-ID of the INVITE a peer sent. */
const callIdOf = (log: string): string => /^Call-ID:\s*(\S+)/im.exec(sentInvite(log) ?? '')?.[1] ?? '(none)';

/**
 * Waits (at most 5 s, polling rtpengine's `list`) until rtpengine holds no
 * media session of the call Alice started (the core names them after her
 * Call-ID): every one was deleted when the call ended.
 */
async function expectNoMediaSessions(aliceCallId: string): Promise<void> {
  let left: unknown[] = [];
  for (let i = 0; i < 50; i++) {
    const calls = (await ng.request({ command: 'list' })).dictionary.get('calls');
    left = (Array.isArray(calls) ? calls : []).filter((c) => typeof c === 'string' && c.startsWith(`${aliceCallId}~`));
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(left, 'rtpengine still holds media sessions of the call').toEqual([]);
}

describe('SDP toward the TAS through rtpengine (SIPp as Alice, Bob and the TAS)', () => {
  it("LOOP: leg 2 reaches the TAS WebRTC style, its answer reaches Alice as RTP/AVP; leg 3's WebRTC offer reaches Bob as RTP/AVP, his answer the TAS WebRTC style; deleted at the end", async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    const b = await bob({ dir: testbed.dir, name: 'media-loop-bob', port: testbed.bobPort });
    const t = await testbed.tas({
      name: 'media-loop-tas',
      tlsPort,
      scenarioFile: scenario('tas-loop-webrtc.xml'),
      keys: { callee: BOB, core: testbed.core.ready.sipTasTls },
    });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'media-loop-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
      const [ar, tr, br] = await Promise.all([a.result, t.result, b.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      expectPassed(br, 'Bob');
      const [aliceLog, tasLog, bobLog] = await Promise.all([a.messages(), t.messages(), b.messages()]);

      // Leg 2: Alice's plain offer became WebRTC style, on rtpengine's address, not Alice's.
      const aliceOffer = sdpOf(sentInvite(aliceLog));
      expect(audioOf(aliceOffer).protocol).toBe('RTP/AVP');
      expect(payloadsOf(aliceOffer)).toEqual(['0']);
      const leg2 = sdpOf(received(tasLog, 'INVITE')[0]);
      expectWebRtc(leg2, 'leg 2 at the TAS');
      expect(audioOf(leg2).setup).toBe('actpass');
      expect(token(audioOf(leg2).mid)).toMatch(/^\S+$/);
      expect(mediaPort(leg2)).not.toBe(mediaPort(aliceOffer));
      // The TAS's WebRTC answer reached Alice as RTP/AVP.
      const toAlice = sdpOf(received200(aliceLog));
      expectPlain(toAlice, 'the 200 at Alice');

      // Leg 3 → leg 4: the TAS's WebRTC offer reached Bob as RTP/AVP; Bob's plain answer reached the TAS WebRTC style.
      const leg3 = sdpOf(loggedMessages(tasLog).find((m) => !m.received && m.text.startsWith('INVITE '))?.text);
      expect(audioOf(leg3).protocol).toBe('UDP/TLS/RTP/SAVPF');
      expect(payloadsOf(leg3)).toEqual(['0']);
      const leg4 = sdpOf(received(bobLog, 'INVITE')[0]);
      expectPlain(leg4, 'leg 4 at Bob');
      expect(mediaPort(leg4)).not.toBe(mediaPort(leg3));
      const toTas = sdpOf(received200(tasLog));
      expectWebRtc(toTas, 'the 200 of leg 3 at the TAS');
      expect(audioOf(toTas).setup).toMatch(/^(active|passive)$/);

      // Both B2BUA calls' media sessions (leg 1-2 and leg 3-4) are gone once the call ended.
      await expectNoMediaSessions(callIdOf(aliceLog));
      await expectNoMediaSessions(callIdOf(tasLog));
      const m = await testbed.metrics();
      expect(
        sample(m, 'sipbreakout_media_relay_operations_total', { command: 'offer', outcome: 'ok' }),
      ).toBeGreaterThanOrEqual(2);
      expect(
        sample(m, 'sipbreakout_media_relay_operations_total', { command: 'answer', outcome: 'ok' }),
      ).toBeGreaterThanOrEqual(2);
      expect(
        sample(m, 'sipbreakout_media_relay_operations_total', { command: 'delete', outcome: 'ok' }),
      ).toBeGreaterThanOrEqual(2);
      expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' })).toBeGreaterThanOrEqual(
        1,
      );
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 60_000);

  it("LOOP with a hold re-INVITE: Alice's re-offer reaches the TAS WebRTC style and its answer Alice as RTP/AVP; the TAS's re-offer on leg 3 reaches Bob as RTP/AVP and his answer the TAS WebRTC style", async () => {
    const before = await testbed.metrics();
    const offersBefore =
      sample(before, 'sipbreakout_media_relay_operations_total', { command: 'offer', outcome: 'ok' }) ?? 0;
    const answersBefore =
      sample(before, 'sipbreakout_media_relay_operations_total', { command: 'answer', outcome: 'ok' }) ?? 0;
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    const b = await bob({
      dir: testbed.dir,
      name: 'media-hold-bob',
      port: testbed.bobPort,
      scenarioFile: scenario('bob-hold.xml'),
    });
    const t = await testbed.tas({
      name: 'media-hold-tas',
      tlsPort,
      scenarioFile: scenario('tas-loop-hold-webrtc.xml'),
      keys: { callee: BOB, core: testbed.core.ready.sipTasTls },
    });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'media-hold-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
        scenarioFile: scenario('alice-hold.xml'),
      });
      const [ar, tr, br] = await Promise.all([a.result, t.result, b.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      expectPassed(br, 'Bob');
      const [aliceLog, tasLog, bobLog] = await Promise.all([a.messages(), t.messages(), b.messages()]);

      // Leg 1 → 2: Alice's plain hold offer reached the TAS WebRTC style, still a=sendonly; the TAS's WebRTC answer reached Alice as RTP/AVP, a=recvonly.
      const [, leg2Re] = received(tasLog, 'INVITE');
      const aliceReOffer = sdpOf(sentInvites(aliceLog)[1]);
      expect(audioOf(aliceReOffer).protocol).toBe('RTP/AVP');
      expect(payloadsOf(aliceReOffer)).toEqual(['0']);
      expectWebRtc(sdpOf(leg2Re), 'the re-INVITE of leg 2 at the TAS');
      expect(directionsOf(sdpOf(leg2Re))).toContain('sendonly');
      const [, aliceRe200] = received200s(aliceLog);
      expectPlain(sdpOf(aliceRe200), 'the 200 of the re-INVITE at Alice');
      expect(directionsOf(sdpOf(aliceRe200))).toContain('recvonly');

      // Leg 3 → 4: the TAS's WebRTC hold offer reached Bob as RTP/AVP; Bob's plain answer reached the TAS WebRTC style.
      const tasReOffer = sdpOf(sentInvites(tasLog)[1]);
      expect(audioOf(tasReOffer).protocol).toBe('UDP/TLS/RTP/SAVPF');
      expect(payloadsOf(tasReOffer)).toEqual(['0']);
      const [, bobRe] = received(bobLog, 'INVITE');
      expectPlain(sdpOf(bobRe), 'the re-INVITE of leg 4 at Bob');
      expect(directionsOf(sdpOf(bobRe))).toContain('sendonly');
      const tas200s = received200s(tasLog);
      expect(tas200s).toHaveLength(2);
      expectWebRtc(sdpOf(tas200s[1]), 'the 200 of the leg-3 re-INVITE at the TAS');
      expect(directionsOf(sdpOf(tas200s[1]))).toContain('recvonly');

      await expectNoMediaSessions(callIdOf(aliceLog));
      await expectNoMediaSessions(callIdOf(tasLog));
      // Two offers and two answers for the set-up of both B2BUA calls, as many again for the hold.
      const m = await testbed.metrics();
      expect(
        (sample(m, 'sipbreakout_media_relay_operations_total', { command: 'offer', outcome: 'ok' }) ?? 0) -
          offersBefore,
      ).toBe(4);
      expect(
        (sample(m, 'sipbreakout_media_relay_operations_total', { command: 'answer', outcome: 'ok' }) ?? 0) -
          answersBefore,
      ).toBe(4);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 60_000);

  it("a call between mobile parties (no registration) is not touched: Bob gets Alice's SDP as she sent it", async () => {
    const before =
      sample(await testbed.metrics(), 'sipbreakout_media_relay_operations_total', {
        command: 'offer',
        outcome: 'ok',
      }) ?? 0;
    const { bobInvite, aliceLog } = await testbed.directCall('media-direct');
    expect(sdpOf(bobInvite)).toBe(sdpOf(sentInvite(aliceLog)));
    expect(
      sample(await testbed.metrics(), 'sipbreakout_media_relay_operations_total', {
        command: 'offer',
        outcome: 'ok',
      }) ?? 0,
    ).toBe(before);
  }, 40_000);

  it("FORK: the TAS leg is WebRTC style, Bob's leg has Alice's SDP unchanged; the TAS answers, its media session is deleted", async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_FORK',
      phoneNumber: { e164: ALICE },
    });
    const b = await bob({
      dir: testbed.dir,
      name: 'media-fork-bob',
      port: testbed.bobPort,
      scenarioFile: scenario('ringing-uas-cancelled.xml'),
    });
    const t = await testbed.tas({ name: 'media-fork-tas', tlsPort, scenarioFile: scenario('answering-uas.xml') });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'media-fork-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
      });
      const [ar, tr, br] = await Promise.all([a.result, t.result, b.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      expectPassed(br, 'Bob');
      const [aliceLog, tasLog, bobLog] = await Promise.all([a.messages(), t.messages(), b.messages()]);
      expectWebRtc(sdpOf(received(tasLog, 'INVITE')[0]), 'FORK leg 2 at the TAS');
      expect(sdpOf(received(bobLog, 'INVITE')[0])).toBe(sdpOf(sentInvite(aliceLog)));
      // answering-uas.xml answers plain RTP/AVP: rtpengine's answer toward Alice is RTP/AVP on its own port.
      expectPlain(sdpOf(received200(aliceLog)), 'the 200 at Alice');
      await expectNoMediaSessions(callIdOf(aliceLog));
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 60_000);
});

describe('rtpengine unreachable', () => {
  it.each<['reject' | 'passthrough', string]>([
    ['reject', '503 to Alice, no leg 2'],
    ['passthrough', 'the SDP unchanged to the TAS'],
  ])(
    'mediaRelay.onFailure %s: %s, the failure counted',
    async (onFailure) => {
      const deadPort = await freePort('udp');
      const node = await testbed.startNode({
        name: `media-${onFailure}`,
        env: {
          SIPBREAKOUT_MEDIA_RELAY_NG: `127.0.0.1:${deadPort}`,
          SIPBREAKOUT_MEDIA_RELAY_TIMEOUT_MS: '100',
          SIPBREAKOUT_MEDIA_RELAY_ATTEMPTS: '2',
          SIPBREAKOUT_MEDIA_RELAY_ON_FAILURE: onFailure,
        },
      });
      const tlsPort = await freePort('tcp');
      const registration = {
        sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
        routeType: 'ROUTE_TYPE_LOOP' as const,
        phoneNumber: { e164: ALICE },
      };
      expect(await node.client.upsertRegistration({ registration })).toMatchObject({ statusCode: 'STATUS_CODE_OK' });
      try {
        if (onFailure === 'reject') {
          // A TAS that only accepts TLS (the core reaches it before the offer) and records what it is sent.
          let toTas = '';
          const sockets: tls.TLSSocket[] = [];
          const listener = tls.createServer(
            { cert: await readFile(testbed.pem.path('tas.pem')), key: await readFile(testbed.pem.path('tas.key')) },
            (socket) => {
              sockets.push(socket);
              socket.on('data', (chunk: Buffer) => (toTas += chunk.toString('latin1')));
              socket.on('error', () => undefined);
            },
          );
          await new Promise<void>((resolve) => listener.listen(tlsPort, '127.0.0.1', resolve));
          try {
            const a = await alice({
              dir: testbed.dir,
              name: 'media-reject-alice',
              core: node.core.ready.sipMobileUdp,
              callee: BOB,
              scenarioFile: scenario('alice-uac-unavailable.xml'),
            });
            expectPassed(await a.result, 'Alice');
            const status = loggedMessages(await a.messages())
              .find((m) => m.received && m.text.startsWith('SIP/2.0 503'))
              ?.text.split('\n')[0];
            expect(status).toBe('SIP/2.0 503 Media Relay Unavailable');
            expect(sockets.length, 'the core reached the TAS over TLS').toBeGreaterThanOrEqual(1);
            expect(toTas).not.toContain('INVITE');
          } finally {
            await new Promise<void>((resolve) => {
              listener.close(() => resolve());
              for (const socket of sockets) socket.destroy();
            });
          }
          const m = await node.metrics();
          expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'media_relay_unavailable' })).toBe(
            1,
          );
          expect(
            sample(m, 'sipbreakout_media_relay_operations_total', {
              command: 'offer',
              outcome: 'MEDIA_RELAY_ERR_TIMEOUT',
            }),
          ).toBe(1);
          // No leg 2 was sent: the TAS (reached over TLS first) never got an INVITE.
          expect(sample(m, 'sipbreakout_call_legs_total', { leg: '2', outcome: 'started' }) ?? 0).toBe(0);
        } else {
          const t = await testbed.tas({
            name: 'media-passthrough-tas',
            tlsPort,
            scenarioFile: scenario('answering-uas.xml'),
          });
          try {
            const a = await alice({
              dir: testbed.dir,
              name: 'media-passthrough-alice',
              core: node.core.ready.sipMobileUdp,
              callee: BOB,
            });
            const [ar, tr] = await Promise.all([a.result, t.result]);
            expectPassed(ar, 'Alice');
            expectPassed(tr, 'TAS');
            const aliceLog = await a.messages();
            expect(sdpOf(received(await t.messages(), 'INVITE')[0])).toBe(sdpOf(sentInvite(aliceLog)));
          } finally {
            await t.socat.stop();
          }
          const m = await node.metrics();
          expect(sample(m, 'sipbreakout_calls_total', { route_type: 'LOOP', outcome: 'answered' })).toBe(1);
          expect(
            sample(m, 'sipbreakout_media_relay_operations_total', {
              command: 'offer',
              outcome: 'MEDIA_RELAY_ERR_TIMEOUT',
            }),
          ).toBe(1);
        }
      } finally {
        await node.stop();
      }
    },
    60_000,
  );
});
