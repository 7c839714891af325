/**
 * LegPair when a request relayed between the legs meets the end of the
 * call: the status that ends one leg's dialog (481) still reaches the
 * caller, a request pending when the call ends gets 487 (RFC 3261 §15.1.2)
 * instead of no answer, and a 2xx to a relayed re-INVITE that arrives after
 * the end is still ACKed (§13.2.2.4). Each of these left a transaction open
 * on the core (or the peer retransmitting) before.
 */
import { describe, expect, it } from 'vitest';
import type { ClientInvite, IncomingRequest } from '@sipbreakout/sip-core';
import { SDP_A, SDP_B, answerWith, b2bua, newInvite, requests, starts, world } from './harness.js';

function established() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const bobInvites = answerWith(bob, [[200, 0]], w.clock);
  const calls = b2bua(core, (call) => call.addLeg({ destination: bob.destination }));
  const call: ClientInvite = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
  w.run(500);
  const ended: string[] = [];
  calls[0]!.onEvent((e) => e.kind === 'ended' && ended.push(`${e.end.by.name}:${e.end.cause}`));
  return { w, alice, core, bob, ended, aliceDialog: call.dialog!, bobDialog: bobInvites[0]!.dialog! };
}

const open = (agent: { layer: { transactions: { size: { client: number; server: number } } } }): number =>
  agent.layer.transactions.size.client + agent.layer.transactions.size.server;

describe('LegPair: a relayed request and the end of the call', () => {
  it('relays a 481 to a relayed INFO before ending the call: the caller gets 481, then BYE (§12.2.1.2)', async () => {
    const { w, alice, bob, ended, aliceDialog, bobDialog } = established();
    bobDialog.onEvent((e) => e.kind === 'request' && e.request.respond(481));
    const info = aliceDialog.request('INFO', {
      headers: [['Content-Type', 'application/dtmf-relay']],
      body: Buffer.from('Signal=5\r\nDuration=160\r\n'),
    });
    w.run(500);
    expect((await info).status).toBe(481);
    expect(starts(alice)).toEqual(['200/INVITE', '481/INFO', 'BYE']);
    // Bob's dialog is gone (his 481 said so): no BYE to him.
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'INFO']);
    expect(ended).toEqual(['outgoing:Gone']);
  });

  it("answers the caller's re-INVITE 487 when she hangs up before the callee answers it (§15.1.2); nothing stays open", async () => {
    const { w, alice, bob, core, aliceDialog, bobDialog } = established();
    // Bob does not answer the re-INVITE himself: his dialog answers it 487 when the core's BYE comes.
    bobDialog.onEvent(() => undefined);
    const reinvite = aliceDialog.request('INVITE', {
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from(SDP_A),
    });
    w.run(100);
    const bye = aliceDialog.bye();
    w.run(500);
    expect((await bye).status).toBe(200);
    expect((await reinvite).status).toBe(487);
    expect(starts(alice).filter((s) => !s.startsWith('1'))).toEqual(['200/INVITE', '200/BYE', '487/INVITE']);
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'INVITE', 'BYE', 'ACK']);
    w.run(64 * 500);
    expect(open(core)).toBe(0);
  });

  it("answers 487 to the callee's re-INVITE the caller has not answered when the caller hangs up (§15.1.2)", async () => {
    const { w, alice, bob, core, aliceDialog, bobDialog } = established();
    const atAlice: IncomingRequest[] = [];
    aliceDialog.onEvent((e) => e.kind === 'request' && atAlice.push(e.request));
    const reinvite = bobDialog.request('INVITE', {
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from(SDP_B),
    });
    w.run(100);
    void aliceDialog.bye();
    w.run(500);
    // Bob's re-INVITE is answered when the call ends, not when (or if) Alice answers hers.
    expect((await reinvite).status).toBe(487);
    expect(requests(bob, 'BYE')).toHaveLength(1);
    expect(starts(alice)).toEqual(['200/INVITE', 'INVITE', '200/BYE']);
    // Alice answers the core's re-INVITE after her BYE: absorbed (the core's transaction ACKs it).
    atAlice[0]?.respond(487);
    w.run(500);
    expect(starts(bob).filter((s) => s === '487/INVITE')).toHaveLength(1);
    w.run(64 * 500);
    expect(open(core)).toBe(0);
  });

  it("ACKs a 2xx to a relayed re-INVITE that crosses the caller's BYE, so the callee stops retransmitting it (§13.2.2.4)", async () => {
    const { w, alice, bob, core, aliceDialog, bobDialog } = established();
    // The re-INVITE reaches Bob 20 ms after Alice sends it; he answers 15 ms later, while her BYE (sent at 25 ms) is on its way.
    bobDialog.onEvent((e) => {
      if (e.kind === 'request')
        w.clock.setTimer(15, () =>
          e.request.respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(SDP_B) }),
        );
    });
    const reinvite = aliceDialog.request('INVITE', {
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from(SDP_A),
    });
    w.run(25);
    void aliceDialog.bye();
    w.run(5000);
    expect((await reinvite).status).toBe(487);
    expect(starts(alice).filter((s) => s.endsWith('/INVITE'))).toEqual(['200/INVITE', '487/INVITE']);
    // One 200 of the re-INVITE at the core, no retransmission: the core's ACK (CSeq 2) stopped them.
    expect(starts(core).filter((s) => s === '200/INVITE')).toHaveLength(2);
    expect(requests(bob, 'ACK').map((m) => m.cseq.seq)).toEqual([1, 2]);
    w.run(64 * 500);
    expect(open(core)).toBe(0);
  });
});
