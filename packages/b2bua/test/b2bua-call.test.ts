import { describe, expect, it } from 'vitest';
import type { ClientInvite } from '@sipbreakout/sip-core';
import { SDP_A, SDP_B, answerWith, b2bua, bodyOf, newInvite, requests, sdpOf, starts, world } from './harness.js';

function setup(options: { delay?: number; seed?: number } = {}) {
  const w = world(options);
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const tas = w.agent('tas', '10.0.0.4');
  return { w, alice, core, bob, tas };
}

describe('B2buaCall: one incoming leg, one outgoing leg', () => {
  it('relays 180 and 200, ACK end to end, and keeps each leg to itself (Via, Call-ID, tags, Contact, CSeq)', () => {
    const { w, alice, core, bob } = setup();
    answerWith(
      bob,
      [
        [180, 0],
        [200, 50],
      ],
      w.clock,
    );
    const calls = b2bua(core, (call) =>
      call.addLeg({ destination: bob.destination, uri: 'sip:+4722222222@10.0.0.3', name: 'bob' }),
    );
    const inv = newInvite(alice, core, 'bob', [['X-Custom', 'kept']]);
    const call = alice.layer.invite(inv, { destination: core.destination });
    w.run(1000);
    expect(starts(alice)).toEqual(['180/INVITE', '200/INVITE']);
    expect(starts(bob)).toEqual(['INVITE', 'ACK']);
    expect(call.state).toBe('Answered');
    expect(calls[0]?.state).toBe('Answered');

    const toBob = requests(bob, 'INVITE')[0]!;
    expect(toBob.callId).not.toBe(inv.callId);
    expect(toBob.from.tag).not.toBe(inv.from.tag);
    expect(toBob.via).toHaveLength(1);
    expect(toBob.via[0]?.host).toBe('10.0.0.2');
    expect(
      toBob.contact[0]?.star === false && toBob.contact[0].uri.kind === 'sip' ? toBob.contact[0].uri.host : '',
    ).toBe('10.0.0.2');
    expect(toBob.maxForwards).toBe(69);
    expect(toBob.headers.get('X-Custom')).toBe('kept');
    expect(toBob.sessionId?.local).toMatch(/^[0-9a-f]{32}$/);
    expect(toBob.sessionId?.remote).toBe('00000000000000000000000000000000');
    expect(toBob.uri.kind === 'sip' ? toBob.uri.user : '').toBe('+4722222222');
    expect(bodyOf(toBob)).toBe(SDP_A);
    expect(toBob.from.displayName).toBe('Alice');

    const ok = alice.seen[1]!;
    expect(ok.kind === 'response' && ok.to.tag).toBeTruthy();
    expect(bodyOf(ok)).toBe(SDP_B);
    expect(ok.contact[0]?.star === false && ok.contact[0].uri.kind === 'sip' ? ok.contact[0].uri.host : '').toBe(
      '10.0.0.2',
    );
    expect(ok.via).toHaveLength(1);
    // The ACK on Bob's leg is a request of Bob's dialog (§13.2.2.4), not Alice's.
    const ack = requests(bob, 'ACK')[0]!;
    expect(ack.callId).toBe(toBob.callId);
    expect(ack.cseq).toMatchObject({ seq: 1, method: 'ACK' });
  });

  it('keeps a Session-ID the caller sent (RFC 7989) on the outgoing leg', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[200, 0]], w.clock);
    b2bua(core, (call) => call.addLeg({ destination: bob.destination }));
    alice.layer.invite(
      newInvite(alice, core, 'bob', [
        ['Session-ID', 'ab30317f1a784dc48ff824d0d3715d86;remote=00000000000000000000000000000000'],
      ]),
      { destination: core.destination },
    );
    w.run(500);
    expect(requests(bob, 'INVITE')[0]?.sessionId?.local).toBe('ab30317f1a784dc48ff824d0d3715d86');
  });

  it('relays a rejection: Bob 486 → Alice 486; each leg ACKs its own non-2xx (§17.1.1.3)', () => {
    const { w, alice, core, bob } = setup();
    answerWith(
      bob,
      [
        [180, 0],
        [486, 20],
      ],
      w.clock,
    );
    b2bua(core, (call) => call.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(1000);
    expect(starts(alice)).toEqual(['180/INVITE', '486/INVITE']);
    expect(starts(bob)).toEqual(['INVITE', 'ACK']);
    expect(call.state).toBe('Rejected');
    expect(starts(core).filter((s) => s === 'ACK')).toHaveLength(1);
  });

  it("answers 483 and starts no leg when the caller's Max-Forwards is 0", () => {
    const { w, alice, core, bob } = setup();
    b2bua(core, (call) => {
      expect(() => call.addLeg({ destination: bob.destination })).toThrow();
    });
    const inv = newInvite(alice, core);
    inv.headers.set('Max-Forwards', '0');
    alice.layer.invite(inv, { destination: core.destination });
    w.run(500);
    expect(starts(alice)).toEqual(['483/INVITE']);
    expect(bob.seen).toHaveLength(0);
  });

  it('turns a CANCEL before the answer into a CANCEL of the outgoing leg; the caller gets 487 (§9.1, §9.2)', () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    b2bua(core, (call) => call.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(200);
    call.cancel();
    w.run(1000);
    expect(starts(alice)).toEqual(['180/INVITE', '200/CANCEL', '487/INVITE']);
    expect(starts(bob)).toEqual(['INVITE', 'CANCEL', 'ACK']);
    expect(call.state).toBe('Rejected');
    expect(starts(core)).toEqual(['INVITE', '180/INVITE', 'CANCEL', 'ACK', '200/CANCEL', '487/INVITE']);
  });

  it('settles a CANCEL racing the 200: the late 2xx of the cancelled leg is ACKed and BYEd (§9.1, §13.2.2.4)', () => {
    const { w, alice, core, bob } = setup({ delay: 10 });
    // Bob answers at 40 ms after the INVITE reached him (t=20): the 200 leaves at t=60 and reaches the core at 70.
    answerWith(
      bob,
      [
        [180, 0],
        [200, 40],
      ],
      w.clock,
    );
    b2bua(core, (call) => call.addLeg({ destination: bob.destination }));
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(55);
    call.cancel(); // reaches the core at 65, before Bob's 200
    w.run(2000);
    expect(starts(alice)).toEqual(['180/INVITE', '200/CANCEL', '487/INVITE']);
    expect(starts(bob)).toEqual(['INVITE', 'CANCEL', 'ACK', 'BYE']);
    expect(starts(core).filter((s) => s === '200/BYE')).toHaveLength(1);
  });
});

