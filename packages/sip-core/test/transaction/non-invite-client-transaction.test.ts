import { describe, expect, it } from 'vitest';
import { isTransactionError } from '../../src/transaction/transaction-error.js';
import { request, responseTo, setup } from './harness.js';

describe('NonInviteClientTransaction', () => {
  it.each([
    {
      t1: 500,
      t2: 4000,
      retransmits: [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
      timerF: 32000,
    },
    {
      t1: 100,
      t2: 400,
      retransmits: [100, 300, 700, 1100, 1500, 1900, 2300, 2700, 3100, 3500, 3900, 4300, 4700, 5100, 5500, 5900, 6300],
      timerF: 6400,
    },
  ])(
    'retransmits on Timer E doubling up to T2 and times out on Timer F = 64·T1 (§17.1.2.2), T1=$t1 T2=$t2',
    ({ t1, t2, retransmits, timerF }) => {
      const s = setup('UDP', { t1, t2 });
      const tx = s.layer.sendRequest(request('OPTIONS'), { destination: s.destination, onEvent: s.onEvent });
      expect(tx.state).toBe('Trying');
      s.clock.advance(timerF - 1);
      expect(s.transport.times('OPTIONS')).toEqual([0, ...retransmits]);
      s.clock.advance(1);
      expect(s.events.map((e) => e.kind)).toEqual(['timeout', 'terminated']);
      const e = s.events[0];
      expect(e?.kind === 'timeout' && isTransactionError(e.error, 'TX_ERR_TIMEOUT') && e.error.timer).toBe('F');
    },
  );

  it('does not start Timer E on a reliable transport (§17.1.2.2)', () => {
    const s = setup('TCP');
    s.layer.sendRequest(request('BYE'), { destination: s.destination, onEvent: s.onEvent });
    s.clock.advance(32000);
    expect(s.transport.times('BYE')).toEqual([0]);
    expect(s.events.map((e) => e.kind)).toEqual(['timeout', 'terminated']);
  });

  it('moves Trying → Proceeding on a 1xx and retransmits every T2 from then on (§17.1.2.2)', () => {
    const s = setup();
    const req = request('REGISTER');
    const tx = s.layer.sendRequest(req, { destination: s.destination, onEvent: s.onEvent });
    s.clock.advance(600);
    s.layer.receive(responseTo(req, 100), s.source);
    expect(tx.state).toBe('Proceeding');
    s.clock.advance(20000 - 600);
    // E was due at 1500 (interval 1000); in Proceeding each firing resets it to T2.
    expect(s.transport.times('REGISTER')).toEqual([0, 500, 1500, 5500, 9500, 13500, 17500]);
  });

  it.each([
    { protocol: 'UDP' as const, timerK: 5000 },
    { protocol: 'TCP' as const, timerK: 0 },
  ])(
    'moves to Completed on a final response, absorbs its retransmissions, and ends on Timer K = $timerK over $protocol (§17.1.2.2)',
    ({ protocol, timerK }) => {
      const s = setup(protocol);
      const req = request('BYE');
      const tx = s.layer.sendRequest(req, { destination: s.destination, onEvent: s.onEvent });
      s.layer.receive(responseTo(req, 200), s.source);
      expect(tx.state).toBe(timerK === 0 ? 'Completed' : 'Completed');
      s.layer.receive(responseTo(req, 200), s.source);
      expect(s.events.filter((e) => e.kind === 'response').length).toBe(1);
      if (timerK > 0) {
        s.clock.advance(timerK - 1);
        expect(tx.state).toBe('Completed');
        expect(s.transport.times('BYE')).toEqual([0]);
      }
      s.clock.advance(1);
      expect(tx.state).toBe('Terminated');
    },
  );
});
