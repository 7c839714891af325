/**
 * A B2BUA call before the answer: UPDATE (RFC 3311) and INFO in the early
 * dialogs relayed between the caller and the outgoing leg whose provisional
 * response the caller got last, with their responses back; reliable
 * provisional responses and their PRACKs (RFC 3262) relayed end to end,
 * RSeq and RAck mapped between the legs; the B2BUA PRACKing or answering a
 * PRACK itself only where one side cannot do it reliably.
 */
import { describe, expect, it } from 'vitest';
import {
  NULL_SESSION_UUID,
  parseRSeq,
  type ClientInviteEvent,
  type Dialog,
  type ServerInvite,
  type SipResponse,
} from '@sipbreakout/sip-core';
import { SDP_A, SDP_B, type Agent, type World, b2bua, bodyOf, newInvite, requests, starts, world } from './harness.js';

const sdp: Array<readonly [string, string]> = [['Content-Type', 'application/sdp']];

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const tas = w.agent('tas', '10.0.0.4');
  return { w, alice, core, bob, tas };
}

/** Advances the manual clock in 5 ms steps, letting promise callbacks run between steps. */
async function run(w: World, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    w.run(5);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A callee that sends `status` (reliably or not, SDP or not) at once and answers 200 `answerAfter` ms later; its INVITEs. */
function ringing(
  agent: Agent,
  w: World,
  status: number,
  options: { reliable?: boolean; body?: boolean; answerAfter?: number } = {},
): ServerInvite[] {
  const got: ServerInvite[] = [];
  agent.layer.onInvite = (invite) => {
    got.push(invite);
    invite.respond(status, {
      ...(options.reliable === true ? { reliable: true } : {}),
      ...(options.body === true ? { headers: sdp, body: Buffer.from(SDP_B) } : {}),
    });
    if (options.answerAfter !== undefined) {
      w.clock.setTimer(
        options.answerAfter,
        () => invite.state === 'Proceeding' && invite.respond(200, { headers: sdp, body: Buffer.from(SDP_B) }),
      );
    }
  };
  return got;
}

/** The response of `method` an agent received first. */
function responseTo(agent: Agent, method: string): SipResponse | undefined {
  return agent.seen.find((m): m is SipResponse => m.kind === 'response' && m.cseq.method === method);
}

describe('B2buaCall: UPDATE and INFO in the early dialog', () => {
  it("relays the caller's UPDATE to the callee's early dialog and the callee's INFO to the caller's, with their responses (RFC 3311 §5.1)", async () => {
    const { w, alice, core, bob } = setup();
    const bobInvites = ringing(bob, w, 183, { body: true, answerAfter: 3_000 });
    b2bua(core, (c) => c.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    let aliceEarly: Dialog | undefined;
    call.onEvent((e: ClientInviteEvent) => e.kind === 'provisional' && (aliceEarly = e.dialog));
    w.run(200);
    expect(aliceEarly?.state.name).toBe('Early');
    const bobEarly = bobInvites[0]!.dialog!;
    bobEarly.onEvent(
      (e) =>
        e.kind === 'request' &&
        e.request.respond(200, { headers: sdp, body: Buffer.from(SDP_B.replace('5000', '5002')) }),
    );
    aliceEarly!.onEvent(
      (e) => e.kind === 'request' && e.request.respond(e.request.request.method === 'INFO' ? 200 : 500),
    );

    const update = aliceEarly!.request('UPDATE', { headers: sdp, body: Buffer.from(SDP_A.replace('4000', '4002')) });
    w.run(200);
    const answer = await update;
    expect(answer.status).toBe(200);
    expect(bodyOf(answer)).toContain('5002');
    const atBob = requests(bob, 'UPDATE')[0]!;
    expect(bodyOf(atBob)).toContain('4002');
    expect(atBob.maxForwards).toBe(69);
    // A request of the core's early dialog with Bob: his tags and Call-ID, the CSeq after the INVITE's.
    expect(atBob.callId).toBe(requests(bob, 'INVITE')[0]!.callId);
    expect(atBob.to.tag).toBe(bobEarly.id.localTag);
    expect(atBob.cseq).toMatchObject({ seq: 2, method: 'UPDATE' });
    const x = requests(bob, 'INVITE')[0]!.sessionId!.local;
    const y = alice.seen.find((m) => m.kind === 'response' && m.status === 183)!.sessionId!.local;
    expect(atBob.sessionId).toMatchObject({ local: x, remote: y });
    expect(responseTo(alice, 'UPDATE')?.sessionId).toMatchObject({ local: y, remote: x });

    const info = bobEarly.request('INFO', {
      headers: [['Content-Type', 'application/dtmf-relay']],
      body: Buffer.from('Signal=7\r\n'),
    });
    w.run(200);
    expect((await info).status).toBe(200);
    const atAlice = requests(alice, 'INFO')[0]!;
    expect(bodyOf(atAlice)).toBe('Signal=7\r\n');
    expect(atAlice.to.tag).toBe(aliceEarly!.id.localTag);
    expect(atAlice.sessionId).toMatchObject({ local: y, remote: x });

    // The answer confirms both early dialogs; the call goes on as one.
    w.run(3_000);
    expect(call.state).toBe('Answered');
    expect(call.dialog).toBe(aliceEarly);
    const bye = aliceEarly!.bye();
    w.run(500);
    expect((await bye).status).toBe(200);
    expect(bobEarly.terminated).toBe(true);
  });

  it("sends the caller's UPDATE to the early dialog of the provisional response it got last", async () => {
    const { w, alice, core, bob, tas } = setup();
    ringing(tas, w, 180);
    const bobInvites: ServerInvite[] = [];
    bob.layer.onInvite = (invite) => {
      bobInvites.push(invite);
      w.clock.setTimer(50, () => invite.respond(183, { headers: sdp, body: Buffer.from(SDP_B) }));
    };
    b2bua(core, (c) => {
      c.addLeg({ destination: tas.destination, name: 'tas' });
      c.addLeg({ destination: bob.destination, name: 'bob' });
    });
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    const early: Dialog[] = [];
    call.onEvent((e) => e.kind === 'provisional' && e.dialog !== undefined && early.push(e.dialog));
    w.run(300);
    expect(starts(alice)).toEqual(['180/INVITE', '183/INVITE']);
    // One early dialog toward Alice (the core's one To tag), whichever leg rang.
    expect(new Set(early).size).toBe(1);
    bobInvites[0]!.dialog!.onEvent((e) => e.kind === 'request' && e.request.respond(200));
    const update = early[0]!.request('UPDATE', { headers: sdp, body: Buffer.from(SDP_A) });
    w.run(200);
    expect((await update).status).toBe(200);
    expect(requests(bob, 'UPDATE')).toHaveLength(1);
    expect(requests(tas, 'UPDATE')).toHaveLength(0);
  });

  it("relays a callee's request that comes while its provisional response still waits for its hook, behind it", async () => {
    const { w, alice, core, bob } = setup();
    const bobInvites = ringing(bob, w, 183, { body: true });
    b2bua(core, (c) => c.addLeg({ destination: bob.destination }), {
      relaySetupResponse: () => new Promise<void>((resolve) => w.clock.setTimer(100, resolve)),
    });
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    call.onEvent(
      (e) => e.kind === 'provisional' && e.dialog?.onEvent((d) => d.kind === 'request' && d.request.respond(200)),
    );
    await run(w, 30);
    // Bob's UPDATE reaches the core before his 183 reaches Alice.
    const update = bobInvites[0]!.dialog!.request('UPDATE', { headers: sdp, body: Buffer.from(SDP_B) });
    await run(w, 300);
    expect((await update).status).toBe(200);
    expect(starts(alice)).toEqual(['183/INVITE', 'UPDATE']);
  });
});

describe('B2buaCall: reliable provisional responses and PRACK end to end (RFC 3262)', () => {
  it("relays the reliable 183 reliably with an RSeq of its own, and the caller's PRACK with its body to the callee, RAck mapped", async () => {
    const { w, alice, core, bob } = setup();
    const bobInvites: ServerInvite[] = [];
    bob.layer.onInvite = (invite) => {
      bobInvites.push(invite);
      invite.respond(183, { reliable: true, headers: sdp, body: Buffer.from(SDP_B) });
      invite.dialog!.onEvent((e) => {
        if (e.kind !== 'request' || e.request.request.method !== 'PRACK') return;
        e.request.respond(200, { headers: sdp, body: Buffer.from(SDP_B.replace('5000', '5004')) });
        w.clock.setTimer(50, () => invite.respond(200, { headers: sdp, body: Buffer.from(SDP_B) }));
      });
    };
    b2bua(core, (c) => c.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core, 'bob', [['Supported', '100rel, timer']]), {
      destination: core.destination,
      prack: 'manual',
    });
    const pracks: Array<Promise<SipResponse>> = [];
    call.onEvent((e) => {
      if (e.kind === 'provisional' && e.dialog !== undefined && e.rseq !== undefined) {
        pracks.push(call.prack(e.dialog, e.rseq, { headers: sdp, body: Buffer.from(SDP_A.replace('4000', '4004')) }));
      }
    });
    w.run(1_000);
    // The callee was told the caller takes reliable provisional responses; `timer` stayed on the caller's hop.
    expect(requests(bob, 'INVITE')[0]!.headers.get('Supported')).toBe('100rel');
    const at = (agent: Agent) => agent.seen.find((m): m is SipResponse => m.kind === 'response' && m.status === 183)!;
    const bobRSeq = parseRSeq(at(core).headers.get('RSeq'))!;
    const aliceRSeq = parseRSeq(at(alice).headers.get('RSeq'))!;
    expect(at(alice).headers.get('Require')).toBe('100rel');
    expect(aliceRSeq).toBeGreaterThan(0);
    expect(requests(alice, 'INVITE')).toHaveLength(0);
    expect(requests(core, 'PRACK')[0]!.headers.get('RAck')).toBe(`${aliceRSeq} 1 INVITE`);
    const atBob = requests(bob, 'PRACK')[0]!;
    expect(atBob.headers.get('RAck')).toBe(`${bobRSeq} 1 INVITE`);
    expect(bodyOf(atBob)).toContain('4004');
    expect(atBob.sessionId?.local).toBe(requests(bob, 'INVITE')[0]!.sessionId!.local);
    expect(atBob.sessionId?.remote).not.toBe(NULL_SESSION_UUID);
    const prackAnswer = await pracks[0]!;
    expect(prackAnswer.status).toBe(200);
    expect(bodyOf(prackAnswer)).toContain('5004');
    // Each side got the 183 once: its PRACK came before any retransmission.
    expect(starts(alice).filter((s) => s !== '100/INVITE')).toEqual(['183/INVITE', '200/PRACK', '200/INVITE']);
    expect(starts(bob)).toEqual(['INVITE', 'PRACK', 'ACK']);
    expect(call.state).toBe('Answered');
  });

  it("PRACKs the callee's reliable response itself when it cannot reach the caller reliably (its hook dropped it)", async () => {
    const { w, alice, core, bob } = setup();
    ringing(bob, w, 183, { reliable: true, body: true, answerAfter: 300 });
    b2bua(core, (c) => c.addLeg({ destination: bob.destination }), {
      relaySetupResponse: (_content, { response }) =>
        response.status === 183 ? Promise.reject(new Error('media relay down')) : undefined,
    });
    const call = alice.layer.invite(newInvite(alice, core, 'bob', [['Supported', '100rel']]), {
      destination: core.destination,
    });
    await run(w, 1_000);
    expect(starts(alice).filter((s) => s !== '100/INVITE')).toEqual(['200/INVITE']);
    expect(requests(bob, 'PRACK')).toHaveLength(1);
    expect(bob.seen.filter((m) => m.kind === 'request' && m.method === 'PRACK')).toHaveLength(1);
    expect(call.state).toBe('Answered');
  });

  it('sends a caller that requires 100rel an unreliable provisional response reliably, and answers its PRACK itself', () => {
    const { w, alice, core, bob } = setup();
    ringing(bob, w, 180, { answerAfter: 500 });
    // The callee is not asked for reliability (a peer that ignores Require would do the same).
    b2bua(core, (c) => c.addLeg({ destination: bob.destination }), {
      outgoingInvite: (request) => void request.headers.delete('Require'),
    });
    const call = alice.layer.invite(newInvite(alice, core, 'bob', [['Require', '100rel']]), {
      destination: core.destination,
    });
    w.run(1_000);
    const ringingAtAlice = alice.seen.find((m): m is SipResponse => m.kind === 'response' && m.status === 180)!;
    expect(ringingAtAlice.headers.get('Require')).toBe('100rel');
    expect(parseRSeq(ringingAtAlice.headers.get('RSeq'))).toBeGreaterThan(0);
    expect(responseTo(alice, 'PRACK')?.status).toBe(200);
    expect(requests(bob, 'PRACK')).toHaveLength(0);
    expect(call.state).toBe('Answered');
  });
});
