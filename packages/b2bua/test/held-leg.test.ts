/**
 * HeldLeg: the application as the user agent of one dialog (RFC 3261
 * §12–§15, RFC 3264 §8, RFC 3311), driven by Alice's dialog on the other
 * side of the call world.
 */
import { describe, expect, it } from 'vitest';
import type { Dialog, IncomingRequest } from '@sipbreakout/sip-core';
import type { HeldLeg } from '../src/held-leg.js';
import type { HeldLegEvent, ReceivedOffer } from '../src/held-leg-types.js';
import { SDP_A, SDP_B, advance, b2bua, bodyOf, newInvite, requests, starts, world } from './harness.js';

const LOCAL_SDP =
  'v=0\r\no=terminal 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n';
const enc = (text: string) => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
const SDP_HEADERS: Array<[string, string]> = [['Content-Type', 'application/sdp']];

/** Alice calls the core, which answers her itself: her leg is held. */
async function heldCall(random?: () => number) {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const core = w.agent('core', '10.0.0.2');
  let held: HeldLeg | undefined;
  b2bua(core, (call) => {
    const r = call.answerLocally({ sdp: enc(LOCAL_SDP), held: random === undefined ? {} : { random } });
    if (r.answered) held = r.held;
  });
  const invite = alice.layer.invite(newInvite(alice, core), { destination: core.destination });
  await advance(w, 100);
  const events: HeldLegEvent[] = [];
  held!.onEvent((e) => events.push(e));
  return { w, alice, core, held: held!, aliceDialog: invite.dialog as Dialog, events };
}

