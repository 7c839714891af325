/**
 * Timer C (RFC 3261 §16.6 step 11, §16.7 step 2, §16.8) of a ClientInvite:
 * an outgoing INVITE that had a provisional response but no final one in
 * time is cancelled and taken as a 408, as a proxy's is. The B2BUA's use of
 * it (its legs, relayed re-INVITEs) is tested in `@sipbreakout/b2bua`.
 */
import { describe, expect, it } from 'vitest';
import type { ClientInviteEvent } from '../../src/dialog/client-invite.js';
import { DEFAULT_TIMER_C } from '../../src/dialog/dialog-layer.js';
import { answerWith, newInvite, requests, starts, world } from './harness.js';

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const tas = w.agent('tas', '10.0.0.4');
  return { w, alice, core, bob, tas };
}

describe('ClientInvite: Timer C', () => {
  it("cancels an INVITE left in Proceeding and reports a 408 (§16.8); the UAS's 487 changes nothing", () => {
    const { w, alice, bob } = setup();
    answerWith(bob, [[180, 0]], w.clock);
    const invite = alice.layer.invite(newInvite(alice, bob), { destination: bob.destination, timerC: 10_000 });
    const events: string[] = [];
    invite.onEvent((e: ClientInviteEvent) =>
      events.push(e.kind === 'rejected' ? `rejected ${e.response.status}` : e.kind),
    );
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
    answerWith(
      bob,
      [
        [180, 0],
        [183, 8_000],
      ],
      w.clock,
    );
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