describe('B2buaCall: within the established call', () => {
  function established() {
    const s = setup();
    const bobInvites = answerWith(s.bob, [[200, 0]], s.w.clock);
    const calls = b2bua(s.core, (call) => call.addLeg({ destination: s.bob.destination }));
    const call: ClientInvite = s.alice.layer.invite(newInvite(s.alice, s.core), { destination: s.core.destination });
    s.w.run(500);
    const aliceDialog = call.dialog!;
    const bobDialog = bobInvites[0]!.dialog!;
    return { ...s, call, calls, aliceDialog, bobDialog };
  }

  it('relays BYE from the caller: each leg gets its own BYE and 200 (§15.1)', async () => {
    const { w, alice, bob, core, aliceDialog, bobDialog, calls } = established();
    const ended: string[] = [];
    calls[0]!.onEvent((e) => e.kind === 'ended' && ended.push(e.end.by.name));
    const bye = aliceDialog.bye();
    w.run(500);
    expect((await bye).status).toBe(200);
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(starts(alice)).toEqual(['200/INVITE', '200/BYE']);
    expect(bobDialog.terminated).toBe(true);
    expect(ended).toEqual(['incoming']);
    expect(requests(bob, 'BYE')[0]?.callId).toBe(requests(bob, 'INVITE')[0]?.callId);
    expect(core.layer.transactions.size.client + core.layer.transactions.size.server).toBeGreaterThanOrEqual(0);
  });

  it('relays BYE from the callee to the caller', async () => {
    const { w, alice, bob, aliceDialog, bobDialog } = established();
    const bye = bobDialog.bye();
    w.run(500);
    expect((await bye).status).toBe(200);
    expect(starts(alice)).toEqual(['200/INVITE', 'BYE']);
    expect(starts(bob)).toEqual(['INVITE', 'ACK', '200/BYE']);
    expect(aliceDialog.terminated).toBe(true);
    // The BYE to Alice is a request of Alice's dialog: her tags, her Call-ID.
    const toAlice = requests(alice, 'BYE')[0]!;
    expect(toAlice.to.tag).toBe(aliceDialog.id.localTag);
    expect(toAlice.callId).toBe(aliceDialog.id.callId);
  });

  it('relays a re-INVITE, its 200 with SDP, and its ACK end to end (§14)', async () => {
    const { w, bob, aliceDialog, bobDialog } = established();
    bobDialog.onEvent((e) => {
      if (e.kind === 'request')
        e.request.respond(200, {
          headers: [['Content-Type', 'application/sdp']],
          body: Buffer.from(SDP_B.replace('5000', '5002')),
        });
    });
    const reinvite = aliceDialog.request('INVITE', {
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from(SDP_A.replace('4000', '4002')),
    });
    w.run(500);
    const response = await reinvite;
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toContain('5002');
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'INVITE', 'ACK']);
    const re = requests(bob, 'INVITE')[1]!;
    expect(re.cseq.seq).toBe(2);
    expect(re.to.tag).toBe(bobDialog.id.remoteTag === re.from.tag ? bobDialog.id.localTag : re.to.tag);
    expect(bodyOf(re)).toContain('4002');
    expect(requests(bob, 'ACK')[1]?.cseq).toMatchObject({ seq: 2, method: 'ACK' });
  });

  it('relays UPDATE (RFC 3311) from the callee and its response', async () => {
    const { w, alice, aliceDialog, bobDialog } = established();
    aliceDialog.onEvent((e) => {
      if (e.kind === 'request')
        e.request.respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(SDP_A) });
    });
    const update = bobDialog.request('UPDATE', {
      headers: [['Content-Type', 'application/sdp']],
      body: Buffer.from(SDP_B),
    });
    w.run(500);
    expect((await update).status).toBe(200);
    expect(starts(alice)).toEqual(['200/INVITE', 'UPDATE']);
    expect(requests(alice, 'UPDATE')[0]?.contact[0]).toBeDefined();
  });

  it("relays INFO (RFC 6086) with its body and the callee's status", async () => {
    const { w, bob, aliceDialog, bobDialog } = established();
    bobDialog.onEvent((e) => {
      if (e.kind === 'request') e.request.respond(e.request.request.method === 'INFO' ? 415 : 500);
    });
    const info = aliceDialog.request('INFO', {
      headers: [
        ['Content-Type', 'application/dtmf-relay'],
        ['Info-Package', 'dtmf'],
      ],
      body: Buffer.from('Signal=5\r\nDuration=160\r\n'),
    });
    w.run(500);
    expect((await info).status).toBe(415);
    const got = requests(bob, 'INFO')[0]!;
    expect(bodyOf(got)).toBe('Signal=5\r\nDuration=160\r\n');
    expect(got.headers.get('Info-Package')).toBe('dtmf');
    expect(got.maxForwards).toBe(69);
  });
});