describe('HeldLeg: requests of the peer', () => {
  it("gives a re-INVITE's offer to the application and sends its answer in the 200; the ACK is awaited (§14.2)", async () => {
    const { w, alice, held, aliceDialog } = await heldCall();
    const offers: ReceivedOffer[] = [];
    held.onOffer(async (offer) => {
      offers.push(offer);
      return { sdp: enc(LOCAL_SDP) };
    });
    const response = aliceDialog.request('INVITE', { headers: SDP_HEADERS, body: enc(SDP_A) });
    await advance(w, 100);
    expect((await response).status).toBe(200);
    expect(offers.map((o) => [o.method, dec(o.sdp), o.contentType])).toEqual([['INVITE', SDP_A, 'application/sdp']]);
    expect(bodyOf(alice.seen.at(-1)!)).toBe(LOCAL_SDP);
    await advance(w, 2000);
    // The ACK came (Alice's dialog sends it): no retransmission of the 200.
    expect(starts(alice).filter((s) => s === '200/INVITE')).toHaveLength(2);
  });

  it('rejects an offer with the status the application gives, or the status of its error, else 500', async () => {
    const { w, held, aliceDialog } = await heldCall();
    const replies = [
      () => ({ reject: 488 }),
      () => {
        throw Object.assign(new Error('media relay down'), { status: 503 });
      },
      () => Promise.reject(new Error('no status')),
    ];
    const statuses: number[] = [];
    for (const reply of replies) {
      held.onOffer(reply);
      const response = aliceDialog.request('INVITE', { headers: SDP_HEADERS, body: enc(SDP_A) });
      await advance(w, 100);
      statuses.push((await response).status);
    }
    expect(statuses).toEqual([488, 503, 500]);
    expect(held.state).toBe('Held');
  });

  it('answers 488 to an offer when the application has no handler', async () => {
    const { w, aliceDialog } = await heldCall();
    const response = aliceDialog.request('INVITE', { headers: SDP_HEADERS, body: enc(SDP_A) });
    await advance(w, 100);
    expect((await response).status).toBe(488);
  });

  it('answers an UPDATE with an offer (RFC 3311) and one without (200, a target refresh)', async () => {
    const { w, alice, held, aliceDialog } = await heldCall();
    held.onOffer((offer) => ({ sdp: enc(offer.method === 'UPDATE' ? LOCAL_SDP : '') }));
    const withOffer = aliceDialog.request('UPDATE', { headers: SDP_HEADERS, body: enc(SDP_A) });
    await advance(w, 100);
    expect((await withOffer).status).toBe(200);
    expect(bodyOf(alice.seen.at(-1)!)).toBe(LOCAL_SDP);
    const bare = aliceDialog.request('UPDATE');
    await advance(w, 100);
    expect((await bare).status).toBe(200);
    expect(bodyOf(alice.seen.at(-1)!)).toBe('');
  });

  it('asks the application for an offer on a re-INVITE without one, and tells the answer from the ACK', async () => {
    const { w, alice, held, aliceDialog, events } = await heldCall();
    const offers: ReceivedOffer[] = [];
    held.onOffer((offer) => {
      offers.push(offer);
      return { sdp: enc(LOCAL_SDP) };
    });
    const response = aliceDialog.request('INVITE', { deferAck: true });
    await advance(w, 100);
    const ok = await response;
    expect(offers[0]?.sdp).toBeUndefined();
    expect(bodyOf(ok)).toBe(LOCAL_SDP);
    expect(held.busy).toBe(true);
    aliceDialog.ack(ok.cseq.seq, { headers: SDP_HEADERS, body: enc(SDP_A) });
    await advance(w, 100);
    expect(events.map((e) => e.kind)).toEqual(['answer']);
    expect(events[0]?.kind === 'answer' && dec(events[0].sdp)).toBe(SDP_A);
    expect(held.busy).toBe(false);
    expect(requests(alice, 'INVITE')).toHaveLength(0);
  });

  it('answers INFO 200 and tells it; an INFO of a package it did not announce gets 469 (RFC 6086); OPTIONS 200; MESSAGE 501', async () => {
    const { w, held, aliceDialog, events } = await heldCall();
    const info = aliceDialog.request('INFO', {
      headers: [['Content-Type', 'application/dtmf-relay']],
      body: enc('Signal=5\r\n'),
    });
    const packaged = aliceDialog.request('INFO', { headers: [['Info-Package', 'foo']] });
    const options = aliceDialog.request('OPTIONS');
    const message = aliceDialog.request('MESSAGE', { headers: [['Content-Type', 'text/plain']], body: enc('hi') });
    await advance(w, 100);
    expect((await info).status).toBe(200);
    const bad = await packaged;
    expect([bad.status, bad.headers.has('Recv-Info')]).toEqual([469, true]);
    const opt = await options;
    expect([opt.status, opt.headers.get('Allow')?.includes('UPDATE')]).toEqual([200, true]);
    expect((await message).status).toBe(501);
    expect(events.map((e) => e.kind)).toEqual(['info']);
    expect(held.state).toBe('Held');
  });

  it('answers 491 to an UPDATE offer while its own re-INVITE is outstanding (RFC 3311 §5.2)', async () => {
    const { w, held, aliceDialog } = await heldCall();
    const atAlice: IncomingRequest[] = [];
    aliceDialog.onEvent((e) => e.kind === 'request' && atAlice.push(e.request));
    const reinvite = held.reinvite({ sdp: enc(LOCAL_SDP) });
    await advance(w, 50);
    const update = aliceDialog.request('UPDATE', { headers: SDP_HEADERS, body: enc(SDP_A) });
    await advance(w, 50);
    expect((await update).status).toBe(491);
    atAlice[0]?.respond(200, { headers: SDP_HEADERS, body: enc(SDP_B) });
    await advance(w, 50);
    expect((await reinvite).kind).toBe('answered');
  });
});

