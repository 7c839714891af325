/**
 * Timer C (RFC 3261 §16.6 step 11, §16.7 step 2, §16.8): an outgoing INVITE
 * that had a provisional response but no final one in time is cancelled
 * and taken as a 408, for a B2BUA leg's INVITE as for a proxy's; a
 * re-INVITE relayed between two legs likewise, its requester then getting
 * a 500 and the call going on.
 */
import { describe, expect, it } from 'vitest';
import { B2buaCall } from '../../src/dialog/b2bua-call.js';
import type { ClientInviteEvent } from '../../src/dialog/client-invite.js';
import { DEFAULT_TIMER_C } from '../../src/dialog/dialog-layer.js';
import type { IncomingRequest } from '../../src/dialog/incoming-request.js';
import { TIMER_C_REASON } from '../../src/dialog/leg-pair.js';
import { sequentialFallback } from '../../src/dialog/sequential-fallback.js';
import { SDP_A, SDP_B, answerWith, b2bua, newInvite, requests, starts, world } from './harness.js';

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const tas = w.agent('tas', '10.0.0.4');
  return { w, alice, core, bob, tas };
}

describe('ClientInvite: Timer C', () => {
  it('cancels an INVITE left in Proceeding and reports a 408 (§16.8); the UAS\'s 487 changes nothing', () => {
    const { w, alice, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    const invite = alice.layer.invite(newInvite(alice, bob), { destination: bob.destination, timerC: 10_000 });
    const events: string[] = [];
    invite.onEvent((e: ClientInviteEvent) => events.push(e.kind === 'rejected' ? `rejected ${e.response.status}` : e.kind));
    w.run(9_900);
    expect(requests(bob, 'CANCEL')).toHaveLength(0);
    w.run(200);
    expect(requests(bob, 'CANCEL')).toHaveLength(1);
    expect(invite.state).toBe('Rejected');
    expect(invite.finalResponse?.status).toBe(408);
    // Timer C is not a cancel of the user's.
    expect(invite.cancelled).toBe(false);
    w.run(1_000);
    expect(starts(alice).filter((s) => s !== '100/INVITE')).toEqual(['180/INVITE', '200/CANCEL', '487/INVITE']);
    expect(events).toEqual(['provisional', 'rejected 408']);
  });

  it('starts again with each provisional response but 100 (§16.7 step 2)', () => {
    const { w, alice, bob } = setup();
    answerWith(bob, [[180, 0], [183, 8_000]], w.clock);
    const invite = alice.layer.invite(newInvite(alice, bob), { destination: bob.destination, timerC: 10_000 });
    w.run(17_900);
    expect(invite.state).toBe('Proceeding');
    w.run(200);
    expect(invite.state).toBe('Rejected');
    expect(requests(bob, 'CANCEL')).toHaveLength(1);
  });

  it('is off for a plain INVITE (a UA waits as long as its user)', () => {
    const { w, alice, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    const invite = alice.layer.invite(newInvite(alice, bob), { destination: bob.destination });
    w.run(2 * DEFAULT_TIMER_C);
    expect(invite.state).toBe('Proceeding');
  });
});

describe('B2buaCall: Timer C of the outgoing legs', () => {
  it('defaults to 180 s: the ringing leg is cancelled and the caller gets 408', () => {
    const { w, alice, core, bob } = setup();
    expect(core.layer.timerC).toBe(180_000);
    answerWith(bob, [[180, 0]], w.clock);
    const calls = b2bua(core, (c) => c.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(179_000);
    expect(call.state).toBe('Proceeding');
    w.run(2_000);
    expect(starts(bob).filter((s) => !s.startsWith('200/'))).toEqual(['INVITE', 'CANCEL', 'ACK']);
    expect(call.state).toBe('Rejected');
    expect(call.finalResponse?.status).toBe(408);
    expect(calls[0]?.state).toBe('Failed');
  });

  it('takes its value from the call\'s options', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    core.layer.onInvite = (invite) => new B2buaCall(core.layer, invite, { timerC: 30_000 }).addLeg({ destination: bob.destination });
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(31_000);
    expect(call.finalResponse?.status).toBe(408);
  });

  it('gives a FALLBACK its no-answer: the 408 moves the call on to the next target', () => {
    const { w, alice, core, bob, tas } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    answerWith(tas, [[200, 10]], w.clock);
    core.layer.onInvite = (invite) => {
      const c = new B2buaCall(core.layer, invite, { timerC: 20_000 });
      sequentialFallback(c, { clock: w.clock, targets: [{ destination: bob.destination }, { destination: tas.destination }], timeoutMs: 300_000 });
    };
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(21_000);
    expect(starts(bob).filter((s) => !s.startsWith('200/'))).toEqual(['INVITE', 'CANCEL', 'ACK']);
    expect(starts(tas)).toEqual(['INVITE', 'ACK']);
    expect(call.state).toBe('Answered');
  });
});

describe('pairLegs: Timer C of a relayed re-INVITE', () => {
  function established(timerC = 30_000) {
    const s = setup();
    const bobInvites = answerWith(s.bob, [[200, 0]], s.w.clock);
    s.core.layer.onInvite = (invite) => new B2buaCall(s.core.layer, invite, { timerC }).addLeg({ destination: s.bob.destination });
    const call = s.alice.layer.invite(newInvite(s.alice, s.core), { destination: s.core.destination });
    s.w.run(500);
    return { ...s, aliceDialog: call.dialog!, bobDialog: bobInvites[0]!.dialog! };
  }

  it('cancels the re-INVITE on the other leg, answers the requester 500, and the call goes on', async () => {
    const { w, alice, bob, aliceDialog, bobDialog } = established();
    const atBob: IncomingRequest[] = [];
    bobDialog.onEvent((e) => {
      if (e.kind !== 'request') return;
      if (e.request.request.method === 'INVITE') {
        atBob.push(e.request);
        e.request.respond(180);
      } else e.request.respond(200);
    });
    const reinvite = aliceDialog.request('INVITE', { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(SDP_A) });
    w.run(29_000);
    expect(requests(bob, 'CANCEL')).toHaveLength(0);
    w.run(2_000);
    const answer = await reinvite;
    expect(answer.status).toBe(500);
    expect(answer.reason).toBe(TIMER_C_REASON);
    const cancel = requests(bob, 'CANCEL')[0]!;
    expect(cancel.cseq).toMatchObject({ seq: 2, method: 'CANCEL' });
    expect(cancel.callId).toBe(requests(bob, 'INVITE')[1]!.callId);
    // Bob ends his re-INVITE as a UA does on that CANCEL: the 487 is ACKed hop by hop and goes no further.
    atBob[0]!.respond(487);
    w.run(1_000);
    expect(starts(alice).filter((s) => s.endsWith('/INVITE') && !s.startsWith('1'))).toEqual(['200/INVITE', '500/INVITE']);
    expect(aliceDialog.state.name).toBe('Confirmed');
    expect(bobDialog.state.name).toBe('Confirmed');
    // The call goes on: an INFO is relayed, and a BYE ends both legs.
    const info = aliceDialog.request('INFO', { headers: [['Content-Type', 'application/dtmf-relay']], body: Buffer.from('Signal=1\r\n') });
    w.run(500);
    expect((await info).status).toBe(200);
    const bye = aliceDialog.bye();
    w.run(500);
    expect((await bye).status).toBe(200);
    expect(bobDialog.terminated).toBe(true);
  });

  it('ACKs a 2xx that comes after Timer C, so the callee stops sending it (§13.2.2.4)', async () => {
    const { w, core, bob, aliceDialog, bobDialog } = established(10_000);
    const atBob: IncomingRequest[] = [];
    bobDialog.onEvent((e) => {
      if (e.kind === 'request' && e.request.request.method === 'INVITE') {
        atBob.push(e.request);
        e.request.respond(183);
      }
    });
    const reinvite = aliceDialog.request('INVITE', { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(SDP_A) });
    w.run(11_000);
    expect((await reinvite).status).toBe(500);
    atBob[0]!.respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(SDP_B) });
    w.run(5_000);
    expect(requests(bob, 'ACK').map((a) => a.cseq.seq)).toEqual([1, 2]);
    // One 200 of the re-INVITE reached the core: no retransmission, the ACK stopped them.
    expect(starts(core).filter((s) => s === '200/INVITE')).toHaveLength(2);
    expect(bobDialog.state.name).toBe('Confirmed');
  });
});
