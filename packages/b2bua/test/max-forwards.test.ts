/**
 * Max-Forwards across the B2BUA once the call is set up and in its early
 * dialogs: every relayed request (the end-to-end ACK of the 2xx, BYE,
 * re-INVITE, INFO, UPDATE) carries the received value minus one, so that a
 * loop through other B2BUAs (a TAS sending the call back) runs out of hops;
 * a request received with Max-Forwards 0 is answered 483 and not relayed,
 * an ACK with 0 is dropped (it has no response), and a BYE with 0 still
 * ends the call, the other leg's BYE then the B2BUA's own. The
 * `tooManyHops` hook hears each of those.
 */
import { describe, expect, it } from 'vitest';
import type { ClientInviteEvent, Dialog, SipRequest } from '@sipbreakout/sip-core';
import type { TooManyHopsAction } from '../src/leg-pair.js';
import { SDP_A, answerWith, b2bua, newInvite, requests, starts, world } from './harness.js';

const sdp: Array<readonly [string, string]> = [['Content-Type', 'application/sdp']];

/** Alice calls Bob through the core; Alice ACKs the 2xx herself with `ackMaxForwards`. */
function established(ackMaxForwards: number) {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const bobInvites = answerWith(bob, [[200, 0]], w.clock);
  const hops: Array<{ method: string; maxForwards: number | undefined; action: TooManyHopsAction; from: string }> = [];
  b2bua(core, (call) => call.addLeg({ destination: bob.destination, name: 'bob' }), {
    tooManyHops: (request, { from, action }) =>
      hops.push({ method: request.method, maxForwards: request.maxForwards, action, from: from.name }),
  });
  const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination, autoAck: false });
  call.onEvent((e: ClientInviteEvent) => {
    if (e.kind === 'answered') call.ack({ maxForwards: ackMaxForwards });
  });
  w.run(500);
  return { w, alice, bob, hops, aliceDialog: call.dialog as Dialog, bobDialog: bobInvites[0]?.dialog as Dialog };
}

