import { describe, expect, it } from 'vitest';
import { isTransactionError } from '../../src/transaction/transaction-error.js';
import { createResponse } from '../../src/transaction/transaction-messages.js';
import { request, setup } from './harness.js';

describe('InviteServerTransaction', () => {
  it('sends 100 Trying itself when the user has not answered within 200 ms (§17.2.1)', () => {
    const s = setup();
    s.layer.receive(request('INVITE'), s.source);
    s.clock.advance(199);
    expect(s.transport.sent).toEqual([]);
    s.clock.advance(1);
    expect(s.transport.times(100)).toEqual([200]);
    const trying = s.transport.sent[0]?.message;
    expect(trying?.kind === 'response' && trying.to.tag).toBeUndefined();
  });

  it('sends no 100 Trying when the user answers within 200 ms (§17.2.1)', () => {
    const s = setup();
    s.layer.receive(request('INVITE'), s.source);
    s.clock.advance(150);
    const { transaction, request: inv } = s.user.requests[0]!;
    transaction.respond(createResponse(inv, 180, { toTag: 'x' }));
    s.clock.advance(1000);
    expect(s.transport.sent.map((x) => x.message.kind === 'response' && x.message.status)).toEqual([180]);
  });

  it('answers a retransmitted INVITE with the last provisional response, without telling the user (§17.2.1)', () => {
    const s = setup();
    s.layer.receive(request('INVITE'), s.source);
    const { transaction, request: inv } = s.user.requests[0]!;
    transaction.respond(createResponse(inv, 180, { toTag: 'x' }));
    s.layer.receive(request('INVITE'), s.source);
    expect(s.user.requests.length).toBe(1);
    expect(s.transport.times(180)).toEqual([0, 0]);
  });

  it.each([
    { t1: 500, t2: 4000, g: [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500], h: 32000 },
    {
      t1: 200,
      t2: 1000,
      g: [200, 600, 1400, 2400, 3400, 4400, 5400, 6400, 7400, 8400, 9400, 10400, 11400, 12400],
      h: 12800,
    },
  ])(
    'retransmits a 3xx–6xx on Timer G doubling up to T2 and reports Timer H = 64·T1 when no ACK comes (§17.2.1), T1=$t1',
    ({ t1, t2, g, h }) => {
      const s = setup('UDP', { t1, t2 });
      s.layer.receive(request('INVITE'), s.source);
      const { transaction, request: inv } = s.user.requests[0]!;
      transaction.respond(createResponse(inv, 486, { toTag: 'x' }));
      expect(transaction.state).toBe('Completed');
      s.clock.advance(h - 1);
      expect(s.transport.times(486)).toEqual([0, ...g]);
      s.clock.advance(1);
      expect(s.user.serverEvents.map((e) => e.kind)).toEqual(['timeout', 'terminated']);
      const e = s.user.serverEvents[0];
      expect(e?.kind === 'timeout' && isTransactionError(e.error, 'TX_ERR_TIMEOUT') && e.error.timer).toBe('H');
    },
  );

  it.each([
    { protocol: 'UDP' as const, timerI: 5000, retransmits: 1 },
    { protocol: 'TCP' as const, timerI: 0, retransmits: 0 },
  ])(
    'absorbs the ACK of a non-2xx: Completed → Confirmed, ends on Timer I = $timerI over $protocol (§17.2.1)',
    ({ protocol, timerI, retransmits }) => {
      const s = setup(protocol);
      s.layer.receive(request('INVITE'), s.source);
      const { transaction, request: inv } = s.user.requests[0]!;
      transaction.respond(createResponse(inv, 404, { toTag: 'x' }));
      s.clock.advance(700);
      s.layer.receive(request('ACK', { toTag: 'x' }), s.source);
      expect(transaction.state).toBe('Confirmed');
      expect(s.user.acks).toEqual([]);
      s.layer.receive(request('ACK', { toTag: 'x' }), s.source);
      expect(s.transport.times(404).length).toBe(1 + retransmits);
      s.clock.advance(timerI);
      expect(transaction.state).toBe('Terminated');
      expect(s.user.serverEvents.map((e) => e.kind)).toEqual(['terminated']);
    },
  );

  it('moves to Accepted on a 2xx: absorbs INVITE retransmissions, passes the user’s 2xx retransmissions and ACKs through, ends on Timer L = 64·T1 (RFC 6026 §7.1)', () => {
    const s = setup();
    s.layer.receive(request('INVITE'), s.source);
    const { transaction, request: inv } = s.user.requests[0]!;
    const ok = createResponse(inv, 200, { toTag: 'x' });
    transaction.respond(ok);
    expect(transaction.state).toBe('Accepted');
    s.layer.receive(request('INVITE'), s.source);
    expect(s.transport.times(200)).toEqual([0]);
    s.clock.advance(500);
    transaction.respond(ok);
    expect(s.transport.times(200)).toEqual([0, 500]);
    s.layer.receive(request('ACK', { toTag: 'x' }), s.source);
    expect(s.user.acks.length).toBe(1);
    s.clock.advance(32000 - 501);
    expect(transaction.state).toBe('Accepted');
    s.clock.advance(1);
    expect(transaction.state).toBe('Terminated');
  });

  it('hands the ACK of a 2xx (new branch) to the user, not to the transaction (§17.2.3)', () => {
    const s = setup();
    s.layer.receive(request('INVITE'), s.source);
    const { transaction, request: inv } = s.user.requests[0]!;
    transaction.respond(createResponse(inv, 200, { toTag: 'x' }));
    s.layer.receive(request('ACK', { branch: 'z9hG4bK-ack-2', toTag: 'x' }), s.source);
    expect(s.user.acks.map((a) => a.via[0]?.branch)).toEqual(['z9hG4bK-ack-2']);
  });

  it('reports a transport error sending a response and terminates (§17.2.4)', async () => {
    const s = setup();
    s.layer.receive(request('INVITE'), s.source);
    const { transaction, request: inv } = s.user.requests[0]!;
    s.transport.fail = true;
    transaction.respond(createResponse(inv, 486, { toTag: 'x' }));
    await Promise.resolve();
    await Promise.resolve();
    expect(s.user.serverEvents.map((e) => e.kind)).toEqual(['transportError', 'terminated']);
  });
});
