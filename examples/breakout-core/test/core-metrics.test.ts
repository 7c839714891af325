import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ObservedTransport } from '@sipbreakout/service-kit';
import type { MessageSource, Transport, TransportEvent, TransportReceiver } from '@sipbreakout/sip-core';
import { CoreMetrics } from '../src/core-metrics.js';

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
    expect(text).toContain(
      'sipbreakout_sip_connections_closed_total{face="mobile",transport="TCP",reason="message_timeout"} 2',
    );
    expect(text).toContain(
      'sipbreakout_sip_connections_closed_total{face="mobile",transport="TCP",reason="bad_input"} 1',
    );
    expect(text).toContain(
      'sipbreakout_sip_connections_refused_total{face="mobile",transport="TCP",reason="connection_limit"} 1',
    );
  });
});
