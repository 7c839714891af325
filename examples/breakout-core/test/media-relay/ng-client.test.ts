/**
 * The ng client against a real rtpengine (Debian's rtpengine-daemon, started
 * here on free loopback ports, userspace only; missing: these tests fail),
 * and against a fake listener for what rtpengine does not do on demand
 * (silence, garbage, a lost datagram).
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@sipbreakout/sip-core';
import { startRtpengine, type Rtpengine } from '@sipbreakout/test-peers';
import { parseBencode, serializeBencode, type BencodeValue } from '../../src/media-relay/bencode.js';
import { isMediaRelayError } from '../../src/media-relay/media-relay-error.js';
import { NgClient } from '../../src/media-relay/ng-client.js';
import { SDP_TOWARD_MOBILE, SDP_TOWARD_TAS } from '../../src/media-relay/sdp-profiles.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A plain SDP offer as a mobile-side UA sends it (what SIPp's Alice sends). */
const PLAIN_OFFER = [
  'v=0',
  'o=alice 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
  '',
].join('\r\n');

/** A WebRTC-style answer as a TAS would give it. */
const WEBRTC_ANSWER = [
  'v=0',
  'o=tas 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 7000 UDP/TLS/RTP/SAVPF 0 101',
  'a=mid:1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=rtcp-mux',
  'a=setup:active',
  'a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF',
  'a=ice-ufrag:tasUfrag',
  'a=ice-pwd:tasIcePasswordOf22Chars',
  'a=candidate:1 1 UDP 2130706431 127.0.0.1 7000 typ host',
  'a=sendrecv',
  '',
].join('\r\n');

/** Port of the first m= line. */
const mediaPort = (sdp: string): number => Number(/^m=audio (\d+) /m.exec(sdp)?.[1]);

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
    const offered = text((await client.offer({ callId, fromTag: 'mobile', sdp: PLAIN_OFFER, options: SDP_TOWARD_TAS.offer })).sdp);
    expect(offered).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0 8 101\r$/m);
    expect(offered).toMatch(/^a=ice-ufrag:\S+\r$/m);
    expect(offered).toMatch(/^a=ice-pwd:\S+\r$/m);
    expect(offered).toMatch(/^a=candidate:\S+ 1 UDP \d+ 127\.0\.0\.1 \d+ typ host\r$/m);
    expect(offered).toMatch(/^a=fingerprint:sha-256 [0-9A-F:]{95}\r$/m);
    expect(offered).toMatch(/^a=setup:actpass\r$/m);
    expect(offered).toMatch(/^a=rtcp-mux\r$/m);
    expect(offered).toMatch(/^a=mid:\S+\r$/m);
    // WebRTC has no SDES keys (RFC 8827 §6.5): DTLS-SRTP only.
    expect(offered).not.toMatch(/^a=crypto:/m);
    expect(offered).toMatch(/^c=IN IP4 127\.0\.0\.1\r$/m);
    const port = mediaPort(offered);
    expect(port).toBeGreaterThanOrEqual(rtpengine.portMin);
    expect(port).toBeLessThanOrEqual(rtpengine.portMax);

    const answered = text((await client.answer({ callId, fromTag: 'mobile', toTag: 'tas', sdp: WEBRTC_ANSWER, options: SDP_TOWARD_TAS.answer })).sdp);
    expect(answered).toMatch(/^m=audio \d+ RTP\/AVP 0 101\r$/m);
    expect(answered).not.toMatch(/^a=(ice-ufrag|ice-pwd|candidate|fingerprint|setup|crypto):/m);
    const answerPort = mediaPort(answered);
    expect(answerPort).not.toBe(7000);
    expect(answerPort).toBeGreaterThanOrEqual(rtpengine.portMin);

    const deleted = await client.delete({ callId, fromTag: 'mobile' });
    expect(deleted.result).toBe('ok');
    // The session is gone: an answer for it is refused with rtpengine's reason.
    const late = await client.answer({ callId, fromTag: 'mobile', toTag: 'tas', sdp: WEBRTC_ANSWER }).catch((e: unknown) => e);
    expect(isMediaRelayError(late, 'MEDIA_RELAY_ERR_REFUSED')).toBe(true);
    expect((late as { reason?: string }).reason).toMatch(/unknown call-id/i);
  });

  it('offer toward the mobile side turns a WebRTC offer into RTP/AVP; the plain answer goes back WebRTC style', async () => {
    const callId = `ng-test-reverse-${Date.now()}`;
    const webrtcOffer = WEBRTC_ANSWER.replace('a=setup:active', 'a=setup:actpass');
    const offered = text((await client.offer({ callId, fromTag: 'tas', sdp: webrtcOffer, options: SDP_TOWARD_MOBILE.offer })).sdp);
    expect(offered).toMatch(/^m=audio \d+ RTP\/AVP 0 101\r$/m);
    expect(offered).not.toMatch(/^a=(ice-ufrag|candidate|fingerprint|setup|crypto|rtcp-mux)/m);
    const answered = text((await client.answer({ callId, fromTag: 'tas', toTag: 'mobile', sdp: PLAIN_OFFER.replace('0 8 101', '0 101'), options: SDP_TOWARD_MOBILE.answer })).sdp);
    expect(answered).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0 101\r$/m);
    expect(answered).toMatch(/^a=ice-ufrag:/m);
    expect(answered).toMatch(/^a=fingerprint:sha-256 /m);
    expect(answered).toMatch(/^a=setup:(active|passive)\r$/m);
    expect(answered).toMatch(/^a=rtcp-mux\r$/m);
    await client.delete({ callId, fromTag: 'tas' });
  });

  it('a delete of an unknown call is ok with a warning, and refused with the fatal flag', async () => {
    const reply = await client.delete({ callId: 'never-offered', fromTag: 'x' });
    expect(reply.result).toBe('ok');
    expect(reply.warning).toBeDefined();
    const fatal = await client.delete({ callId: 'never-offered', fromTag: 'x', options: { flags: ['fatal'] } }).catch((e: unknown) => e);
    expect(isMediaRelayError(fatal, 'MEDIA_RELAY_ERR_REFUSED')).toBe(true);
  });

  it('a command rtpengine does not know is refused with its reason', async () => {
    const error = await client.request({ command: 'no such command' }).catch((e: unknown) => e);
    expect(isMediaRelayError(error, 'MEDIA_RELAY_ERR_REFUSED')).toBe(true);
  });
});

