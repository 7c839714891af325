/**
 * Third-party call control on the call world: a pair released and made
 * again, a party's call moved from a phone to the application's device
 * (moveToLocal) and from the device to a new SIP leg, RFC 3725 flow I
 * (moveToNewLeg), and the failures that leave the call where it was.
 */
import { describe, expect, it } from 'vitest';
import type { Dialog, ServerInvite } from '@sipbreakout/sip-core';
import type { B2buaCall } from '../src/b2bua-call.js';
import type { HeldLeg } from '../src/held-leg.js';
import { moveToLocal, moveToNewLeg, pairHeldLegs } from '../src/move-leg.js';
import { startLeg } from '../src/start-leg.js';
import { HeldLeg as HeldLegClass } from '../src/held-leg.js';
import { SDP_A, SDP_B, advance, answerWith, b2bua, bodyOf, newInvite, requests, starts, world } from './harness.js';

const LOCAL_SDP =
  'v=0\r\no=terminal 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n';
const enc = (text: string) => new TextEncoder().encode(text);
const SDP_HEADERS: Array<[string, string]> = [['Content-Type', 'application/sdp']];

/** Alice (the remote party) calls the core, which joins her to Bob (the phone). */
async function paired() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  const bobInvites = answerWith(bob, [[200, 0]], w.clock);
  const calls = b2bua(core, (call) => call.addLeg({ destination: bob.destination, name: 'phone' }));
  const invite = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
  await advance(w, 200);
  const call: B2buaCall = calls[0]!;
  return {
    w,
    alice,
    core,
    bob,
    call,
    aliceDialog: invite.dialog as Dialog,
    bobDialog: bobInvites[0]!.dialog as Dialog,
  };
}

/** Alice calls the core, which answers her itself (the device): her leg is held. */
async function held() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  const bob = w.agent('bob', '10.0.0.3');
  let leg: HeldLeg | undefined;
  b2bua(core, (call) => {
    const r = call.answerLocally({ sdp: enc(LOCAL_SDP) });
    if (r.answered) leg = r.held;
  });
  const invite = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
  await advance(w, 100);
  return { w, alice, core, bob, held: leg!, aliceDialog: invite.dialog as Dialog };
}

/** Makes `dialog`'s side answer each request: re-INVITE/UPDATE with `status` (and `sdp` on a 2xx), others 200. */
function answering(dialog: Dialog, status: number, sdp = SDP_A): void {
  dialog.onEvent((e) => {
    if (e.kind !== 'request') return;
    const method = e.request.request.method;
    if (method === 'INVITE') e.request.respond(status, status < 300 ? { headers: SDP_HEADERS, body: enc(sdp) } : {});
    else e.request.respond(200);
  });
}

describe('LegPair.release and pairHeldLegs', () => {
  it('releases an answered pair: nothing is relayed any more, the call is Released; two held legs are paired again', async () => {
    const { w, alice, bob, call, aliceDialog, bobDialog } = await paired();
    const events: string[] = [];
    call.onEvent((e) => events.push(e.kind));
    const released = call.pair!.release();
    expect(released.released).toBe(true);
    expect(call.state).toBe('Released');
    expect(events).toEqual(['released']);
    if (!released.released) return;
    const a = new HeldLegClass(released.a, { clock: w.clock });
    const b = new HeldLegClass(released.b, { clock: w.clock });
    const info = aliceDialog.request('INFO');
    await advance(w, 100);
    expect((await info).status).toBe(200);
    expect(requests(bob, 'INFO')).toHaveLength(0);
    const again = pairHeldLegs(a, b);
    expect(again.paired).toBe(true);
    const info2 = aliceDialog.request('INFO');
    answering(bobDialog, 200);
    await advance(w, 100);
    expect((await info2).status).toBe(200);
    expect(requests(bob, 'INFO')).toHaveLength(1);
    // The BYE of one ends both, through the new pair.
    void aliceDialog.bye();
    await advance(w, 100);
    expect(starts(bob).at(-1)).toBe('BYE');
    expect(starts(alice).at(-1)).toBe('200/BYE');
  });

  it('refuses to release while a re-INVITE crosses (busy), and once ended', async () => {
    const { w, call, aliceDialog } = await paired();
    const reinvite = aliceDialog.request('INVITE', { headers: SDP_HEADERS, body: enc(SDP_A) });
    await advance(w, 15);
    expect(call.pair!.release()).toEqual({ released: false, reason: 'busy' });
    await advance(w, 100);
    await reinvite;
    const pair = call.pair!;
    pair.hangUp();
    expect(pair.release()).toEqual({ released: false, reason: 'ended' });
  });
});

describe('moveToLocal (pull: phone → the application’s device)', () => {
  it("re-INVITEs the party with the device's offer, BYEs the phone, and holds the party's leg", async () => {
    const { w, alice, bob, call, aliceDialog } = await paired();
    answering(aliceDialog, 200);
    const moving = moveToLocal(call.pair!, { clock: w.clock, keep: call.incoming, offer: { sdp: enc(LOCAL_SDP) } });
    await advance(w, 200);
    const result = await moving;
    expect(result.moved).toBe(true);
    if (!result.moved) return;
    expect(new TextDecoder().decode(result.sdp)).toBe(SDP_A);
    expect(bodyOf(requests(alice, 'INVITE')[0]!)).toBe(LOCAL_SDP);
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(result.held.state).toBe('Held');
    expect(result.held.leg).toBe(call.incoming);
  });

  it('leaves the call where it was when the party rejects the re-INVITE (§14.1): the legs are paired again', async () => {
    const { w, bob, call, aliceDialog, bobDialog } = await paired();
    answering(aliceDialog, 488);
    const moving = moveToLocal(call.pair!, { clock: w.clock, keep: call.incoming, offer: { sdp: enc(LOCAL_SDP) } });
    await advance(w, 200);
    const result = await moving;
    expect(result).toMatchObject({ moved: false, reason: 'rejected', status: 488 });
    expect(requests(bob, 'BYE')).toHaveLength(0);
    // The new pair relays again: Alice's INFO reaches Bob.
    answering(bobDialog, 200);
    aliceDialog.onEvent(undefined);
    const info = aliceDialog.request('INFO');
    await advance(w, 100);
    expect((await info).status).toBe(200);
    expect(requests(bob, 'INFO')).toHaveLength(1);
  });
});

