/**
 * After a call, transactions and dialogs linger 64·T1 (RFC 3261 §17,
 * RFC 6026) to absorb retransmissions. They must not keep the finished
 * B2BUA call, nor what the user hung on it (listener, hooks), alive: at
 * hundreds of calls a second that is the difference between a flat and a
 * growing heap.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Dialog } from '@sipbreakout/sip-core';
import { B2buaCall } from '../src/b2bua-call.js';
import { answerWith, newInvite, serializeMessage, starts, world } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** What a user hangs on a call: an object reachable only through the call's listener and hooks. */
class UserState {
  readonly log: string[] = [];
}

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const refs: Array<{ call: WeakRef<B2buaCall>; user: WeakRef<UserState> }> = [];
  core.layer.onInvite = (invite) => {
    const user = new UserState();
    const call = new B2buaCall(core.layer, invite, {
      hooks: {
        outgoingInvite: (request) => user.log.push(request.method),
        relayResponse: (c) => user.log.push(String(c.reason)),
      },
    });
    call.onEvent((e) => user.log.push(e.kind));
    call.addLeg({ destination: bob.destination });
    refs.push({ call: new WeakRef(call), user: new WeakRef(user) });
  };
  return { w, alice, core, bob, refs };
}

async function collected(refs: ReadonlyArray<{ call: WeakRef<B2buaCall>; user: WeakRef<UserState> }>): Promise<number> {
  // Finalization needs a turn of the event loop after the collection.
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return refs.filter((r) => r.call.deref() === undefined && r.user.deref() === undefined).length;
}

