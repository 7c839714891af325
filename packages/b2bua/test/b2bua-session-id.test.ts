/**
 * The Session-ID (RFC 7989) on everything a B2BUA call sends, not only the
 * first INVITE: relayed requests within the dialog (re-INVITE, UPDATE,
 * INFO, BYE, ACK) and their responses, the answers the core gives by
 * itself, CANCEL. An endpoint's own value is relayed as it is; for one that
 * sent none, the B2BUA writes a UUID it assigned to stand for it (§7), and
 * the null UUID for a side it does not know yet.
 */
import { describe, expect, it } from 'vitest';
import { NULL_SESSION_UUID, type ClientInvite, type ServerInvite, type SipMessage } from '@sipbreakout/sip-core';
import { SDP_A, SDP_B, answerWith, b2bua, newInvite, requests, starts, world, type Agent } from './harness.js';

const A = 'a0000000000000000000000000000001';
const B = 'b0000000000000000000000000000002';
const B2 = 'b0000000000000000000000000000003';

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  return { w, alice, core, bob };
}

/** `local remote` of a message's Session-ID, or `-` when it has none. */
function sid(m: SipMessage): string {
  const v = m.sessionId;
  return v === undefined ? '-' : `${v.local} ${v.remote ?? '-'}`;
}

/** What an agent got from the core, as `start-line session-id`, leaving out the 100 Trying the transaction layer writes. */
function fromCore(agent: Agent): string[] {
  return agent.seen
    .filter((m) => m.kind !== 'response' || m.status !== 100)
    .map((m) => `${m.kind === 'request' ? m.method : `${m.status}/${m.cseq.method}`} ${sid(m)}`);
}

/** Alice and Bob speak through the core in a call, then: re-INVITE from Alice, UPDATE from Bob, INFO from Alice, BYE from Bob. */
async function wholeCall(
  w: ReturnType<typeof world>,
  alice: Agent,
  bob: Agent,
  bobInvites: ServerInvite[],
  call: ClientInvite,
) {
  w.run(500);
  expect(call.state).toBe('Answered');
  const aliceDialog = call.dialog!;
  const bobDialog = bobInvites[0]!.dialog!;
  bobDialog.onEvent(
    (e) =>
      e.kind === 'request' &&
      e.request.respond(
        200,
        e.request.request.method === 'INVITE'
          ? { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(SDP_B) }
          : {},
      ),
  );
  aliceDialog.onEvent((e) => e.kind === 'request' && e.request.respond(200));
  const re = aliceDialog.request('INVITE', {
    headers: [['Content-Type', 'application/sdp']],
    body: Buffer.from(SDP_A),
  });
  w.run(500);
  expect((await re).status).toBe(200);
  const update = bobDialog.request('UPDATE');
  w.run(500);
  expect((await update).status).toBe(200);
  const info = aliceDialog.request('INFO', {
    headers: [['Content-Type', 'application/dtmf-relay']],
    body: Buffer.from('Signal=1\r\n'),
  });
  w.run(500);
  expect((await info).status).toBe(200);
  const bye = bobDialog.bye();
  w.run(500);
  expect((await bye).status).toBe(200);
  expect(starts(alice)).toEqual(['180/INVITE', '200/INVITE', '200/INVITE', 'UPDATE', '200/INFO', 'BYE']);
  expect(starts(bob)).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK', '200/UPDATE', 'INFO', '200/BYE']);
}