/** A UDP listener on loopback that hands each datagram (cookie, dictionary) to `reply`. */
async function fakeRtpengine(reply: (cookie: string, request: unknown, send: (data: Buffer) => void) => void): Promise<{ port: number; received: string[]; close(): Promise<void>; next(): Promise<string> }> {
  const socket = dgram.createSocket('udp4');
  const received: string[] = [];
  let waiter: ((cookie: string) => void) | undefined;
  socket.on('message', (data, from) => {
    const space = data.indexOf(0x20);
    const cookie = data.subarray(0, space).toString('latin1');
    received.push(cookie);
    const parsed = parseBencode(data.subarray(space + 1));
    reply(cookie, parsed.ok ? parsed.value : undefined, (out) => socket.send(out, from.port, from.address));
    waiter?.(cookie);
    waiter = undefined;
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    next: () => new Promise<string>((resolve) => (waiter = resolve)),
  };
}

const reply = (cookie: string, value: BencodeValue): Buffer => Buffer.concat([Buffer.from(`${cookie} `), serializeBencode(value)]);

describe('NgClient timeouts and bad replies', () => {
  it('sends a request `attempts` times with the same cookie, one timeout apart, then fails with MEDIA_RELAY_ERR_TIMEOUT', async () => {
    const silent = await fakeRtpengine(() => undefined);
    const clock = new ManualClock();
    const client = await NgClient.open({ address: { host: '127.0.0.1', port: silent.port }, timeoutMs: 200, attempts: 3, clock });
    try {
      const first = silent.next();
      const outcome = client.ping().catch((e: unknown) => e);
      await first;
      for (let attempt = 2; attempt <= 3; attempt++) {
        const next = silent.next();
        clock.advance(199);
        expect(silent.received).toHaveLength(attempt - 1);
        clock.advance(1);
        await next;
      }
      clock.advance(200);
      const error = await outcome;
      expect(isMediaRelayError(error, 'MEDIA_RELAY_ERR_TIMEOUT')).toBe(true);
      expect(silent.received).toHaveLength(3);
      expect(new Set(silent.received).size).toBe(1);
      expect(client.pendingCount).toBe(0);
    } finally {
      await client.close();
      await silent.close();
    }
  });

  it('a retransmission that is answered settles the request; a late duplicate reply is ignored', async () => {
    let seen = 0;
    const lossy = await fakeRtpengine((cookie, _request, send) => {
      // The first datagram is "lost"; the second is answered twice.
      if (++seen === 1) return;
      send(reply(cookie, { result: 'pong' }));
      send(reply(cookie, { result: 'pong' }));
    });
    const clock = new ManualClock();
    const client = await NgClient.open({ address: { host: '127.0.0.1', port: lossy.port }, timeoutMs: 100, attempts: 2, clock });
    try {
      const first = lossy.next();
      const ping = client.ping();
      await first;
      clock.advance(100);
      await expect(ping).resolves.toBeUndefined();
      expect(lossy.received).toHaveLength(2);
      expect(lossy.received[0]).toBe(lossy.received[1]);
    } finally {
      await client.close();
      await lossy.close();
    }
  });

  it.each<[string, (cookie: string) => Buffer]>([
    ['not bencode', (cookie) => Buffer.from(`${cookie} d6:result`)],
    ['a list', (cookie) => reply(cookie, ['ok'])],
    ['no result', (cookie) => reply(cookie, { sdp: 'v=0' })],
    ['an unknown result', (cookie) => reply(cookie, { result: 'maybe' })],
  ])('a reply that is %s fails with MEDIA_RELAY_ERR_BAD_REPLY', async (_, make) => {
    const bad = await fakeRtpengine((cookie, _request, send) => send(make(cookie)));
    const client = await NgClient.open({ address: { host: '127.0.0.1', port: bad.port }, timeoutMs: 5000 });
    try {
      const error = await client.request({ command: 'ping' }).catch((e: unknown) => e);
      expect(isMediaRelayError(error, 'MEDIA_RELAY_ERR_BAD_REPLY')).toBe(true);
    } finally {
      await client.close();
      await bad.close();
    }
  });

  it('an offer reply without an SDP fails with MEDIA_RELAY_ERR_BAD_REPLY; load limit is a refusal', async () => {
    const odd = await fakeRtpengine((cookie, request, send) => {
      const command = request instanceof Map ? request.get('command') : undefined;
      send(reply(cookie, command === 'offer' ? { result: 'ok' } : { result: 'load limit', message: 'too busy' }));
    });
    const client = await NgClient.open({ address: { host: '127.0.0.1', port: odd.port } });
    try {
      expect(isMediaRelayError(await client.offer({ callId: 'c', fromTag: 'f', sdp: 'v=0\r\n' }).catch((e: unknown) => e), 'MEDIA_RELAY_ERR_BAD_REPLY')).toBe(true);
      const busy = await client.answer({ callId: 'c', fromTag: 'f', toTag: 't', sdp: 'v=0\r\n' }).catch((e: unknown) => e);
      expect(isMediaRelayError(busy, 'MEDIA_RELAY_ERR_REFUSED')).toBe(true);
      expect((busy as { reason?: string }).reason).toBe('too busy');
    } finally {
      await client.close();
      await odd.close();
    }
  });

  it('close fails what is pending with MEDIA_RELAY_ERR_CLOSED, and every later request; abort fails one with MEDIA_RELAY_ERR_ABORTED', async () => {
    const silent = await fakeRtpengine(() => undefined);
    const client = await NgClient.open({ address: { host: '127.0.0.1', port: silent.port }, timeoutMs: 60_000 });
    try {
      const controller = new AbortController();
      const aborted = client.ping({ signal: controller.signal }).catch((e: unknown) => e);
      controller.abort();
      expect(isMediaRelayError(await aborted, 'MEDIA_RELAY_ERR_ABORTED')).toBe(true);
      const pending = client.ping().catch((e: unknown) => e);
      await client.close();
      expect(isMediaRelayError(await pending, 'MEDIA_RELAY_ERR_CLOSED')).toBe(true);
      expect(isMediaRelayError(await client.ping().catch((e: unknown) => e), 'MEDIA_RELAY_ERR_CLOSED')).toBe(true);
    } finally {
      await client.close();
      await silent.close();
    }
  });

  it('refuses a request larger than one datagram, and an address that is not an IP', async () => {
    const client = await NgClient.open({ address: { host: '127.0.0.1', port: 9 } });
    try {
      const error = await client.offer({ callId: 'c', fromTag: 'f', sdp: 'a'.repeat(70_000) }).catch((e: unknown) => e);
      expect(isMediaRelayError(error, 'MEDIA_RELAY_ERR_REQUEST_TOO_LARGE')).toBe(true);
    } finally {
      await client.close();
    }
    expect(isMediaRelayError(await NgClient.open({ address: { host: 'rtpengine.invalid', port: 2223 } }).catch((e: unknown) => e), 'MEDIA_RELAY_ERR_SOCKET')).toBe(true);
  });
});
