/**
 * Timer C (RFC 3261 §16.6 step 11, §16.7 step 2, §16.8) in a B2BUA call: a
 * leg's INVITE that had a provisional response but no final one in time is
 * cancelled and taken as a 408, as a proxy's is; a re-INVITE relayed
 * between two legs likewise, its requester then getting a 500 and the call
 * going on.
 */
import type { IncomingRequest } from '@sipbreakout/sip-core';
import { describe, expect, it } from 'vitest';
import { B2buaCall } from '../src/b2bua-call.js';
import { TIMER_C_REASON } from '../src/leg-pair.js';
import { sequentialFallback } from '../src/sequential-fallback.js';
import { SDP_A, SDP_B, answerWith, b2bua, newInvite, requests, starts, world } from './harness.js';

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const tas = w.agent('tas', '10.0.0.4');
  return { w, alice, core, bob, tas };
}

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

  it("takes its value from the call's options", () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    core.layer.onInvite = (invite) =>
      new B2buaCall(core.layer, invite, { timerC: 30_000 }).addLeg({ destination: bob.destination });
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
      sequentialFallback(c, {
        clock: w.clock,
        targets: [{ destination: bob.destination }, { destination: tas.destination }],
        timeoutMs: 300_000,
      });
    };
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(21_000);
    expect(starts(bob).filter((s) => !s.startsWith('200/'))).toEqual(['INVITE', 'CANCEL', 'ACK']);
    expect(starts(tas)).toEqual(['INVITE', 'ACK']);
    expect(call.state).toBe('Answered');
  });
});

describe('LegPair: Timer C of a relayed re-INVITE', () => {
  function established(timerC = 30_000) {
    const s = setup();
    const bobInvites = answerWith(s.bob, [[200, 0]], s.w.clock);
    s.core.layer.onInvite = (invite) =>
      new B2buaCall(s.core.layer, invite, { timerC }).addLeg({ destination: s.bob.destination });
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
    const reinvite = aliceDialog.request('INVITE', {
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from(SDP_A),
    });
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
    expect(starts(alice).filter((s) => s.endsWith('/INVITE') && !s.startsWith('1'))).toEqual([
      '200/INVITE',
      '500/INVITE',
    ]);
    expect(aliceDialog.state.name).toBe('Confirmed');
    expect(bobDialog.state.name).toBe('Confirmed');
    // The call goes on: an INFO is relayed, and a BYE ends both legs.
    const info = aliceDialog.request('INFO', {
      headers: [['Content-Type', 'application/dtmf-relay']],
      body: Buffer.from('Signal=1\r\n'),
    });
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
    const reinvite = aliceDialog.request('INVITE', {
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from(SDP_A),
    });
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
