import { describe, expect, it } from 'vitest';
import { isTransactionError } from '../../src/transaction/transaction-error.js';
import { createResponse } from '../../src/transaction/transaction-messages.js';
import { request, setup } from './harness.js';

describe('NonInviteServerTransaction', () => {
  it('discards retransmissions in Trying and answers them with the last provisional in Proceeding (§17.2.2)', () => {
    const s = setup();
    s.layer.receive(request('OPTIONS'), s.source);
    s.layer.receive(request('OPTIONS'), s.source);
    expect(s.transport.sent).toEqual([]);
    expect(s.user.requests.length).toBe(1);
    const { transaction, request: req } = s.user.requests[0]!;
    transaction.respond(createResponse(req, 100));
    expect(transaction.state).toBe('Proceeding');
    s.layer.receive(request('OPTIONS'), s.source);
    expect(s.transport.times(100)).toEqual([0, 0]);
  });

  it.each([
    { protocol: 'UDP' as const, timerJ: 32000 },
    { protocol: 'TCP' as const, timerJ: 0 },
  ])(
    'moves to Completed on a final response, answers retransmissions with it, ends on Timer J = $timerJ over $protocol (§17.2.2)',
    ({ protocol, timerJ }) => {
      const s = setup(protocol);
      s.layer.receive(request('BYE'), s.source);
      const { transaction, request: req } = s.user.requests[0]!;
      transaction.respond(createResponse(req, 200, { toTag: 'x' }));
      expect(transaction.state).toBe('Completed');
      if (timerJ > 0) {
        s.clock.advance(1000);
        s.layer.receive(request('BYE'), s.source);
        expect(s.transport.times(200)).toEqual([0, 1000]);
        s.clock.advance(timerJ - 1001);
        expect(transaction.state).toBe('Completed');
        s.clock.advance(1);
      } else {
        s.clock.advance(0);
      }
      expect(transaction.state).toBe('Terminated');
      expect(s.layer.size.server).toBe(0);
    },
  );

  it('ignores a second final response from the user in Completed (§17.2.2)', () => {
    const s = setup();
    s.layer.receive(request('BYE'), s.source);
    const { transaction, request: req } = s.user.requests[0]!;
    transaction.respond(createResponse(req, 200, { toTag: 'x' }));
    transaction.respond(createResponse(req, 500, { toTag: 'x' }));
    expect(s.transport.sent.length).toBe(1);
  });

  it('refuses a response after Terminated with TX_ERR_INVALID_STATE', () => {
    const s = setup('TCP');
    s.layer.receive(request('BYE'), s.source);
    const { transaction, request: req } = s.user.requests[0]!;
    transaction.respond(createResponse(req, 200, { toTag: 'x' }));
    s.clock.advance(0);
    let caught: unknown;
    try {
      transaction.respond(createResponse(req, 200, { toTag: 'x' }));
    } catch (e) {
      caught = e;
    }
    expect(isTransactionError(caught, 'TX_ERR_INVALID_STATE')).toBe(true);
  });
});
