/**
 * B2buaCall answered by the application: its own device (not a SIP leg)
 * rings beside the outgoing legs and may answer, ring, or keep the call
 * from failing while every SIP leg failed.
 */
import { describe, expect, it } from 'vitest';
import { SipRequest, type ClientInvite } from '@sipbreakout/sip-core';
import { CALL_COMPLETED_ELSEWHERE } from '../src/local-answer.js';
import type { HeldLegEvent } from '../src/held-leg-types.js';
import { SDP_A, SDP_B, answerWith, b2bua, bodyOf, newInvite, requests, starts, world } from './harness.js';

const LOCAL_SDP =
  'v=0\r\no=terminal 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n';

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const carol = w.agent('carol', '10.0.0.4');
  return { w, alice, core, bob, carol };
}

const sdp = (text: string) => ({ sdp: new TextEncoder().encode(text) });

describe('B2buaCall.answerLocally', () => {
  it('cancels the ringing phone with Reason cause=200 (RFC 3326 §2), answers the caller 200 with its SDP, and holds her leg', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    const calls = b2bua(core, (call) => call.addLeg({ destination: bob.destination, name: 'phone' }));
    const invite: ClientInvite = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(100);
    const call = calls[0]!;
    const events: string[] = [];
    call.onEvent((e) => events.push(e.kind));
    const result = call.answerLocally(sdp(LOCAL_SDP));
    expect(result.answered).toBe(true);
    expect(call.state).toBe('Released');
    w.run(500);
    expect(invite.state).toBe('Answered');
    expect(starts(alice)).toEqual(['180/INVITE', '200/INVITE']);
    expect(bodyOf(alice.seen[1]!)).toBe(LOCAL_SDP);
    expect(starts(bob)).toEqual(['INVITE', 'CANCEL', 'ACK']);
    expect(requests(bob, 'CANCEL')[0]?.headers.get('Reason')).toBe(CALL_COMPLETED_ELSEWHERE);
    expect(events).toEqual(['answeredLocally', 'legFailed']);
    if (!result.answered) return;
    expect(result.held.state).toBe('Held');
    expect(result.held.leg).toBe(call.incoming);
    // Alice's ACK reached the core; her BYE is answered by the held leg.
    expect(starts(core).filter((s) => s === 'ACK')).toHaveLength(1);
    const ended: HeldLegEvent[] = [];
    result.held.onEvent((e) => ended.push(e));
    void invite.dialog?.bye();
    w.run(100);
    expect(starts(alice).at(-1)).toBe('200/BYE');
    expect(ended).toEqual([{ kind: 'ended', cause: 'RemoteBye' }]);
  });

  it('fails cleanly once an outgoing leg answered first: nothing is sent', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[200, 0]], w.clock);
    const calls = b2bua(core, (call) => call.addLeg({ destination: bob.destination }));
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(500);
    expect(calls[0]!.answerLocally(sdp(LOCAL_SDP))).toEqual({ answered: false, reason: 'answeredElsewhere' });
    expect(starts(alice)).toEqual(['200/INVITE']);
    expect(calls[0]!.state).toBe('Answered');
  });

  it('answers an INVITE without an offer with its own offer, and tells the answer in the ACK (§13.2.1)', async () => {
    const { w, alice, core } = setup();
    const calls = b2bua(core, () => undefined);
    const request = newInvite(alice, core);
    request.headers.delete('Content-Type');
    const offerless = new SipRequest({ method: 'INVITE', uri: request.uri, headers: request.headers.entries() });
    const invite = alice.layer.invite(offerless, { destination: core.destination, autoAck: false });
    w.run(50);
    const result = calls[0]!.answerLocally(sdp(LOCAL_SDP));
    const events: HeldLegEvent[] = [];
    if (result.answered) result.held.onEvent((e) => events.push(e));
    w.run(50);
    expect(bodyOf(alice.seen.at(-1)!)).toBe(LOCAL_SDP);
    invite.ack({ headers: [['Content-Type', 'application/sdp']], body: new TextEncoder().encode(SDP_A) });
    w.run(50);
    expect(events.map((e) => e.kind)).toEqual(['answer']);
    const answer = events[0];
    expect(answer?.kind === 'answer' && new TextDecoder().decode(answer.sdp)).toBe(SDP_A);
  });
});

describe('B2buaCall: the application rings its own devices', () => {
  it('relays a provisional response of its own (a terminal ringing → 180)', () => {
    const { w, alice, core } = setup();
    const calls = b2bua(core, () => undefined);
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(50);
    expect(calls[0]!.provisional(180)).toBe(true);
    w.run(50);
    expect(starts(alice)).toEqual(['180/INVITE']);
    expect(calls[0]!.ringing).toBe(true);
  });

  it('keeps the call while its devices ring after the phone answered 486, then fails it with the best SIP response', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[486, 20]], w.clock);
    const calls = b2bua(core, (call) => {
      call.setRingingLocally(true);
      call.addLeg({ destination: bob.destination });
    });
    const invite = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(500);
    expect(calls[0]!.state).toBe('Trying');
    // Only the 100 Trying of Alice's INVITE transaction (after 200 ms): no final response.
    expect(starts(alice)).toEqual(['100/INVITE']);
    expect(calls[0]!.fail()).toBe(true);
    w.run(100);
    expect(starts(alice)).toEqual(['100/INVITE', '486/INVITE']);
    expect(invite.state).toBe('Rejected');
    expect(calls[0]!.state).toBe('Failed');
  });

  it('fails with the status the application chooses, cancelling the legs still ringing', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    const calls = b2bua(core, (call) => {
      call.setRingingLocally(true);
      call.addLeg({ destination: bob.destination });
    });
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(100);
    calls[0]!.fail(603, { reason: 'Decline' });
    w.run(500);
    expect(starts(alice)).toEqual(['180/INVITE', '603/INVITE']);
    expect(starts(bob)).toEqual(['INVITE', 'CANCEL', 'ACK']);
    expect(requests(bob, 'CANCEL')[0]?.headers.get('Reason')).toBeUndefined();
  });

  it('fails as it would have once its devices stop ringing after every leg failed', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[480, 0]], w.clock);
    const calls = b2bua(core, (call) => {
      call.setRingingLocally(true);
      call.addLeg({ destination: bob.destination });
    });
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(200);
    expect(starts(alice)).toEqual([]);
    calls[0]!.setRingingLocally(false);
    w.run(100);
    expect(starts(alice)).toEqual(['480/INVITE']);
  });

  it('answers 480 when it fails with no SIP leg and no status', () => {
    const { w, alice, core } = setup();
    const calls = b2bua(core, (call) => call.setRingingLocally(true));
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(50);
    calls[0]!.fail();
    w.run(50);
    expect(starts(alice)).toEqual(['480/INVITE']);
  });

  it('cancels the losing fork with the Reason when a SIP leg answers', () => {
    const { w, alice, core, bob, carol } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    answerWith(carol, [[200, 50]], w.clock);
    b2bua(core, (call) => {
      call.addLeg({ destination: bob.destination });
      call.addLeg({ destination: carol.destination });
    });
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(500);
    expect(bodyOf(alice.seen.at(-1)!)).toBe(SDP_B);
    expect(requests(bob, 'CANCEL')[0]?.headers.get('Reason')).toBe(CALL_COMPLETED_ELSEWHERE);
  });
});