describe('B2BUA: Session-ID on every message (RFC 7989)', () => {
  it('writes UUIDs standing for endpoints that send none, the same on every message of the call (§7)', async () => {
    const { w, alice, core, bob } = setup();
    const bobInvites = answerWith(
      bob,
      [
        [180, 0],
        [200, 20],
      ],
      w.clock,
    );
    const calls = b2bua(core, (c) => c.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    await wholeCall(w, alice, bob, bobInvites, call);
    // X stands for Alice (the call's sessionId), Y for Bob: assigned when his first response reached Alice.
    const x = calls[0]!.sessionId;
    const y = alice.seen[0]!.sessionId!.local;
    expect(x).toMatch(/^[0-9a-f]{32}$/);
    expect(y).toMatch(/^[0-9a-f]{32}$/);
    expect(y).not.toBe(x);
    expect(fromCore(alice)).toEqual([
      `180/INVITE ${y} ${x}`,
      `200/INVITE ${y} ${x}`,
      `200/INVITE ${y} ${x}`,
      `UPDATE ${y} ${x}`,
      `200/INFO ${y} ${x}`,
      `BYE ${y} ${x}`,
    ]);
    // Toward Bob: the null UUID for him in the INVITE (not known yet), then the one standing for him.
    expect(fromCore(bob)).toEqual([
      `INVITE ${x} ${NULL_SESSION_UUID}`,
      `ACK ${x} ${y}`,
      `INVITE ${x} ${y}`,
      `ACK ${x} ${y}`,
      `200/UPDATE ${x} ${y}`,
      `INFO ${x} ${y}`,
      `200/BYE ${x} ${y}`,
    ]);
  });

  it("relays the endpoints' own values unchanged and writes theirs on what the core says for them (§7)", async () => {
    const { w, alice, core, bob } = setup();
    // Bob's UA writes B (and Alice's UUID once known) on everything; Alice's writes A.
    const bobInvites: ServerInvite[] = [];
    bob.layer.onInvite = (invite) => {
      bobInvites.push(invite);
      invite.sessionId = { local: B, remote: invite.request.sessionId?.local ?? NULL_SESSION_UUID };
      w.clock.setTimer(0, () => invite.respond(180));
      w.clock.setTimer(20, () =>
        invite.respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(SDP_B) }),
      );
    };
    b2bua(core, (c) => c.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(
      newInvite(alice, core, 'bob', [['Session-ID', `${A};remote=${NULL_SESSION_UUID}`]]),
      { destination: core.destination },
    );
    call.sessionId = { local: A, remote: B };
    await wholeCall(w, alice, bob, bobInvites, call);
    expect(fromCore(alice)).toEqual([
      `180/INVITE ${B} ${A}`,
      `200/INVITE ${B} ${A}`,
      `200/INVITE ${B} ${A}`,
      `UPDATE ${B} ${A}`,
      `200/INFO ${B} ${A}`,
      `BYE ${B} ${A}`,
    ]);
    expect(fromCore(bob)).toEqual([
      `INVITE ${A} ${NULL_SESSION_UUID}`,
      `ACK ${A} ${B}`,
      `INVITE ${A} ${B}`,
      `ACK ${A} ${B}`,
      `200/UPDATE ${A} ${B}`,
      `INFO ${A} ${B}`,
      `200/BYE ${A} ${B}`,
    ]);
  });

  it('learns a UUID an endpoint gives itself later and writes it from then on (§6)', async () => {
    const { w, alice, core, bob } = setup();
    const bobInvites = answerWith(bob, [[200, 0]], w.clock);
    b2bua(core, (c) => c.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(500);
    const bobDialog = bobInvites[0]!.dialog!;
    call.dialog!.onEvent((e) => e.kind === 'request' && e.request.respond(200));
    // Bob's UPDATE carries a UUID of his own now (a TAS that took the call over, say): relayed as it is.
    const update = bobDialog.request('UPDATE', { headers: [['Session-ID', `${B2};remote=${NULL_SESSION_UUID}`]] });
    w.run(500);
    expect((await update).status).toBe(200);
    expect(sid(requests(alice, 'UPDATE')[0]!)).toBe(`${B2} ${NULL_SESSION_UUID}`);
    // What the core says for Bob from now on speaks with B2; toward Bob, B2 is the remote UUID.
    void call.dialog!.bye();
    w.run(500);
    const x = requests(bob, 'INVITE')[0]!.sessionId!.local;
    expect(sid(bob.seen.find((m) => m.kind === 'response' && m.cseq.method === 'UPDATE')!)).toBe(`${x} ${B2}`);
    expect(sid(requests(bob, 'BYE')[0]!)).toBe(`${x} ${B2}`);
    expect(sid(alice.seen.find((m) => m.kind === 'response' && m.cseq.method === 'BYE')!)).toBe(`${B2} ${x}`);
  });

  it("gives the CANCEL the INVITE's value, and the 487 and the CANCEL's 200 to the caller the call's (§6)", () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    const calls = b2bua(core, (c) => c.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(200);
    call.cancel();
    w.run(1000);
    const x = calls[0]!.sessionId;
    const y = alice.seen[0]!.sessionId!.local;
    expect(sid(requests(bob, 'CANCEL')[0]!)).toBe(`${x} ${NULL_SESSION_UUID}`);
    expect(fromCore(alice)).toEqual([`180/INVITE ${y} ${x}`, `200/CANCEL ${y} ${x}`, `487/INVITE ${y} ${x}`]);
  });

  it('answers with the null UUID for itself before any leg has spoken (§7)', () => {
    const { w, alice, core, bob } = setup();
    b2bua(core, (c) => {
      expect(() => c.addLeg({ destination: bob.destination })).toThrow();
    });
    const inv = newInvite(alice, core, 'bob', [['Session-ID', `${A};remote=${NULL_SESSION_UUID}`]]);
    inv.headers.set('Max-Forwards', '0');
    alice.layer.invite(inv, { destination: core.destination });
    w.run(500);
    expect(fromCore(alice)).toEqual([`483/INVITE ${NULL_SESSION_UUID} ${A}`]);
  });

  it('keeps a malformed Session-ID of the caller from breaking the call', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[200, 0]], w.clock);
    const calls = b2bua(core, (c) => c.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core, 'bob', [['Session-ID', 'not-a-uuid']]), {
      destination: core.destination,
    });
    w.run(500);
    expect(call.state).toBe('Answered');
    expect(calls[0]!.sessionId).toMatch(/^[0-9a-f]{32}$/);
  });
});
