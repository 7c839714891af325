import { describe, expect, it } from 'vitest';
import { isTransactionError } from '../../src/transaction/transaction-error.js';
import { request, responseTo, setup } from './harness.js';

describe('InviteClientTransaction', () => {
  it.each([
    { t1: 500, retransmits: [500, 1500, 3500, 7500, 15500, 31500], timerB: 32000 },
    { t1: 100, retransmits: [100, 300, 700, 1500, 3100, 6300], timerB: 6400 },
    { t1: 1000, retransmits: [1000, 3000, 7000, 15000, 31000, 63000], timerB: 64000 },
  ])(
    'retransmits on Timer A at T1·2^n (no T2 cap) and times out on Timer B = 64·T1 (§17.1.1.2), T1=$t1',
    ({ t1, retransmits, timerB }) => {
      const s = setup('UDP', { t1 });
      const invite = request('INVITE');
      const tx = s.layer.sendRequest(invite, { destination: s.destination, onEvent: s.onEvent });
      expect(tx.state).toBe('Calling');
      s.clock.advance(timerB - 1);
      expect(s.transport.times('INVITE')).toEqual([0, ...retransmits]);
      expect(s.events).toEqual([]);
      s.clock.advance(1);
      expect(s.events.map((e) => e.kind)).toEqual(['timeout', 'terminated']);
      const timeout = s.events[0];
      expect(
        timeout?.kind === 'timeout' && isTransactionError(timeout.error, 'TX_ERR_TIMEOUT') && timeout.error.timer,
      ).toBe('B');
      expect(tx.state).toBe('Terminated');
      expect(s.layer.size.client).toBe(0);
      expect(s.clock.pending).toBe(0);
    },
  );

  it('does not start Timer A on a reliable transport, only Timer B (§17.1.1.2)', () => {
    const s = setup('TCP');
    s.layer.sendRequest(request('INVITE'), { destination: s.destination, onEvent: s.onEvent });
    s.clock.advance(31999);
    expect(s.transport.times('INVITE')).toEqual([0]);
    s.clock.advance(1);
    expect(s.events.map((e) => e.kind)).toEqual(['timeout', 'terminated']);
  });

  it('moves Calling → Proceeding on a 1xx, stops retransmitting and stops Timer B (§17.1.1.2)', () => {
    const s = setup();
    const invite = request('INVITE');
    const tx = s.layer.sendRequest(invite, { destination: s.destination, onEvent: s.onEvent });
    s.clock.advance(700);
    s.layer.receive(responseTo(invite, 180), s.source);
    expect(tx.state).toBe('Proceeding');
    s.clock.advance(120_000);
    expect(s.transport.times('INVITE')).toEqual([0, 500]);
    expect(s.events.map((e) => (e.kind === 'response' ? e.response.status : e.kind))).toEqual([180]);
    expect(tx.state).toBe('Proceeding');
  });

  it('moves to Accepted on a 2xx, passes every 2xx retransmission up, and ends on Timer M = 64·T1 (RFC 6026 §7.2)', () => {
    const s = setup();
    const invite = request('INVITE');
    const tx = s.layer.sendRequest(invite, { destination: s.destination, onEvent: s.onEvent });
    s.clock.advance(100);
    s.layer.receive(responseTo(invite, 200), s.source);
    expect(tx.state).toBe('Accepted');
    s.clock.advance(1000);
    s.layer.receive(responseTo(invite, 200), s.source);
    expect(s.events.map((e) => (e.kind === 'response' ? e.response.status : e.kind))).toEqual([200, 200]);
    expect(s.transport.times('ACK')).toEqual([]);
    s.clock.advance(64 * 500 - 1001);
    expect(tx.state).toBe('Accepted');
    s.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    s.layer.receive(responseTo(invite, 200), s.source);
    expect(s.user.stray.map((r) => r.status)).toEqual([200]);
  });

  it.each([300, 404, 486, 503, 699])(
    'ACKs a %i in Completed with the response To tag and the INVITE top Via, and ends on Timer D = 32 s (§17.1.1.3)',
    (status) => {
      const s = setup();
      const invite = request('INVITE');
      const tx = s.layer.sendRequest(invite, { destination: s.destination, onEvent: s.onEvent });
      s.clock.advance(10);
      s.layer.receive(responseTo(invite, status, 'their-tag'), s.source);
      expect(tx.state).toBe('Completed');
      const ack = s.transport.sent.at(-1)?.message;
      expect(ack?.kind === 'request' && ack.method).toBe('ACK');
      if (ack?.kind !== 'request') return;
      expect(ack.to.tag).toBe('their-tag');
      expect(ack.via.length).toBe(1);
      expect(ack.via[0]?.branch).toBe(invite.via[0]?.branch);
      expect(ack.cseq).toEqual({ seq: 1, method: 'ACK' });
      expect(ack.callId).toBe(invite.callId);
      // A retransmitted final response is ACKed again and not passed up.
      s.layer.receive(responseTo(invite, status, 'their-tag'), s.source);
      expect(s.transport.times('ACK')).toEqual([10, 10]);
      expect(s.events.filter((e) => e.kind === 'response').length).toBe(1);
      s.clock.advance(31999);
      expect(tx.state).toBe('Completed');
      s.clock.advance(1);
      expect(tx.state).toBe('Terminated');
    },
  );

  it('sets Timer D to 0 on a reliable transport (§17.1.1.2)', () => {
    const s = setup('TCP');
    const invite = request('INVITE');
    const tx = s.layer.sendRequest(invite, { destination: s.destination, onEvent: s.onEvent });
    s.layer.receive(responseTo(invite, 486), s.source);
    s.clock.advance(0);
    expect(tx.state).toBe('Terminated');
  });

  it('reports a transport error as a typed event and terminates (§17.1.4)', async () => {
    const s = setup();
    s.transport.fail = true;
    const tx = s.layer.sendRequest(request('INVITE'), { destination: s.destination, onEvent: s.onEvent });
    await Promise.resolve();
    await Promise.resolve();
    expect(s.events.map((e) => e.kind)).toEqual(['transportError', 'terminated']);
    const e = s.events[0];
    expect(e?.kind === 'transportError' && isTransactionError(e.error, 'TX_ERR_TRANSPORT')).toBe(true);
    expect(tx.state).toBe('Terminated');
  });
});