describe('moveToNewLeg (push: the device → a new SIP leg, RFC 3725 flow I)', () => {
  /** Bob as a phone that answers an INVITE without an offer with its offer in the 200. */
  function phone(bob: { layer: { onInvite: ((invite: ServerInvite) => void) | undefined } }, status = 200) {
    const invites: ServerInvite[] = [];
    bob.layer.onInvite = (invite) => {
      invites.push(invite);
      invite.respond(status, status < 300 ? { headers: SDP_HEADERS, body: enc(SDP_B) } : {});
    };
    return invites;
  }

  it("INVITEs the phone without SDP, re-INVITEs the party with the phone's offer, ACKs the phone with the answer, then pairs them", async () => {
    const { w, alice, core, bob, held: leg, aliceDialog } = await held();
    const bobInvites = phone(bob);
    answering(aliceDialog, 200);
    const moving = moveToNewLeg(leg, {
      layer: core.layer,
      target: { uri: 'sip:+4790000001@10.0.0.3', destination: bob.destination, from: '<sip:+4711111111@10.0.0.2>' },
    });
    await advance(w, 300);
    const result = await moving;
    expect(result.moved).toBe(true);
    const invite = requests(bob, 'INVITE')[0]!;
    expect(invite.body.length).toBe(0);
    expect(bodyOf(requests(alice, 'INVITE')[0]!)).toBe(SDP_B);
    const ack = requests(bob, 'ACK')[0]!;
    expect([bodyOf(ack), ack.headers.get('Content-Type')]).toEqual([SDP_A, 'application/sdp']);
    expect(leg.state).toBe('Released');
    // Paired: Alice's BYE ends Bob's leg too.
    aliceDialog.onEvent(undefined);
    void aliceDialog.bye();
    await advance(w, 100);
    expect(starts(bob).at(-1)).toBe('BYE');
    expect(bobInvites).toHaveLength(1);
  });

  it('keeps the party on the device when the phone is busy', async () => {
    const { w, core, bob, held: leg } = await held();
    phone(bob, 486);
    const moving = moveToNewLeg(leg, {
      layer: core.layer,
      target: { uri: 'sip:phone@10.0.0.3', destination: bob.destination, from: '<sip:me@10.0.0.2>' },
    });
    await advance(w, 300);
    expect(await moving).toEqual({ moved: false, reason: 'failed', status: 486 });
    expect(leg.state).toBe('Held');
  });

  it('ACKs the phone with an answer refusing its streams and BYEs it when the party rejects the re-INVITE', async () => {
    const { w, core, bob, held: leg, aliceDialog } = await held();
    phone(bob);
    answering(aliceDialog, 488);
    const handler = () => ({ reject: 606 });
    leg.onOffer(handler);
    const moving = moveToNewLeg(leg, {
      layer: core.layer,
      target: { uri: 'sip:phone@10.0.0.3', destination: bob.destination, from: '<sip:me@10.0.0.2>' },
    });
    await advance(w, 300);
    expect(await moving).toEqual({ moved: false, reason: 'rejected', status: 488 });
    expect(bodyOf(requests(bob, 'ACK')[0]!)).toContain('m=audio 0 RTP/AVP 0');
    expect(starts(bob)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(leg.state).toBe('Held');
    expect(leg.offerHandler).toBe(handler);
  });
});

describe('startLeg', () => {
  it('sends an INVITE with an offer and ACKs the 2xx at once', async () => {
    const { w, core, bob } = await held();
    answerWith(bob, [[200, 0]], w.clock);
    const started = startLeg(core.layer, {
      uri: 'sip:bob@10.0.0.3',
      destination: bob.destination,
      from: '"Core" <sip:+4711111111@10.0.0.2>',
      headers: [['P-Asserted-Identity', '<sip:+4711111111@10.0.0.2>']],
      offer: { sdp: enc(LOCAL_SDP) },
    });
    await advance(w, 100);
    const result = await started;
    expect(result.kind).toBe('answered');
    const invite = requests(bob, 'INVITE')[0]!;
    expect([bodyOf(invite), invite.headers.get('P-Asserted-Identity'), invite.from.tag !== undefined]).toEqual([
      LOCAL_SDP,
      '<sip:+4711111111@10.0.0.2>',
      true,
    ]);
    expect(invite.sessionId?.local).toMatch(/^[0-9a-f]{32}$/);
    expect(requests(bob, 'ACK')).toHaveLength(1);
  });

  it('cancels the INVITE when its signal aborts: failed 487', async () => {
    const { w, core, bob } = await held();
    answerWith(bob, [[180, 0]], w.clock);
    const abort = new AbortController();
    const started = startLeg(core.layer, {
      uri: 'sip:bob@10.0.0.3',
      destination: bob.destination,
      from: '<sip:me@10.0.0.2>',
      signal: abort.signal,
    });
    await advance(w, 50);
    abort.abort();
    await advance(w, 100);
    expect(await started).toMatchObject({ kind: 'failed', status: 487 });
    expect(starts(bob)).toContain('CANCEL');
  });
});