describe('B2BUA: Max-Forwards of relayed in-dialog requests (RFC 3261 §8.1.1.6, §16.3 step 3)', () => {
  it("relays the caller's ACK and BYE with one hop less than received (40 → 39)", async () => {
    const { w, alice, bob, hops, aliceDialog } = established(40);
    const [ack] = requests(bob, 'ACK');
    expect(ack?.maxForwards).toBe(39);
    const bye = aliceDialog.bye({ maxForwards: 40 });
    w.run(500);
    expect((await bye).status).toBe(200);
    expect(requests(bob, 'BYE').map((r) => r.maxForwards)).toEqual([39]);
    expect(starts(alice)).toEqual(['200/INVITE', '200/BYE']);
    expect(hops).toEqual([]);
  });

  it("relays the callee's BYE with one hop less (12 → 11), and a re-INVITE, its ACK and an INFO likewise", async () => {
    const { w, alice, hops, aliceDialog, bobDialog } = established(70);
    aliceDialog.onEvent((e) => {
      if (e.kind === 'request')
        e.request.respond(200, e.request.request.method === 'INVITE' ? { headers: sdp, body: Buffer.from(SDP_A) } : {});
    });
    const reinvite = bobDialog.request('INVITE', {
      headers: sdp,
      body: Buffer.from(SDP_A),
      maxForwards: 20,
      deferAck: true,
    });
    w.run(500);
    const answered = await reinvite;
    expect(answered.status).toBe(200);
    bobDialog.ack(answered.cseq.seq, { maxForwards: 19 });
    const info = bobDialog.request('INFO', { maxForwards: 1 });
    w.run(500);
    expect((await info).status).toBe(200);
    const bye = bobDialog.bye({ maxForwards: 12 });
    w.run(500);
    expect((await bye).status).toBe(200);
    const seen = (method: string): Array<number | undefined> =>
      requests(alice, method).map((r: SipRequest) => r.maxForwards);
    expect(seen('INVITE')).toEqual([19]);
    // Alice's 200 may have been retransmitted before the ACK came: the same ACK answers each copy.
    expect([...new Set(seen('ACK'))]).toEqual([18]);
    expect(seen('INFO')).toEqual([0]);
    expect(seen('BYE')).toEqual([11]);
    expect(hops).toEqual([]);
  });

  it('answers 483 to an INFO and a re-INVITE received with Max-Forwards 0, relays neither, and the call goes on', async () => {
    const { w, bob, hops, aliceDialog, bobDialog } = established(70);
    bobDialog.onEvent((e) => e.kind === 'request' && e.request.respond(200));
    const info = aliceDialog.request('INFO', { maxForwards: 0 });
    w.run(500);
    const refused = await info;
    expect([refused.status, refused.reason]).toEqual([483, 'Too Many Hops']);
    const reinvite = aliceDialog.request('INVITE', { headers: sdp, body: Buffer.from(SDP_A), maxForwards: 0 });
    w.run(500);
    expect((await reinvite).status).toBe(483);
    expect(starts(bob)).toEqual(['INVITE', 'ACK']);
    expect(hops).toEqual([
      { method: 'INFO', maxForwards: 0, action: 'refused', from: 'incoming' },
      { method: 'INVITE', maxForwards: 0, action: 'refused', from: 'incoming' },
    ]);
    // Still up: the next INFO with hops left goes through.
    const next = aliceDialog.request('INFO', { maxForwards: 5 });
    w.run(500);
    expect((await next).status).toBe(200);
    expect(requests(bob, 'INFO').map((r) => r.maxForwards)).toEqual([4]);
  });

  it('drops an ACK received with Max-Forwards 0 (no response to refuse it with): the callee never gets it', () => {
    const { w, bob, hops } = established(0);
    w.run(1_000);
    expect(requests(bob, 'ACK')).toHaveLength(0);
    expect(hops).toEqual([{ method: 'ACK', maxForwards: 0, action: 'dropped', from: 'incoming' }]);
  });

  it("ends the call on a BYE received with Max-Forwards 0: the caller's BYE 200, the callee a BYE of the core's own (70)", async () => {
    const { w, alice, bob, hops, aliceDialog } = established(70);
    const bye = aliceDialog.bye({ maxForwards: 0 });
    w.run(500);
    expect((await bye).status).toBe(200);
    expect(starts(alice)).toEqual(['200/INVITE', '200/BYE']);
    expect(requests(bob, 'BYE').map((r) => r.maxForwards)).toEqual([70]);
    expect(hops).toEqual([{ method: 'BYE', maxForwards: 0, action: 'ended', from: 'incoming' }]);
  });
});

describe('B2BUA: Max-Forwards in the early dialog', () => {
  it("answers 483 to the caller's UPDATE with Max-Forwards 0 and relays one with hops left minus one", async () => {
    const w = world();
    const alice = w.agent('alice', '10.0.0.1');
    const core = w.agent('core', '10.0.0.2');
    const bob = w.agent('bob', '10.0.0.3');
    bob.layer.onInvite = (invite) => {
      invite.respond(183, { headers: sdp, body: Buffer.from(SDP_A) });
      invite.dialog?.onEvent((e) => e.kind === 'request' && e.request.respond(200));
    };
    const hops: TooManyHopsAction[] = [];
    b2bua(core, (call) => call.addLeg({ destination: bob.destination }), {
      tooManyHops: (_request, { action }) => hops.push(action),
    });
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    let early: Dialog | undefined;
    call.onEvent((e: ClientInviteEvent) => {
      if (e.kind === 'provisional') early = e.dialog;
    });
    w.run(200);
    expect(early?.state.name).toBe('Early');
    const refused = early?.request('UPDATE', { headers: sdp, body: Buffer.from(SDP_A), maxForwards: 0 });
    w.run(200);
    expect((await refused)?.status).toBe(483);
    expect(requests(bob, 'UPDATE')).toHaveLength(0);
    const relayed = early?.request('UPDATE', { headers: sdp, body: Buffer.from(SDP_A), maxForwards: 7 });
    w.run(200);
    expect((await relayed)?.status).toBe(200);
    expect(requests(bob, 'UPDATE').map((r) => r.maxForwards)).toEqual([6]);
    expect(hops).toEqual(['refused']);
  });
});
