import { describe, expect, it } from 'vitest';
import { isTransactionError } from '../../src/transaction/transaction-error.js';
import { createCancel, createResponse } from '../../src/transaction/transaction-messages.js';
import { TransactionLayer } from '../../src/transaction/transaction-layer.js';
import { RecordingTransport, RecordingUser, request, responseTo, setup } from './harness.js';
import { ManualClock } from '../../src/clock.js';

describe('transaction matching (§17.1.3, §17.2.3)', () => {
  it('matches a response by branch and CSeq method: a CANCEL and its INVITE share the branch but not the transaction (§17.1.3)', () => {
    const s = setup();
    const invite = request('INVITE');
    const inviteEvents: string[] = [];
    const cancelEvents: string[] = [];
    s.layer.sendRequest(invite, {
      destination: s.destination,
      onEvent: (e) => inviteEvents.push(e.kind === 'response' ? String(e.response.status) : e.kind),
    });
    const cancel = createCancel(invite);
    s.layer.sendRequest(cancel, {
      destination: s.destination,
      onEvent: (e) => cancelEvents.push(e.kind === 'response' ? String(e.response.status) : e.kind),
    });
    expect(cancel.via[0]?.branch).toBe(invite.via[0]?.branch);
    s.layer.receive(responseTo(cancel, 200), s.source);
    s.layer.receive(responseTo(invite, 487), s.source);
    expect(cancelEvents).toEqual(['200']);
    expect(inviteEvents).toEqual(['487']);
  });

  it('does not match a response whose branch differs (§17.1.3)', () => {
    const s = setup();
    s.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bK-a' }), {
      destination: s.destination,
      onEvent: s.onEvent,
    });
    s.layer.receive(responseTo(request('OPTIONS', { branch: 'z9hG4bK-b' }), 200), s.source);
    expect(s.events).toEqual([]);
    expect(s.user.stray.length).toBe(1);
  });

  it('keeps requests with the same branch but a different sent-by apart (§17.2.3)', () => {
    const s = setup();
    s.layer.receive(request('OPTIONS', { via: 'SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-same' }), s.source);
    s.layer.receive(request('OPTIONS', { via: 'SIP/2.0/UDP 127.0.0.2:5080;branch=z9hG4bK-same' }), s.source);
    expect(s.user.requests.length).toBe(2);
  });

  it('hands a CANCEL to the user in its own transaction, pointing at the INVITE it cancels (§9.2)', () => {
    const s = setup();
    const invite = request('INVITE');
    s.layer.receive(invite, s.source);
    s.layer.receive(createCancelFromWire(invite), s.source);
    expect(s.user.requests.map((r) => r.request.method)).toEqual(['INVITE', 'CANCEL']);
    expect(s.user.requests[1]?.transaction.cancels).toBe(s.user.requests[0]?.transaction);
  });

  it('matches an RFC 2543 INVITE retransmission without the magic cookie, and its ACK by the To tag (§17.2.3)', () => {
    const s = setup();
    const via = 'SIP/2.0/UDP 127.0.0.1:5080;branch=old-style-1';
    s.layer.receive(request('INVITE', { via }), s.source);
    s.layer.receive(request('INVITE', { via }), s.source);
    expect(s.user.requests.length).toBe(1);
    const { transaction, request: inv } = s.user.requests[0]!;
    transaction.respond(createResponse(inv, 486, { toTag: 'ours' }));
    s.layer.receive(request('ACK', { via, toTag: 'other' }), s.source);
    expect(transaction.state).toBe('Completed');
    expect(s.user.acks.length).toBe(1);
    s.layer.receive(request('ACK', { via, toTag: 'ours' }), s.source);
    expect(transaction.state).toBe('Confirmed');
  });

  it('matches an RFC 2543 request without any branch (§17.2.3)', () => {
    const s = setup();
    const via = 'SIP/2.0/UDP 127.0.0.1:5080';
    s.layer.receive(request('OPTIONS', { via }), s.source);
    s.layer.receive(request('OPTIONS', { via }), s.source);
    s.layer.receive(request('OPTIONS', { via, cseq: 2 }), s.source);
    expect(s.user.requests.length).toBe(2);
  });

  it('gives a request without a branch a new one with the magic cookie (§8.1.1.7)', () => {
    const s = setup();
    const tx = s.layer.sendRequest(request('OPTIONS', { via: 'SIP/2.0/UDP 127.0.0.1:5080' }), {
      destination: s.destination,
      onEvent: s.onEvent,
    });
    expect(tx.branch).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
  });

  it('refuses a second client transaction with the same key (TX_ERR_DUPLICATE) and an ACK (TX_ERR_INVALID_STATE)', () => {
    const s = setup();
    s.layer.sendRequest(request('OPTIONS'), { destination: s.destination, onEvent: s.onEvent });
    expect(() => s.layer.sendRequest(request('OPTIONS'), { destination: s.destination, onEvent: s.onEvent })).toThrow(
      expect.objectContaining({ code: 'TX_ERR_DUPLICATE' }),
    );
    expect(() => s.layer.sendRequest(request('ACK'), { destination: s.destination, onEvent: s.onEvent })).toThrow(
      expect.objectContaining({ code: 'TX_ERR_INVALID_STATE' }),
    );
  });

  it('enforces the transaction limit: TX_ERR_LIMIT for clients, a stateless 503 for servers', () => {
    const clock = new ManualClock();
    const transport = new RecordingTransport(clock);
    const user = new RecordingUser();
    const layer = new TransactionLayer({ clock, transport, user, limits: { maxTransactions: 1 } });
    const source = {
      protocol: 'UDP' as const,
      host: '127.0.0.1',
      port: 5080,
      local: { host: '127.0.0.1', port: 5060 },
    };
    layer.receive(request('OPTIONS', { branch: 'z9hG4bK-1' }), source);
    layer.receive(request('OPTIONS', { branch: 'z9hG4bK-2' }), source);
    expect(user.requests.length).toBe(1);
    expect(transport.times(503).length).toBe(1);
    let caught: unknown;
    try {
      layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bK-3' }), {
        destination: { protocol: 'UDP', host: '127.0.0.1', port: 1 },
        onEvent: () => undefined,
      });
    } catch (e) {
      caught = e;
    }
    expect(isTransactionError(caught, 'TX_ERR_LIMIT')).toBe(true);
  });
});

function createCancelFromWire(invite: ReturnType<typeof request>) {
  return createCancel(invite);
}
