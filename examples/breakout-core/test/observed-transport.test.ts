import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ConnectionCloseReason, ConnectionRefusalReason, MessageSource, Transport, TransportEvent, TransportReceiver } from '@sipbreakout/sip-core';
import { CoreMetrics } from '../src/core-metrics.js';
import { methodLabel, ObservedTransport, reasonLabel, startLineOfSent, summarizeSent } from '../src/observed-transport.js';

const bytes = (text: string): Uint8Array => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

describe('summarizeSent', () => {
  it.each([
    ['a request', 'OPTIONS sip:a@b SIP/2.0\nCall-ID: x1\nCSeq: 1 OPTIONS\n\n', { method: 'OPTIONS', status: '', callId: 'x1', sessionId: undefined }],
    ['a response (method from CSeq)', 'SIP/2.0 503 Service Unavailable\ni: x2\nCSeq: 7 INVITE\nSession-ID: 0123456789abcdef0123456789abcdef\n\n', { method: 'INVITE', status: '503', callId: 'x2', sessionId: '0123456789abcdef0123456789abcdef' }],
    ['an invented method', 'FROBNICATE sip:a@b SIP/2.0\nCSeq: 1 FROBNICATE\n\n', { method: 'other', status: '', callId: undefined, sessionId: undefined }],
  ])('reads %s', (_what, text, expected) => {
    expect(summarizeSent(bytes(text))).toEqual(expected);
  });

  it('agrees with startLineOfSent (the path taken when debug logs are off) on method and status', () => {
    for (const text of ['OPTIONS sip:a@b SIP/2.0\nCall-ID: x1\nCSeq: 1 OPTIONS\n\n', 'SIP/2.0 503 Service Unavailable\ni: x2\nCSeq: 7 INVITE\n\n', 'FROBNICATE sip:a@b SIP/2.0\n\n', 'SIP/2.0 200 OK\ncseq: 2 bye\n\n']) {
      const full = summarizeSent(bytes(text));
      expect(startLineOfSent(bytes(text))).toEqual({ method: full.method, status: full.status });
    }
  });

  it('bounds the method label set', () => {
    expect(methodLabel('INVITE')).toBe('INVITE');
    expect(methodLabel('invite')).toBe('other');
  });
});

/** A TCP transport that only passes on the events a test gives it. */
function fakeTcp(): { transport: Transport; emit: (event: TransportEvent) => void } {
  let receiver: TransportReceiver | undefined;
  const transport: Transport = {
    protocol: 'TCP',
    reliable: true,
    local: { host: '127.0.0.1', port: 5060 },
    sentBy: { host: '127.0.0.1', port: 5060 },
    setReceiver: (r) => {
      receiver = r;
    },
    listen: () => Promise.resolve(),
    send: () => Promise.resolve(),
    hasConnection: () => false,
    close: () => Promise.resolve(),
  };
  return { transport, emit: (event) => receiver?.(event) };
}

describe('ObservedTransport: connections', () => {
  it('counts connections open, opened, closed by reason and refused by reason', async () => {
    const metrics = new CoreMetrics();
    const { transport, emit } = fakeTcp();
    const observed = new ObservedTransport(transport, 'mobile', metrics, pino({ level: 'silent' }));
    observed.setReceiver(() => undefined);
    const source: MessageSource = { protocol: 'TCP', host: '127.0.0.1', port: 40000, local: transport.local };
    for (let i = 0; i < 4; i++) emit({ kind: 'connection', state: 'open', source });
    emit({ kind: 'connection', state: 'closed', reason: 'message-timeout', source });
    emit({ kind: 'connection', state: 'closed', reason: 'message-timeout', source });
    emit({ kind: 'connection', state: 'closed', reason: 'bad-input', source });
    emit({ kind: 'connection', state: 'refused', reason: 'connection-limit', source });
    const text = await metrics.registry.metrics();
    expect(text).toContain('sipbreakout_sip_connections_open{face="mobile",transport="TCP"} 1');
    expect(text).toContain('sipbreakout_sip_connections_opened_total{face="mobile",transport="TCP"} 4');
    expect(text).toContain('sipbreakout_sip_connections_closed_total{face="mobile",transport="TCP",reason="message_timeout"} 2');
    expect(text).toContain('sipbreakout_sip_connections_closed_total{face="mobile",transport="TCP",reason="bad_input"} 1');
    expect(text).toContain('sipbreakout_sip_connections_refused_total{face="mobile",transport="TCP",reason="connection_limit"} 1');
  });

  it('writes every reason as a label with underscores', () => {
    const reasons: Array<ConnectionCloseReason | ConnectionRefusalReason> = ['remote', 'idle-timeout', 'message-timeout', 'bad-input', 'local', 'connection-limit'];
    expect(reasons.map(reasonLabel)).toEqual(['remote', 'idle_timeout', 'message_timeout', 'bad_input', 'local', 'connection_limit']);
  });
});