describe('a finished B2BUA call is released while its transactions linger', () => {
  it('answered then ended by a BYE', async () => {
    const { w, alice, core, bob, refs } = setup();
    answerWith(
      bob,
      [
        [180, 0],
        [200, 20],
      ],
      w.clock,
    );
    const outgoing = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(500);
    expect(outgoing.state).toBe('Answered');
    void outgoing.dialog!.bye();
    w.run(500);
    // Still within 64·T1: the INVITE transactions (Accepted, Timer L/M) and the BYE's are there.
    expect(core.layer.transactions.size.server + core.layer.transactions.size.client).toBeGreaterThan(0);
    expect(await collected(refs)).toBe(1);
  });

  it('rejected by the callee', async () => {
    const { w, alice, core, bob, refs } = setup();
    answerWith(
      bob,
      [
        [180, 0],
        [486, 20],
      ],
      w.clock,
    );
    const outgoing = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(500);
    expect(outgoing.state).toBe('Rejected');
    expect(core.layer.transactions.size.server + core.layer.transactions.size.client).toBeGreaterThan(0);
    expect(await collected(refs)).toBe(1);
  });

  it('cancelled by the caller while ringing', async () => {
    const { w, alice, core, bob, refs } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    const outgoing = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(200);
    outgoing.cancel();
    w.run(500);
    expect(outgoing.state).toBe('Rejected');
    expect(await collected(refs)).toBe(1);
  });

  it('after the call, a retransmitted 2xx still gets its ACK and a 2xx of another fork an ACK and a BYE (§13.2.2.4)', async () => {
    const { w, alice, core, bob, refs } = setup();
    answerWith(
      bob,
      [
        [180, 0],
        [200, 20],
      ],
      w.clock,
    );
    const outgoing = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(500);
    void outgoing.dialog!.bye();
    w.run(500);
    expect(await collected(refs)).toBe(1);
    // Bob's 200 as the core received it, sent again (its ACK was lost, say) while the INVITE transaction is Accepted.
    const ok = core.seen.find((m) => m.kind === 'response' && m.status === 200 && m.cseq.method === 'INVITE')!;
    const acksBefore = starts(bob).filter((s) => s === 'ACK').length;
    await bob.transport.send(serializeMessage(ok), core.destination);
    w.run(100);
    expect(starts(bob).filter((s) => s === 'ACK').length).toBe(acksBefore + 1);
    // A 2xx from a dialog the INVITE never saw (another fork's To tag): ACKed, then BYEd.
    const forked = serializeMessage(ok)
      .toString()
      .replace(/(\r\nTo:[^\r]*;tag=)[^;\r]*/i, '$1other-fork');
    await bob.transport.send(Buffer.from(forked, 'latin1'), core.destination);
    w.run(100);
    const toFork = bob.seen
      .filter((m) => m.kind === 'request' && m.to.tag === 'other-fork')
      .map((m) => (m.kind === 'request' ? m.method : ''));
    expect(toFork).toEqual(['ACK', 'BYE']);
  });

  it("a CANCEL after the final response gets 200 with the INVITE's To tag and changes nothing (§9.2)", async () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[486, 20]], w.clock);
    const invite = newInvite(alice, core);
    const outgoing = alice.layer.invite(invite, { destination: core.destination });
    w.run(500);
    expect(outgoing.state).toBe('Rejected');
    const rejected = alice.seen.find((m) => m.kind === 'response' && m.status === 486)!;
    // A CANCEL of the same INVITE (same branch), as a late or retransmitted one would come.
    const cancel = serializeMessage(outgoing.request)
      .toString()
      .replace(/^INVITE /, 'CANCEL ')
      .replace(/CSeq: 1 INVITE/i, 'CSeq: 1 CANCEL')
      .replace(/\r\n\r\n[\s\S]*$/, '\r\n\r\n')
      .replace(/Content-Length: \d+/i, 'Content-Length: 0')
      .replace(/\r\nContent-Type:[^\r]*/i, '');
    await alice.transport.send(Buffer.from(cancel, 'latin1'), core.destination);
    w.run(100);
    const answer = alice.seen.find((m) => m.kind === 'response' && m.cseq.method === 'CANCEL');
    expect(answer?.kind === 'response' && answer.status).toBe(200);
    expect(answer?.to.tag).toBe(rejected.to.tag);
  });

  it('cancelled by the caller after an UPDATE relayed in the early dialog (RFC 3311)', async () => {
    const { w, alice, core, bob, refs } = setup();
    bob.layer.onInvite = (invite) => {
      invite.respond(183);
      invite.dialog?.onEvent((e) => e.kind === 'request' && e.request.respond(200));
    };
    const outgoing = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    let early: Dialog | undefined;
    outgoing.onEvent((e) => e.kind === 'provisional' && (early = e.dialog));
    w.run(200);
    const update = early!.request('UPDATE');
    w.run(200);
    expect((await update).status).toBe(200);
    outgoing.cancel();
    w.run(500);
    expect(outgoing.state).toBe('Rejected');
    expect(await collected(refs)).toBe(1);
  });

  it('answered after a reliable provisional response and its PRACK (RFC 3262), then ended', async () => {
    const { w, alice, core, bob, refs } = setup();
    bob.layer.onInvite = (invite) => {
      invite.respond(183, { reliable: true });
      w.clock.setTimer(100, () => invite.respond(200));
    };
    const outgoing = alice.layer.invite(newInvite(alice, core, 'bob', [['Supported', '100rel']]), {
      destination: core.destination,
    });
    w.run(500);
    expect(outgoing.state).toBe('Answered');
    expect(starts(bob)).toContain('PRACK');
    void outgoing.dialog!.bye();
    w.run(500);
    expect(await collected(refs)).toBe(1);
  });

  it('failed by Timer C (RFC 3261 §16.6 step 11)', async () => {
    const { w, alice, core, bob, refs } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    const outgoing = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(core.layer.timerC + 1_000);
    expect(outgoing.finalResponse?.status).toBe(408);
    expect(await collected(refs)).toBe(1);
  });

  it('a call still in progress is kept', async () => {
    const { w, alice, core, bob, refs } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(200);
    expect(await collected(refs)).toBe(0);
  });
});

describe('an ended dialog is released while its transactions linger', () => {
  it('the dialog that sent the BYE, while the BYE waits out Timer K (§17.1.2.2)', async () => {
    const w = world();
    const alice = w.agent('alice', '10.0.0.1');
    const bob = w.agent('bob', '10.0.0.3');
    answerWith(bob, [[200, 20]], w.clock);
    const ref = (() => {
      const outgoing = alice.layer.invite(newInvite(alice, bob), { destination: bob.destination });
      w.run(500);
      const dialog = outgoing.dialog!;
      void dialog.bye();
      w.run(500);
      expect(dialog.state.name).toBe('Terminated');
      outgoing.release();
      return new WeakRef(dialog);
    })();
    // The BYE's client transaction is still in Completed (Timer K = T4 over UDP).
    expect(alice.layer.transactions.stateCounts()['NonInviteClient/Completed']).toBe(1);
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    expect(ref.deref()).toBeUndefined();
  });
});