describe('parallel fork and sequential fallback', () => {
  it('ends a fork with the first 2xx; the other answer is ACKed and BYEd (§13.2.2.4)', async () => {
    const { w, alice, core, bob, tas } = setup({ delay: 10 });
    const { parallelFork } = await import('../src/parallel-fork.js');
    answerWith(
      tas,
      [
        [180, 0],
        [200, 80],
      ],
      w.clock,
      SDP_B.replace('bob', 'tas'),
    );
    answerWith(
      bob,
      [
        [180, 0],
        [200, 85],
      ],
      w.clock,
    );
    const calls = b2bua(core, (call) =>
      parallelFork(call, [
        { destination: tas.destination, name: 'tas' },
        { destination: bob.destination, name: 'bob' },
      ]),
    );
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(2000);
    expect(calls[0]?.winner?.name).toBe('tas');
    expect(starts(alice).filter((s) => s === '200/INVITE')).toHaveLength(1);
    expect(sdpOf(call.finalResponse!).origin?.username).toBe('tas');
    expect(starts(tas)).toEqual(['INVITE', 'ACK']);
    expect(starts(bob)).toEqual(['INVITE', 'CANCEL', 'ACK', 'BYE']);
  });

  it('cancels the slower fork when it has not answered', async () => {
    const { w, alice, core, bob, tas } = setup();
    const { parallelFork } = await import('../src/parallel-fork.js');
    answerWith(
      tas,
      [
        [180, 0],
        [200, 80],
      ],
      w.clock,
    );
    answerWith(bob, [[180, 0]], w.clock);
    b2bua(core, (call) =>
      parallelFork(call, [
        { destination: tas.destination, name: 'tas' },
        { destination: bob.destination, name: 'bob' },
      ]),
    );
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(2000);
    expect(starts(bob)).toEqual(['INVITE', 'CANCEL', 'ACK']);
    // Both forks' 180 are relayed; one 200.
    expect(starts(alice)).toEqual(['180/INVITE', '180/INVITE', '200/INVITE']);
  });

  it('falls back to the next target on 486', async () => {
    const { w, alice, core, bob, tas } = setup();
    const { sequentialFallback } = await import('../src/sequential-fallback.js');
    answerWith(
      bob,
      [
        [180, 0],
        [486, 30],
      ],
      w.clock,
    );
    answerWith(tas, [[200, 10]], w.clock);
    b2bua(core, (call) =>
      sequentialFallback(call, {
        clock: w.clock,
        targets: [
          { destination: bob.destination, name: 'bob' },
          { destination: tas.destination, name: 'tas' },
        ],
        timeoutMs: 5000,
      }),
    );
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(2000);
    expect(starts(bob)).toEqual(['INVITE', 'ACK']);
    expect(starts(tas)).toEqual(['INVITE', 'ACK']);
    expect(starts(alice)).toEqual(['180/INVITE', '200/INVITE']);
    expect(call.state).toBe('Answered');
  });

  it('falls back to the next target when the first does not answer in time, cancelling it', async () => {
    const { w, alice, core, bob, tas } = setup();
    const { sequentialFallback } = await import('../src/sequential-fallback.js');
    answerWith(bob, [[180, 0]], w.clock);
    answerWith(tas, [[200, 10]], w.clock);
    b2bua(core, (call) =>
      sequentialFallback(call, {
        clock: w.clock,
        targets: [
          { destination: bob.destination, name: 'bob' },
          { destination: tas.destination, name: 'tas' },
        ],
        timeoutMs: 5000,
      }),
    );
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(4900);
    expect(tas.seen).toHaveLength(0);
    w.run(2000);
    expect(starts(bob)).toEqual(['INVITE', 'CANCEL', 'ACK']);
    expect(starts(tas)).toEqual(['INVITE', 'ACK']);
    expect(starts(alice)).toEqual(['180/INVITE', '200/INVITE']);
  });

  it('relays the last failure when every target failed', async () => {
    const { w, alice, core, bob, tas } = setup();
    const { sequentialFallback } = await import('../src/sequential-fallback.js');
    answerWith(bob, [[486, 10]], w.clock);
    answerWith(tas, [[603, 10]], w.clock);
    b2bua(core, (call) =>
      sequentialFallback(call, {
        clock: w.clock,
        targets: [{ destination: bob.destination }, { destination: tas.destination }],
      }),
    );
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    w.run(2000);
    expect(starts(alice)).toEqual(['603/INVITE']);
  });
});

