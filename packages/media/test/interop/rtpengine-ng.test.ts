/**
 * The ng client against a real rtpengine (Debian's rtpengine-daemon, started
 * here on free loopback ports, userspace only; missing: these tests fail),
 * asked with both SDP profiles. What rtpengine answers is read with
 * `sdp-transform`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtpengine, type Rtpengine } from '@sipbreakout/test-peers';
import { isMediaRelayError } from '../../src/media-relay-error.js';
import { NgClient } from '../../src/ng-client.js';
import { parseSdp, type MediaDescription, type SessionDescription } from '../../src/sdp.js';
import { SDP_TOWARD_MOBILE, SDP_TOWARD_TAS } from '../../src/sdp-profiles.js';
import { plainOffer, sdpBody, webRtcAnswer } from '../support/sdp-fixtures.js';

/** The first m=audio section. */
function audioOf(session: SessionDescription): MediaDescription {
  const audio = session.media.find((m) => m.type === 'audio');
  expect(audio, 'an m=audio section').toBeDefined();
  return audio as MediaDescription;
}

/** A token attribute's value as text: sdp-transform reads one made of digits only (`a=mid:0`) as a number; absent: ''. */
const token = (value: unknown): string => (value === undefined ? '' : String(value));

/** Every c= of the session: the session's own and each m= section's. */
const connectionsOf = (session: SessionDescription): unknown[] =>
  [session.connection, ...session.media.map((m) => m.connection)].filter((c) => c !== undefined);

/** The values of an attribute at the session level and in every m= section, those present. */
function everywhere(
  session: SessionDescription,
  name: 'iceUfrag' | 'icePwd' | 'candidates' | 'fingerprint' | 'setup' | 'crypto' | 'rtcpMux',
): unknown[] {
  const at = (level: object): unknown => (level as Record<string, unknown>)[name];
  return [at(session), ...session.media.map(at)].filter((v) => v !== undefined);
}

/** `sdp` read by `sdp-transform`, after checking that every line ends in CRLF as RFC 8866 §5 writes them. */
function parseCrlfSdp(sdp: Uint8Array): SessionDescription {
  const text = new TextDecoder().decode(sdp);
  expect(text.endsWith('\r\n'), 'the SDP ends in CRLF').toBe(true);
  expect(/(?<!\r)\n/.test(text), 'a line ends in LF alone').toBe(false);
  return parseSdp(text);
}

