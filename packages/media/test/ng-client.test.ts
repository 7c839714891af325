/**
 * The ng client against a fake listener on loopback, for what rtpengine
 * does not do on demand: silence, garbage, a lost datagram, a reply of odd
 * shape. (Against a real rtpengine: test/interop/rtpengine-ng.test.ts.)
 */
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '@sipbreakout/sip-core';
import { isMediaRelayError } from '../src/media-relay-error.js';
import { parseNgValue, serializeNgValue, type NgValue } from '../src/ng-bencode.js';
import { NgClient } from '../src/ng-client.js';

/** A UDP listener on loopback that hands each datagram (cookie, dictionary) to `reply`. */
async function fakeRtpengine(
  reply: (cookie: string, request: unknown, send: (data: Buffer) => void) => void,
): Promise<{ port: number; received: string[]; close(): Promise<void>; next(): Promise<string> }> {
  const socket = dgram.createSocket('udp4');
  const received: string[] = [];
  let waiter: ((cookie: string) => void) | undefined;
  socket.on('message', (data, from) => {
    const space = data.indexOf(0x20);
    const cookie = data.subarray(0, space).toString('latin1');
    received.push(cookie);
    const parsed = parseNgValue(data.subarray(space + 1));
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

const reply = (cookie: string, value: NgValue): Buffer =>
  Buffer.concat([Buffer.from(`${cookie} `), serializeNgValue(value)]);

describe('NgClient timeouts and bad replies', () => {
  it('sends a request `attempts` times with the same cookie, one timeout apart, then fails with MEDIA_RELAY_ERR_TIMEOUT', async () => {
    const silent = await fakeRtpengine(() => undefined);
    const clock = new ManualClock();
    const client = await NgClient.open({
      address: { host: '127.0.0.1', port: silent.port },
      timeoutMs: 200,
      attempts: 3,
      clock,
    });
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
    const client = await NgClient.open({
      address: { host: '127.0.0.1', port: lossy.port },
      timeoutMs: 100,
      attempts: 2,
      clock,
    });
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
      expect(
        isMediaRelayError(
          await client.offer({ callId: 'c', fromTag: 'f', sdp: 'v=0\r\n' }).catch((e: unknown) => e),
          'MEDIA_RELAY_ERR_BAD_REPLY',
        ),
      ).toBe(true);
      const busy = await client
        .answer({ callId: 'c', fromTag: 'f', toTag: 't', sdp: 'v=0\r\n' })
        .catch((e: unknown) => e);
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

  it('carries an SDP body as bytes both ways, and reads result, warning and the other text of a reply as UTF-8', async () => {
    // A body byte that is not UTF-8 (0xff) must reach rtpengine, and come back, unchanged.
    const body = Uint8Array.from([...new TextEncoder().encode('v=0\r\ns=é\r\n'), 0xff, 0x0d, 0x0a]);
    let requested: unknown;
    const echo = await fakeRtpengine((cookie, request, send) => {
      requested = request;
      const sdp = request instanceof Map ? request.get('sdp') : undefined;
      send(
        reply(cookie, {
          result: 'ok',
          warning: 'déjà vu',
          sdp: typeof sdp === 'string' || sdp instanceof Uint8Array ? sdp : '',
          'call-id': 'c',
        }),
      );
    });
    const client = await NgClient.open({ address: { host: '127.0.0.1', port: echo.port } });
    try {
      const answered = await client.answer({ callId: 'c', fromTag: 'f', toTag: 't', sdp: body });
      expect(requested).toBeInstanceOf(Map);
      expect((requested as Map<string, unknown>).get('sdp')).toEqual(body);
      expect((requested as Map<string, unknown>).get('command')).toBe('answer');
      expect(answered.sdp).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(answered.sdp).equals(Buffer.from(body))).toBe(true);
      expect(answered.warning).toBe('déjà vu');
      // A UTF-8 SDP in the reply is bytes too, the same bytes.
      const text = new TextEncoder().encode('v=0\r\ns=é\r\n');
      const offered = await client.offer({ callId: 'c', fromTag: 'f', sdp: text });
      expect(offered.sdp).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(offered.sdp).equals(Buffer.from(text))).toBe(true);
      const raw = await client.request({ command: 'query', 'call-id': 'c' });
      expect(raw.result).toBe('ok');
      expect(raw.dictionary.get('call-id')).toBe('c');
    } finally {
      await client.close();
      await echo.close();
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
    expect(
      isMediaRelayError(
        await NgClient.open({ address: { host: 'rtpengine.invalid', port: 2223 } }).catch((e: unknown) => e),
        'MEDIA_RELAY_ERR_SOCKET',
      ),
    ).toBe(true);
  });
});
