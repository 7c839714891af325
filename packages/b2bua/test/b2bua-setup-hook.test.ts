/**
 * B2buaCall's `relaySetupResponse` hook when it takes its time (an SDP
 * answer through a media relay): the caller's responses wait for it, in
 * order; a hook that fails on a 2xx answers the caller with the error's
 * status and ends the answered leg (ACK, BYE, RFC 3261 §13.2.2.4); a caller
 * who cancels while the 2xx waits gets 487 and the answered leg a BYE.
 */
import { describe, expect, it } from 'vitest';
import type { B2buaCallEvent } from '../src/b2bua-call-types.js';
import {
  SDP_B,
  answerWith,
  audioPortOf,
  b2bua,
  bodyOf,
  newInvite,
  requests,
  starts,
  withAudioPort,
  world,
  type World,
} from './harness.js';

/** Advances the manual clock in 5 ms steps, letting promise callbacks run between steps. */
async function run(w: World, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    w.run(5);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  return { w, alice, core, bob };
}

/** A hook result that settles `ms` later on the world's clock. */
const after = (w: World, ms: number, fail?: unknown): Promise<void> =>
  new Promise((resolve, reject) => w.clock.setTimer(ms, () => (fail === undefined ? resolve() : reject(fail))));

describe('B2buaCall: relaySetupResponse that returns a promise', () => {
  it('holds each response until its hook resolved, keeps their order, and relays the rewritten SDP', async () => {
    const { w, alice, core, bob } = setup();
    // Bob rings at once and answers 10 ms later; the 180's hook takes 100 ms, the 200's 20 ms.
    answerWith(
      bob,
      [
        [180, 0],
        [200, 10],
      ],
      w.clock,
    );
    const seen: string[] = [];
    const events: string[] = [];
    const calls = b2bua(core, (call) => call.addLeg({ destination: bob.destination, name: 'bob' }), {
      relayResponse: (_content, { response }) => void seen.push(`sync ${response.status}`),
      relaySetupResponse: (content, { response }) => {
        seen.push(`async ${response.status}`);
        if (response.status === 200) content.body = Buffer.from(withAudioPort(SDP_B, 7000));
        return after(w, response.status === 180 ? 100 : 20);
      },
    });
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    await run(w, 60);
    calls[0]?.onEvent((e: B2buaCallEvent) => events.push(e.kind));
    // The 180 still waits for its hook, and the 200 behind it (its hook not even asked yet).
    expect(starts(alice)).toEqual([]);
    expect(seen).toEqual(['sync 180', 'async 180']);
    await run(w, 400);
    expect(starts(alice)).toEqual(['180/INVITE', '200/INVITE']);
    expect(seen).toEqual(['sync 180', 'async 180', 'sync 200', 'async 200']);
    expect(audioPortOf(alice.seen[1]!)).toBe(7000);
    expect(events).toEqual(['answered']);
    expect(call.state).toBe('Answered');
    // Alice's ACK reaches Bob: the legs are joined.
    await run(w, 200);
    expect(starts(bob)).toEqual(['INVITE', 'ACK']);
  });

  it("answers the caller with the error's status when the hook fails on the 2xx, and ends the answered leg with ACK and BYE", async () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[200, 0]], w.clock);
    const events: string[] = [];
    b2bua(
      core,
      (call) => {
        call.onEvent((e) => events.push(e.kind === 'failed' ? `failed ${e.status}` : e.kind));
        call.addLeg({ destination: bob.destination });
      },
      { relaySetupResponse: () => after(w, 10, Object.assign(new Error('media relay down'), { status: 503 })) },
    );
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    await run(w, 500);
    expect(starts(alice)).toEqual(['503/INVITE']);
    expect(call.state).toBe('Rejected');
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(events).toEqual(['legStarted', 'failed 503']);
  });

  it("answers 500 when the failed hook's error carries no status, and leaves out a provisional response whose hook failed", async () => {
    const { w, alice, core, bob } = setup();
    answerWith(
      bob,
      [
        [183, 0],
        [200, 50],
      ],
      w.clock,
    );
    b2bua(core, (call) => call.addLeg({ destination: bob.destination }), {
      relaySetupResponse: () => after(w, 5, new Error('no status')),
    });
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    await run(w, 500);
    expect(starts(alice)).toEqual(['500/INVITE']);
    expect(requests(bob, 'BYE')).toHaveLength(1);
  });

  it('relays a final failure as it stands when its hook fails', async () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[486, 0]], w.clock);
    b2bua(core, (call) => call.addLeg({ destination: bob.destination }), {
      relaySetupResponse: () => after(w, 5, new Error('x')),
    });
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    await run(w, 500);
    expect(starts(alice)).toEqual(['486/INVITE']);
  });

  it('a caller who cancels while the 2xx waits for its hook gets 487; the answered leg gets ACK and BYE (§9.2, §13.2.2.4)', async () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[200, 0]], w.clock);
    const events: string[] = [];
    b2bua(
      core,
      (call) => {
        call.onEvent((e) => events.push(e.kind));
        call.addLeg({ destination: bob.destination });
      },
      { relaySetupResponse: () => after(w, 200) },
    );
    const call = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    // Bob's 200 reaches the core at 40 ms; Alice's CANCEL reaches it at 70 ms, while the hook runs.
    await run(w, 60);
    call.cancel();
    await run(w, 1000);
    expect(starts(alice).filter((s) => s !== '100/INVITE')).toEqual(['200/CANCEL', '487/INVITE']);
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(events).toEqual(['legStarted', 'cancelled']);
  });

  it('hangUp while the 2xx waits for its hook ends the call once the answer is relayed', async () => {
    const { w, alice, core, bob } = setup();
    answerWith(bob, [[200, 0]], w.clock);
    const calls = b2bua(core, (call) => call.addLeg({ destination: bob.destination }), {
      relaySetupResponse: () => after(w, 100),
    });
    alice.layer.invite(newInvite(alice, core), { destination: core.destination });
    await run(w, 60);
    calls[0]?.hangUp();
    await run(w, 1000);
    expect(starts(alice)).toEqual(['200/INVITE', 'BYE']);
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(calls[0]?.state).toBe('Ended');
  });
});