describe('NgClient against rtpengine', () => {
  let rtpengine: Rtpengine;
  let client: NgClient;

  beforeAll(async () => {
    rtpengine = await startRtpengine();
    client = await NgClient.open({ address: { host: '127.0.0.1', port: rtpengine.ngPort } });
  });
  afterAll(async () => {
    await client?.close();
    await rtpengine?.stop();
  });

  it('ping is answered pong', async () => {
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('offer toward a TAS turns plain RTP/AVP into WebRTC style; answer turns the TAS answer back into RTP/AVP; delete ends it', async () => {
    const callId = `ng-test-${Date.now()}`;
    const offered = parseCrlfSdp(
      (await client.offer({ callId, fromTag: 'mobile', sdp: sdpBody(plainOffer()), options: SDP_TOWARD_TAS.offer }))
        .sdp,
    );
    const audio = audioOf(offered);
    expect(audio.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(audio.payloads).toBe('0 8 101');
    expect(token(audio.iceUfrag)).toMatch(/^\S+$/);
    expect(token(audio.icePwd)).toMatch(/^\S+$/);
    expect(audio.candidates).toContainEqual({
      foundation: expect.toSatisfy((f: unknown) => /^\S+$/.test(token(f))),
      component: 1,
      transport: 'UDP',
      priority: expect.any(Number),
      ip: '127.0.0.1',
      port: expect.any(Number),
      type: 'host',
    });
    expect(audio.fingerprint).toEqual({ type: 'sha-256', hash: expect.stringMatching(/^[0-9A-F:]{95}$/) });
    expect(audio.setup).toBe('actpass');
    expect(audio.rtcpMux).toBe('rtcp-mux');
    expect(token(audio.mid)).toMatch(/^\S+$/);
    // WebRTC has no SDES keys (RFC 8827 §6.5): DTLS-SRTP only.
    expect(everywhere(offered, 'crypto')).toEqual([]);
    expect(connectionsOf(offered)).toContainEqual({ version: 4, ip: '127.0.0.1' });
    expect(audio.port).toBeGreaterThanOrEqual(rtpengine.portMin);
    expect(audio.port).toBeLessThanOrEqual(rtpengine.portMax);

    const answered = parseCrlfSdp(
      (
        await client.answer({
          callId,
          fromTag: 'mobile',
          toTag: 'tas',
          sdp: sdpBody(webRtcAnswer()),
          options: SDP_TOWARD_TAS.answer,
        })
      ).sdp,
    );
    const answer = audioOf(answered);
    expect(answer.protocol).toBe('RTP/AVP');
    expect(answer.payloads).toBe('0 101');
    for (const name of ['iceUfrag', 'icePwd', 'candidates', 'fingerprint', 'setup', 'crypto'] as const)
      expect(everywhere(answered, name), name).toEqual([]);
    expect(answer.port).not.toBe(7000);
    expect(answer.port).toBeGreaterThanOrEqual(rtpengine.portMin);

    const deleted = await client.delete({ callId, fromTag: 'mobile' });
    expect(deleted.result).toBe('ok');
    // The session is gone: an answer for it is refused with rtpengine's reason.
    const late = await client
      .answer({ callId, fromTag: 'mobile', toTag: 'tas', sdp: sdpBody(webRtcAnswer()) })
      .catch((e: unknown) => e);
    expect(isMediaRelayError(late, 'MEDIA_RELAY_ERR_REFUSED')).toBe(true);
    expect((late as { reason?: string }).reason).toMatch(/unknown call-id/i);
  });

  it('offer toward the mobile side turns a WebRTC offer into RTP/AVP; the plain answer goes back WebRTC style', async () => {
    const callId = `ng-test-reverse-${Date.now()}`;
    const webRtcOffer = webRtcAnswer();
    (webRtcOffer.media[0] as MediaDescription).setup = 'actpass';
    const offered = parseCrlfSdp(
      (await client.offer({ callId, fromTag: 'tas', sdp: sdpBody(webRtcOffer), options: SDP_TOWARD_MOBILE.offer })).sdp,
    );
    const audio = audioOf(offered);
    expect(audio.protocol).toBe('RTP/AVP');
    expect(audio.payloads).toBe('0 101');
    for (const name of ['iceUfrag', 'candidates', 'fingerprint', 'setup', 'crypto', 'rtcpMux'] as const)
      expect(everywhere(offered, name), name).toEqual([]);

    const plainAnswer = plainOffer();
    const media = plainAnswer.media[0] as MediaDescription;
    media.payloads = '0 101';
    media.rtp = media.rtp.filter((r) => r.payload !== 8);
    const answered = parseCrlfSdp(
      (
        await client.answer({
          callId,
          fromTag: 'tas',
          toTag: 'mobile',
          sdp: sdpBody(plainAnswer),
          options: SDP_TOWARD_MOBILE.answer,
        })
      ).sdp,
    );
    const answer = audioOf(answered);
    expect(answer.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(answer.payloads).toBe('0 101');
    expect(answer.iceUfrag).toBeDefined();
    expect(answer.fingerprint?.type).toBe('sha-256');
    expect(answer.setup).toMatch(/^(active|passive)$/);
    expect(answer.rtcpMux).toBe('rtcp-mux');
    await client.delete({ callId, fromTag: 'tas' });
  });

  it('a delete of an unknown call is ok with a warning, and refused with the fatal flag', async () => {
    const reply = await client.delete({ callId: 'never-offered', fromTag: 'x' });
    expect(reply.result).toBe('ok');
    expect(reply.warning).toBeDefined();
    const fatal = await client
      .delete({ callId: 'never-offered', fromTag: 'x', options: { flags: ['fatal'] } })
      .catch((e: unknown) => e);
    expect(isMediaRelayError(fatal, 'MEDIA_RELAY_ERR_REFUSED')).toBe(true);
  });

  it('a command rtpengine does not know is refused with its reason', async () => {
    const error = await client.request({ command: 'no such command' }).catch((e: unknown) => e);
    expect(isMediaRelayError(error, 'MEDIA_RELAY_ERR_REFUSED')).toBe(true);
  });
});
