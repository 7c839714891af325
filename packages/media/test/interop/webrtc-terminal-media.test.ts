/**
 * The media path of a web terminal's call, end to end through a real
 * rtpengine (started here, userspace, on 127.0.0.1; missing: these tests
 * fail): a real WebRTC stack (werift, on loopback only) on one side, a plain
 * RTP socket acting as the phone on the other, the SDP translated by the
 * profiles. ICE and DTLS-SRTP complete between werift and rtpengine, and RTP
 * packets are counted arriving in plain RTP at the phone and decrypted at
 * the terminal, in both directions, then the session is deleted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  isLoopbackAddress,
  startRtpengine,
  startRtpPeer,
  waitFor,
  WebRtcTerminal,
  type Rtpengine,
  type RtpPeer,
} from '@sipbreakout/test-peers';
import { isMediaRelayError } from '../../src/media-relay-error.js';
import { NgClient } from '../../src/ng-client.js';
import { parseSdp, type MediaDescription } from '../../src/sdp.js';
import { SDP_TOWARD_MOBILE, SDP_TOWARD_TAS } from '../../src/sdp-profiles.js';

/** Packets each side sends: 2 s of 20 ms frames. */
const PACKETS = 100;

/** The first m=audio section of `sdp`. */
function audioOf(sdp: string): MediaDescription {
  const audio = parseSdp(sdp).media.find((m) => m.type === 'audio');
  expect(audio, 'an m=audio section').toBeDefined();
  return audio as MediaDescription;
}

/** The media address (c= of the section, else of the session) and port of the first m=audio of `sdp`. */
function mediaAddressOf(sdp: string): { host: string; port: number } {
  const session = parseSdp(sdp);
  const audio = audioOf(sdp);
  const host = audio.connection?.ip ?? session.connection?.ip;
  expect(host, 'a c= line').toBeDefined();
  return { host: host as string, port: audio.port };
}

/** The addresses of every a=candidate of `sdp`. */
const candidateAddresses = (sdp: string): string[] =>
  parseSdp(sdp).media.flatMap((m) => (m.candidates ?? []).map((c) => c.ip));