describe('B2buaCall on a lossy network', () => {
  it.each([1, 2, 3, 4, 5])(
    'completes answer, re-INVITE and BYE with a quarter of the datagrams lost (seed %i)',
    async (seed) => {
      const { w, alice, core, bob } = setupLossy(seed);
      const bobInvites = answerWith(
        bob,
        [
          [180, 0],
          [200, 100],
        ],
        w.clock,
      );
      b2bua(core, (call) => call.addLeg({ destination: bob.destination }));
      const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
      w.run(40_000);
      expect(call.state).toBe('Answered');
      const bobDialog = bobInvites[0]!.dialog!;
      expect(bobDialog.state.name).toBe('Confirmed');
      bobDialog.onEvent((e) => e.kind === 'request' && e.request.respond(200, { body: Buffer.from(SDP_B) }));
      const re = call.dialog!.request('INVITE', { body: Buffer.from(SDP_A) });
      w.run(40_000);
      expect((await re).status).toBe(200);
      const bye = call.dialog!.bye();
      w.run(40_000);
      expect([200, 408]).toContain((await bye).status);
      expect(bobDialog.terminated).toBe(true);
      // Bob's UAS core stopped retransmitting its 2xx: an ACK reached it for both INVITEs.
      expect(new Set(requests(bob, 'ACK').map((a) => a.cseq.seq))).toEqual(new Set([1, 2]));
    },
  );

  function setupLossy(seed: number) {
    const s = setup({ seed });
    s.w.network.conditions.dropRate = 0.25;
    return s;
  }
});