describe('HeldLeg: requests of its own', () => {
  it("sends a re-INVITE with an offer, resolves with the peer's answer and ACKs it (§14.1)", async () => {
    const { w, alice, held, aliceDialog } = await heldCall();
    aliceDialog.onEvent((e) => {
      if (e.kind === 'request') e.request.respond(200, { headers: SDP_HEADERS, body: enc(SDP_B) });
    });
    const result = held.reinvite({ sdp: enc(LOCAL_SDP) }, { headers: [['X-Why', 'pull']] });
    await advance(w, 100);
    const r = await result;
    expect(r.kind === 'answered' && dec(r.sdp)).toBe(SDP_B);
    const sent = requests(alice, 'INVITE')[0]!;
    expect([bodyOf(sent), sent.headers.get('X-Why'), sent.headers.get('Content-Type')]).toEqual([
      LOCAL_SDP,
      'pull',
      'application/sdp',
    ]);
    expect(requests(alice, 'ACK')).toHaveLength(1);
  });

  it('leaves the session as it was on a non-2xx (§14.1): rejected with the status, the leg still held', async () => {
    const { w, held, aliceDialog } = await heldCall();
    aliceDialog.onEvent((e) => e.kind === 'request' && e.request.respond(488));
    const result = held.reinvite({ sdp: enc(LOCAL_SDP) });
    await advance(w, 100);
    expect(await result).toMatchObject({ kind: 'rejected', status: 488 });
    expect(held.state).toBe('Held');
  });

  it('sends its re-INVITE again after the §14.1 wait when both sides re-INVITEd at once (491 both ways)', async () => {
    // random 0.5: the core does not own Alice's Call-ID, so it waits 0–2 s: 1000 ms.
    const { w, alice, held, aliceDialog } = await heldCall(() => 0.5);
    held.onOffer(() => ({ sdp: enc(LOCAL_SDP) }));
    aliceDialog.onEvent((e) => {
      if (e.kind === 'request') e.request.respond(200, { headers: SDP_HEADERS, body: enc(SDP_B) });
    });
    const ours = held.reinvite({ sdp: enc(LOCAL_SDP) });
    const hers = aliceDialog.request('INVITE', { headers: SDP_HEADERS, body: enc(SDP_A) });
    await advance(w, 100);
    expect((await hers).status).toBe(491);
    // Her 491 reached the core at 20 ms: the next try goes at 1020 ms.
    await advance(w, 900);
    expect(requests(alice, 'INVITE')).toHaveLength(1);
    await advance(w, 100);
    expect(requests(alice, 'INVITE')).toHaveLength(2);
    expect((await ours).kind).toBe('answered');
    expect(starts(alice).filter((s) => s.endsWith('/INVITE') && !s.startsWith('1'))).toEqual([
      '200/INVITE',
      '491/INVITE',
    ]);
  });

  it('gives up after its glare retries with 491', async () => {
    const { w, held, aliceDialog } = await heldCall(() => 0);
    aliceDialog.onEvent((e) => e.kind === 'request' && e.request.respond(491));
    const result = held.reinvite({ sdp: enc(LOCAL_SDP) });
    await advance(w, 20_000);
    expect(await result).toMatchObject({ kind: 'rejected', status: 491 });
  });

  it('hangs up with BYE and tells ended (LocalBye); a re-INVITE afterwards is rejected 481 without a request', async () => {
    const { w, alice, held, events } = await heldCall();
    const bye = held.hangUp();
    await advance(w, 100);
    expect((await bye)?.status).toBe(200);
    expect(events).toEqual([{ kind: 'ended', cause: 'LocalBye' }]);
    expect(held.state).toBe('Ended');
    expect(await held.reinvite({ sdp: enc(LOCAL_SDP) })).toMatchObject({ kind: 'rejected', status: 481 });
    expect(requests(alice, 'INVITE')).toHaveLength(0);
  });

  it('refuses release while an offer is being answered, and releases once it is', async () => {
    const { w, held, aliceDialog } = await heldCall();
    let reply: ((sdp: Uint8Array) => void) | undefined;
    held.onOffer(() => new Promise((resolve) => (reply = (sdp) => resolve({ sdp }))));
    const response = aliceDialog.request('INVITE', { headers: SDP_HEADERS, body: enc(SDP_A) });
    await advance(w, 50);
    expect(held.release()).toEqual({ released: false, reason: 'busy' });
    reply?.(enc(LOCAL_SDP));
    await advance(w, 50);
    expect((await response).status).toBe(200);
    const released = held.release();
    expect(released.released && released.leg).toBe(held.leg);
    expect(held.state).toBe('Released');
    expect(held.release()).toEqual({ released: false, reason: 'ended' });
  });
});