describe('a WebRTC terminal through rtpengine to a plain RTP phone', () => {
  let rtpengine: Rtpengine;
  let client: NgClient;
  let terminal: WebRtcTerminal | undefined;
  let phone: RtpPeer | undefined;

  beforeAll(async () => {
    rtpengine = await startRtpengine();
    client = await NgClient.open({ address: { host: '127.0.0.1', port: rtpengine.ngPort } });
  });
  afterEach(async () => {
    await terminal?.close();
    await phone?.close();
    terminal = undefined;
    phone = undefined;
  });
  afterAll(async () => {
    await client?.close();
    await rtpengine?.stop();
  });

  /**
   * Both sides send PACKETS frames at once; resolves once each side counted
   * at least half of what the other sent, or after 10 s.
   */
  async function exchangeAudio(to: { host: string; port: number }): Promise<void> {
    const t = terminal as WebRtcTerminal;
    const p = phone as RtpPeer;
    expect(isLoopbackAddress(to.host), `rtpengine's media address ${to.host}`).toBe(true);
    const [fromTerminal, fromPhone] = await Promise.all([
      t.sendAudio({ packets: PACKETS }),
      p.send({ ...to, packets: PACKETS }),
    ]);
    expect(fromTerminal).toBe(PACKETS);
    expect(fromPhone).toBe(PACKETS);
    await waitFor(() => p.received >= PACKETS / 2 && t.received >= PACKETS / 2, 10_000, 20);
    // Some of the first packets may be lost while rtpengine learns the path; most must arrive.
    expect(p.received, 'RTP from the terminal at the phone').toBeGreaterThanOrEqual(PACKETS / 2);
    expect(p.received).toBeLessThanOrEqual(PACKETS);
    expect([...p.receivedPayloadTypes]).toEqual([0]);
    expect(
      [...p.receivedFrom].every((from) => from === `${to.host}:${to.port}`),
      [...p.receivedFrom].join(),
    ).toBe(true);
    expect(t.received, 'RTP from the phone at the terminal').toBeGreaterThanOrEqual(PACKETS / 2);
    expect(t.received).toBeLessThanOrEqual(PACKETS);
    expect([...t.receivedPayloadTypes]).toEqual([0]);
  }

  it('the terminal offers WebRTC, the phone answers plain RTP/AVP: ICE, DTLS-SRTP and RTP both ways', {
    timeout: 30_000,
  }, async () => {
    const callId = `webrtc-terminal-mo-${Date.now()}`;
    terminal = WebRtcTerminal.open({ codecs: ['PCMU'] });
    phone = await startRtpPeer();

    const offer = await terminal.createOffer();
    expect(audioOf(offer).protocol).toBe('UDP/TLS/RTP/SAVPF');
    // An ICE-lite agent (RFC 8445 §2.5): werift gathers no server-reflexive candidate, so asks no STUN server.
    expect(offer).toMatch(/^a=ice-lite\r$/m);
    expect(candidateAddresses(offer).length).toBeGreaterThan(0);
    expect(
      candidateAddresses(offer).every((ip) => ip === '127.0.0.1'),
      candidateAddresses(offer).join(),
    ).toBe(true);

    const towardPhone = new TextDecoder().decode(
      (await client.offer({ callId, fromTag: 'terminal', sdp: offer, options: SDP_TOWARD_MOBILE.offer })).sdp,
    );
    expect(audioOf(towardPhone).protocol).toBe('RTP/AVP');
    expect(audioOf(towardPhone).fingerprint).toBeUndefined();
    expect(candidateAddresses(towardPhone)).toEqual([]);
    const relay = mediaAddressOf(towardPhone);

    const towardTerminal = new TextDecoder().decode(
      (
        await client.answer({
          callId,
          fromTag: 'terminal',
          toTag: 'phone',
          sdp: phone.sdp(),
          options: SDP_TOWARD_MOBILE.answer,
        })
      ).sdp,
    );
    const answer = audioOf(towardTerminal);
    expect(answer.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(answer.fingerprint?.type).toBe('sha-256');
    expect(candidateAddresses(towardTerminal)).toEqual(expect.arrayContaining(['127.0.0.1']));
    await terminal.acceptAnswer(towardTerminal);

    expect(await terminal.waitConnected(10_000), `werift ${terminal.connectionState}\n${rtpengine.output()}`).toBe(
      true,
    );
    await exchangeAudio(relay);

    expect((await client.delete({ callId, fromTag: 'terminal' })).result).toBe('ok');
    const gone = await client
      .delete({ callId, fromTag: 'terminal', options: { flags: ['fatal'] } })
      .catch((e: unknown) => e);
    expect(isMediaRelayError(gone, 'MEDIA_RELAY_ERR_REFUSED')).toBe(true);
  });

  it('the phone offers plain RTP/AVP, the terminal answers WebRTC: ICE, DTLS-SRTP and RTP both ways', {
    timeout: 30_000,
  }, async () => {
    const callId = `webrtc-terminal-mt-${Date.now()}`;
    terminal = WebRtcTerminal.open({ codecs: ['PCMU'] });
    phone = await startRtpPeer();

    const towardTerminal = new TextDecoder().decode(
      (await client.offer({ callId, fromTag: 'phone', sdp: phone.sdp(), options: SDP_TOWARD_TAS.offer })).sdp,
    );
    expect(audioOf(towardTerminal).protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(audioOf(towardTerminal).setup).toBe('actpass');

    const answer = await terminal.answerOffer(towardTerminal);
    expect(audioOf(answer).protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(audioOf(answer).setup).toMatch(/^(active|passive)$/);
    expect(candidateAddresses(answer).length).toBeGreaterThan(0);
    expect(
      candidateAddresses(answer).every((ip) => ip === '127.0.0.1'),
      candidateAddresses(answer).join(),
    ).toBe(true);

    const towardPhone = new TextDecoder().decode(
      (
        await client.answer({
          callId,
          fromTag: 'phone',
          toTag: 'terminal',
          sdp: answer,
          options: SDP_TOWARD_TAS.answer,
        })
      ).sdp,
    );
    expect(audioOf(towardPhone).protocol).toBe('RTP/AVP');
    expect(candidateAddresses(towardPhone)).toEqual([]);

    expect(await terminal.waitConnected(10_000), `werift ${terminal.connectionState}\n${rtpengine.output()}`).toBe(
      true,
    );
    await exchangeAudio(mediaAddressOf(towardPhone));

    expect((await client.delete({ callId, fromTag: 'phone' })).result).toBe('ok');
  });
});
