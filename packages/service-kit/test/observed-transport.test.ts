import { pino } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  parseMessage,
  type ConnectionCloseReason,
  type ConnectionRefusalReason,
  type SipMessage,
  type Transport,
  type TransportEvent,
  type TransportReceiver,
} from '@sipbreakout/sip-core';
import {
  methodLabel,
  ObservedTransport,
  reasonLabel,
  startLineOfSent,
  summarizeSent,
  type TransportMetrics,
} from '../src/observed-transport.js';

const bytes = (text: string): Uint8Array => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

describe('summarizeSent', () => {
  it.each([
    [
      'a request',
      'OPTIONS sip:a@b SIP/2.0\nCall-ID: x1\nCSeq: 1 OPTIONS\n\n',
      { method: 'OPTIONS', status: '', callId: 'x1', sessionId: undefined },
    ],
    [
      'a response (method from CSeq)',
      'SIP/2.0 503 Service Unavailable\ni: x2\nCSeq: 7 INVITE\nSession-ID: 0123456789abcdef0123456789abcdef\n\n',
      { method: 'INVITE', status: '503', callId: 'x2', sessionId: '0123456789abcdef0123456789abcdef' },
    ],
    [
      'an invented method',
      'FROBNICATE sip:a@b SIP/2.0\nCSeq: 1 FROBNICATE\n\n',
      { method: 'other', status: '', callId: undefined, sessionId: undefined },
    ],
  ])('reads %s', (_what, text, expected) => {
    expect(summarizeSent(bytes(text))).toEqual(expected);
  });

  it('agrees with startLineOfSent (the path taken when debug logs are off) on method and status', () => {
    for (const text of [
      'OPTIONS sip:a@b SIP/2.0\nCall-ID: x1\nCSeq: 1 OPTIONS\n\n',
      'SIP/2.0 503 Service Unavailable\ni: x2\nCSeq: 7 INVITE\n\n',
      'FROBNICATE sip:a@b SIP/2.0\n\n',
      'SIP/2.0 200 OK\ncseq: 2 bye\n\n',
    ]) {
      const full = summarizeSent(bytes(text));
      expect(startLineOfSent(bytes(text))).toEqual({ method: full.method, status: full.status });
    }
  });

  it('bounds the method label set', () => {
    expect(methodLabel('INVITE')).toBe('INVITE');
    expect(methodLabel('invite')).toBe('other');
  });
});

describe('reasonLabel', () => {
  it('writes every reason as a label with underscores', () => {
    const reasons: Array<ConnectionCloseReason | ConnectionRefusalReason> = [
      'remote',
      'idle-timeout',
      'message-timeout',
      'bad-input',
      'local',
      'connection-limit',
    ];
    expect(reasons.map(reasonLabel)).toEqual([
      'remote',
      'idle_timeout',
      'message_timeout',
      'bad_input',
      'local',
      'connection_limit',
    ]);
  });
});

/** The metrics an observed transport feeds, on a registry of the test's own; message counts recorded as calls. */
function recordingMetrics(): TransportMetrics & { readonly messages: string[]; readonly registry: Registry } {
  const registry = new Registry();
  const messages: string[] = [];
  return {
    registry,
    messages,
    countMessage: (sent, face, transport, method, status) =>
      void messages.push(`${sent ? 'sent' : 'received'} ${face} ${transport} ${method} ${status}`.trim()),
    parseErrors: new Counter({
      name: 'parse_errors_total',
      help: 'h',
      labelNames: ['face', 'transport', 'code'] as const,
      registers: [registry],
    }),
    connectionsOpen: new Gauge({
      name: 'connections_open',
      help: 'h',
      labelNames: ['face', 'transport'] as const,
      registers: [registry],
    }),
    connectionsOpened: new Counter({
      name: 'connections_opened_total',
      help: 'h',
      labelNames: ['face', 'transport'] as const,
      registers: [registry],
    }),
    connectionsClosed: new Counter({
      name: 'connections_closed_total',
      help: 'h',
      labelNames: ['face', 'transport', 'reason'] as const,
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'connections_refused_total',
      help: 'h',
      labelNames: ['face', 'transport', 'reason'] as const,
      registers: [registry],
    }),
    tlsFailures: new Counter({
      name: 'tls_failures_total',
      help: 'h',
      labelNames: ['face', 'direction', 'cause'] as const,
      registers: [registry],
    }),
  };
}

function parsed(text: string): SipMessage {
  const result = parseMessage(bytes(text));
  if (!result.ok) throw new Error(result.error.code);
  return result.message;
}

describe('ObservedTransport', () => {
  it('counts each message received and sent, by face, transport, method and status, and passes it on unchanged', async () => {
    let receiver: TransportReceiver | undefined;
    const sent: Uint8Array[] = [];
    const inner: Transport = {
      protocol: 'UDP',
      reliable: false,
      local: { host: '127.0.0.1', port: 5060 },
      sentBy: { host: '127.0.0.1', port: 5060 },
      setReceiver: (r) => {
        receiver = r;
      },
      listen: () => Promise.resolve(),
      send: (b) => {
        sent.push(b);
        return Promise.resolve();
      },
      hasConnection: () => false,
      close: () => Promise.resolve(),
    };
    const metrics = recordingMetrics();
    const observed = new ObservedTransport(inner, 'edge', metrics, pino({ level: 'silent' }));
    const seen: TransportEvent[] = [];
    observed.setReceiver((event) => seen.push(event));
    const source = { protocol: 'UDP' as const, host: '192.0.2.1', port: 5060, local: inner.local };
    const event: TransportEvent = {
      kind: 'message',
      message: parsed(
        'OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\nFrom: <sip:c@d>;tag=1\nTo: <sip:a@b>\nCall-ID: x1\nCSeq: 1 OPTIONS\nMax-Forwards: 70\nContent-Length: 0\n\n',
      ),
      source,
    };
    receiver?.(event);
    const response = bytes('SIP/2.0 200 OK\nCall-ID: x1\nCSeq: 1 OPTIONS\n\n');
    await observed.send(response, { protocol: 'UDP', host: '192.0.2.1', port: 5060 });
    expect(seen).toEqual([event]);
    expect(sent).toEqual([response]);
    expect(metrics.messages).toEqual(['received edge UDP OPTIONS', 'sent edge UDP OPTIONS 200']);
  });
});
