/**
 * The `relayInDialog` hook when it takes its time (an SDP offer or answer
 * through a media relay): a request within the dialog, its response and
 * the end-to-end ACK wait for it and carry what it rewrote, in an answered
 * call and in the early dialog; a hook that fails answers the sender with
 * the error's status (and still ACKs a 2xx, RFC 3261 §13.2.2.4); a request
 * whose hook is still running when the call ends gets 487 (§15.1.2).
 */
import { describe, expect, it } from 'vitest';
import type { ClientInvite, Dialog, ServerInvite } from '@sipbreakout/sip-core';
import type { RelayHooks } from '../src/leg-pair.js';
import {
  SDP_A,
  SDP_B,
  answerWith,
  audioPortOf,
  b2bua,
  newInvite,
  requests,
  starts,
  withAudioPort,
  world,
  type World,
} from './harness.js';

const sdp: Array<readonly [string, string]> = [['Content-Type', 'application/sdp']];

/** Advances the manual clock in 5 ms steps, letting promise callbacks run between steps. */
async function run(w: World, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    w.run(5);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A promise that settles `ms` later on the world's clock. */
const after = (w: World, ms: number, fail?: unknown): Promise<void> =>
  new Promise((resolve, reject) => w.clock.setTimer(ms, () => (fail === undefined ? resolve() : reject(fail))));

/**
 * A hook that takes 50 ms and moves each SDP's media port to 6xxx
 * (`m=audio 4000` → `m=audio 6000`); it logs what it saw as `what
 * from→to`, and fails on what `fail` names with the error it returns.
 */
function slowRewriter(
  w: World,
  seen: string[],
  fail: (what: string) => unknown = () => undefined,
): RelayHooks['relayInDialog'] {
  return (content, { message, from, to }) => {
    const what = message.kind === 'request' ? message.method : `${message.status}/${message.cseq.method}`;
    seen.push(`${what} ${from.name}→${to.name}`);
    if (content.body !== undefined)
      content.body = Buffer.from(
        withAudioPort(Buffer.from(content.body).toString('utf8'), (old) => 6000 + (old % 1000)),
      );
    return after(w, 50, fail(what));
  };
}

function setup(hooks: (w: World) => RelayHooks, plan: ReadonlyArray<readonly [number, number]> = [[200, 0]]) {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const bobInvites = answerWith(bob, plan, w.clock);
  const calls = b2bua(core, (c) => c.addLeg({ destination: bob.destination, name: 'bob' }), hooks(w));
  const call: ClientInvite = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
  return { w, alice, core, bob, calls, bobInvites, call };
}

describe('LegPair: relayInDialog that returns a promise', () => {
  it('holds a re-INVITE without SDP, its 2xx (the offer) and the ACK (the answer) for the hook, and relays what it rewrote', async () => {
    const seen: string[] = [];
    const { w, bob, bobInvites, call } = setup((world) => ({ relayInDialog: slowRewriter(world, seen) }));
    await run(w, 500);
    const bobDialog = bobInvites[0]!.dialog!;
    bobDialog.onEvent(
      (e) => e.kind === 'request' && e.request.respond(200, { headers: sdp, body: Buffer.from(SDP_B) }),
    );
    const aliceDialog = call.dialog!;
    const reinvite = aliceDialog.request('INVITE', { deferAck: true });
    await run(w, 40);
    // Still in the hook: nothing reached Bob yet.
    expect(requests(bob, 'INVITE')).toHaveLength(1);
    await run(w, 300);
    const offer = await reinvite;
    expect(offer.status).toBe(200);
    expect(audioPortOf(offer)).toBe(6000);
    aliceDialog.ack(offer.cseq.seq, { headers: sdp, body: Buffer.from(SDP_A) });
    await run(w, 40);
    expect(requests(bob, 'ACK').map((a) => a.cseq.seq)).toEqual([1]);
    await run(w, 300);
    const ack = requests(bob, 'ACK')[1]!;
    expect(ack.cseq.seq).toBe(2);
    expect(audioPortOf(ack)).toBe(6000);
    // The initial INVITE's ACK came through the hook too (it carries the answer to a late offer).
    expect(seen).toEqual(['ACK incoming→bob', 'INVITE incoming→bob', '200/INVITE bob→incoming', 'ACK incoming→bob']);
  });

  it("answers a request whose hook failed with the error's status, and relays nothing", async () => {
    const seen: string[] = [];
    const { w, bob, call } = setup((world) => ({
      relayInDialog: slowRewriter(world, seen, (what) =>
        what === 'UPDATE' ? Object.assign(new Error('relay down'), { status: 503 }) : undefined,
      ),
    }));
    await run(w, 500);
    const update = call.dialog!.request('UPDATE', { headers: sdp, body: Buffer.from(SDP_A) });
    await run(w, 300);
    expect((await update).status).toBe(503);
    expect(requests(bob, 'UPDATE')).toHaveLength(0);
  });

  it('answers 500 when the hook fails on the 2xx of a re-INVITE, and still ACKs that 2xx on its leg (§13.2.2.4)', async () => {
    const seen: string[] = [];
    const { w, bob, bobInvites, call } = setup((world) => ({
      relayInDialog: slowRewriter(world, seen, (what) => (what === '200/INVITE' ? new Error('no status') : undefined)),
    }));
    await run(w, 500);
    bobInvites[0]!.dialog!.onEvent(
      (e) => e.kind === 'request' && e.request.respond(200, { headers: sdp, body: Buffer.from(SDP_B) }),
    );
    const reinvite = call.dialog!.request('INVITE', { headers: sdp, body: Buffer.from(SDP_A) });
    await run(w, 500);
    expect((await reinvite).status).toBe(500);
    expect(requests(bob, 'ACK').map((a) => a.cseq.seq)).toEqual([1, 2]);
    expect(bobInvites[0]!.dialog!.state.name).toBe('Confirmed');
  });

  it('answers 487 to a request whose hook still runs when the call ends, and does not relay it (§15.1.2)', async () => {
    const seen: string[] = [];
    const { w, bob, bobInvites, call } = setup((world) => ({ relayInDialog: slowRewriter(world, seen) }));
    await run(w, 500);
    const info = call.dialog!.request('INFO', {
      headers: [['Content-Type', 'application/dtmf-relay']],
      body: Buffer.from('Signal=1\r\n'),
    });
    await run(w, 15);
    // Bob hangs up while the core's hook holds Alice's INFO.
    const bye = bobInvites[0]!.dialog!.bye();
    await run(w, 300);
    expect((await bye).status).toBe(200);
    expect((await info).status).toBe(487);
    expect(requests(bob, 'INFO')).toHaveLength(0);
  });
});

describe('EarlyDialogRelay: relayInDialog that returns a promise', () => {
  it('holds an UPDATE in the early dialog and its response for the hook, and relays what it rewrote', async () => {
    const seen: string[] = [];
    const { w, bob, bobInvites, call } = setup(
      (world) => ({ relayInDialog: slowRewriter(world, seen) }),
      [
        [183, 0],
        [200, 2_000],
      ],
    );
    let early: Dialog | undefined;
    call.onEvent((e) => e.kind === 'provisional' && (early = e.dialog));
    await run(w, 200);
    const bobInvite: ServerInvite = bobInvites[0]!;
    bobInvite.dialog!.onEvent(
      (e) => e.kind === 'request' && e.request.respond(200, { headers: sdp, body: Buffer.from(SDP_B) }),
    );
    const update = early!.request('UPDATE', { headers: sdp, body: Buffer.from(SDP_A) });
    await run(w, 400);
    const answer = await update;
    expect(answer.status).toBe(200);
    expect(audioPortOf(answer)).toBe(6000);
    expect(audioPortOf(requests(bob, 'UPDATE')[0]!)).toBe(6000);
    expect(seen).toEqual(['UPDATE incoming→bob', '200/UPDATE bob→incoming']);
    expect(starts(bob)).toEqual(['INVITE', 'UPDATE']);
  });
});
