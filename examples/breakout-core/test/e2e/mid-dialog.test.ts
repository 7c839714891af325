/**
 * Requests within an established call, end to end through the core as users
 * run it (`node dist/main.js`), with SIPp as Alice (mobile side) and Bob (the
 * mobile next hop) on the direct route: a re-INVITE putting the call on hold
 * (RFC 3264 §8.4) and its ACK, UPDATE (RFC 3311), INFO (RFC 6086), a
 * re-INVITE from Bob's side, and Bob's BYE; then requests the far end
 * refuses (488, 415) whose status reaches Alice while the call stays up,
 * one (481) that ends Bob's dialog, and a hold re-INVITE on a LOOP call
 * (Alice → core → TAS → core → Bob) relayed by the SIPp TAS between legs 2
 * and 3; and Max-Forwards counted across the core: Alice's ACK and BYE sent
 * with 40 reach Bob with 39 (Bob's SIPp checks it), her INFO sent with 0
 * is answered 483 and never reaches him.
 * Each request must arrive in the other leg's dialog (its Call-ID, tags and
 * CSeq, Max-Forwards one lower, body and Content-Type kept) and carry
 * nothing of the other leg (one Via, the core's Contact, not the other
 * Call-ID). sipp and socat must be installed: without them these tests fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, expectPassed, startCallTestbed, TAS_DOMAIN, type CallTestbed } from '../support/call-testbed.js';
import { parseSdp } from '@sipbreakout/media';
import { freePort, sample } from '@sipbreakout/test-peers';
import { alice, bob, headerOf, loggedMessages, received, scenario } from '../support/sip-peers.js';

let testbed: CallTestbed;

beforeAll(async () => {
  testbed = await startCallTestbed({ name: 'mid-dialog' });
}, 60_000);

afterAll(async () => {
  await testbed?.stop();
});

/** The message logs of one call placed by Alice and taken by Bob, with the given scenarios. */
async function call(
  name: string,
  aliceScenario: string,
  bobScenario: string,
): Promise<{ readonly aliceLog: string; readonly bobLog: string }> {
  const b = await bob({
    dir: testbed.dir,
    name: `${name}-bob`,
    port: testbed.bobPort,
    scenarioFile: scenario(bobScenario),
  });
  // SIPp binds its socket after start; give it a moment before Alice's INVITE reaches it.
  await new Promise((r) => setTimeout(r, 300));
  const a = await alice({
    dir: testbed.dir,
    name: `${name}-alice`,
    core: testbed.core.ready.sipMobileUdp,
    callee: BOB,
    scenarioFile: scenario(aliceScenario),
  });
  const [ar, br] = await Promise.all([a.result, b.result]);
  expectPassed(ar, 'Alice');
  expectPassed(br, 'Bob');
  return { aliceLog: await a.messages(), bobLog: await b.messages() };
}

/** The messages a peer sent whose first line starts with `start`. */
function sent(log: string, start: string): string[] {
  return loggedMessages(log)
    .filter((m) => !m.received && m.text.startsWith(start))
    .map((m) => m.text);
}

/** The final responses a peer received to requests of `method` (by their CSeq). */
function responsesTo(log: string, method: string): string[] {
  return loggedMessages(log)
    .filter(
      (m) =>
        m.received &&
        m.text.startsWith('SIP/2.0 ') &&
        !m.text.startsWith('SIP/2.0 1') &&
        headerOf(m.text, 'CSeq')?.endsWith(` ${method}`) === true,
    )
    .map((m) => m.text);
}

/** The body of a logged message (after the blank line). */
function bodyOf(message: string): string {
  const at = message.indexOf('\n\n');
  return at < 0 ? '' : message.slice(at + 2);
}

/** The directions (a=sendrecv, a=sendonly…) the SDP `body` states, at the session level and in its m= sections, read by sdp-transform. */
function directionsOf(body: string): string[] {
  const session = parseSdp(body);
  return [session.direction, ...session.media.map((m) => m.direction)].filter(
    (d): d is NonNullable<typeof d> => d !== undefined,
  );
}

/** The `tag` parameter of a From or To value. */
function tagOf(value: string | undefined): string | undefined {
  return /;\s*tag=([^;\s]+)/i.exec(value ?? '')?.[1];
}

/** Everything the core writes of one leg's dialog, read from what the peer of that leg received and sent. */
interface LegView {
  readonly callId: string;
  /** The peer's tag (From tag for Alice, To tag for Bob). */
  readonly peerTag: string;
  /** The core's tag in that dialog. */
  readonly coreTag: string;
  /** The peer's Contact host and port. */
  readonly peerContact: string;
}

/** Asserts that `message` (received by one peer) carries only its own leg: one Via, none of the other leg's Call-ID, tags or Contact. */
function expectOnlyOwnLeg(message: string, own: LegView, other: LegView): void {
  const first = message.split('\n')[0];
  if (!first?.startsWith('SIP/2.0 ')) expect(message.match(/^Via:/gim), first).toHaveLength(1);
  expect(headerOf(message, 'Call-ID'), first).toBe(own.callId);
  expect(message, first).not.toContain(other.callId);
  expect(message, first).not.toContain(other.peerTag);
  // The other peer's host:port, not followed by another digit.
  expect(message, first).not.toMatch(new RegExp(`${other.peerContact.replace(/\./g, '\\.')}(?!\\d)`));
}

describe('mid-dialog requests through the core (SIPp as Alice, Bob and the TAS)', () => {
  it("re-INVITE (hold) with its ACK, UPDATE, INFO from Alice, a re-INVITE and BYE from Bob: each in the other leg's dialog, body and Content-Type kept", async () => {
    const { aliceLog, bobLog } = await call('mid-dialog', 'alice-mid-dialog.xml', 'bob-mid-dialog.xml');
    const core = testbed.core.ready.sipMobileUdp;

    // The two dialogs, as their peers see them.
    const [aliceInvite] = sent(aliceLog, 'INVITE ');
    const [aliceAnswered] = responsesTo(aliceLog, 'INVITE');
    const bobInvites = received(bobLog, 'INVITE');
    const [bobInitial, bobReInvite] = bobInvites;
    const [bobAnswer] = sent(bobLog, 'SIP/2.0 200').filter((m) => headerOf(m, 'CSeq') === '1 INVITE');
    expect(bobInvites).toHaveLength(2);
    const aliceLeg: LegView = {
      callId: headerOf(aliceInvite ?? '', 'Call-ID') ?? '',
      peerTag: tagOf(headerOf(aliceInvite ?? '', 'From')) ?? '',
      coreTag: tagOf(headerOf(aliceAnswered ?? '', 'To')) ?? '',
      peerContact: /@([^>;]+)/.exec(headerOf(aliceInvite ?? '', 'Contact') ?? '')?.[1] ?? '',
    };
    const bobLeg: LegView = {
      callId: headerOf(bobInitial ?? '', 'Call-ID') ?? '',
      peerTag: tagOf(headerOf(bobAnswer ?? '', 'To')) ?? '',
      coreTag: tagOf(headerOf(bobInitial ?? '', 'From')) ?? '',
      peerContact: `127.0.0.1:${testbed.bobPort}`,
    };
    for (const v of [aliceLeg, bobLeg]) for (const value of Object.values(v)) expect(value).not.toBe('');
    expect(bobLeg.callId).not.toBe(aliceLeg.callId);
    const coreContact = headerOf(bobInitial ?? '', 'Contact') ?? '';
    expect(coreContact).toContain(core);
    // The core's 200 gave Alice its Contact on the same face.
    expect(headerOf(aliceAnswered ?? '', 'Contact')).toBe(coreContact);

    // Alice's hold re-INVITE reaches Bob in Bob's dialog: his Call-ID and tags, the next CSeq, Max-Forwards 70 → 69, the SDP as sent.
    const [, aliceReInvite] = sent(aliceLog, 'INVITE ');
    expect(bobReInvite?.split('\n')[0]).toBe(`INVITE sip:bob@127.0.0.1:${testbed.bobPort} SIP/2.0`);
    expect(tagOf(headerOf(bobReInvite ?? '', 'From'))).toBe(bobLeg.coreTag);
    expect(tagOf(headerOf(bobReInvite ?? '', 'To'))).toBe(bobLeg.peerTag);
    expect(headerOf(bobReInvite ?? '', 'CSeq')).toBe('2 INVITE');
    expect(headerOf(bobReInvite ?? '', 'Max-Forwards')).toBe('69');
    expect(headerOf(bobReInvite ?? '', 'Contact')).toBe(coreContact);
    expect(headerOf(bobReInvite ?? '', 'Content-Type')).toBe('application/sdp');
    expect(bodyOf(bobReInvite ?? '')).toBe(bodyOf(aliceReInvite ?? ''));
    expect(directionsOf(bodyOf(bobReInvite ?? ''))).toContain('sendonly');

    // Bob's answer (a=recvonly) reaches Alice in the 200 of her re-INVITE, with the core's Contact.
    const [, aliceReAnswered] = responsesTo(aliceLog, 'INVITE');
    const [bobReAnswer] = sent(bobLog, 'SIP/2.0 200').filter((m) => headerOf(m, 'CSeq') === '2 INVITE');
    expect(aliceReAnswered?.split('\n')[0]).toBe('SIP/2.0 200 OK');
    expect(headerOf(aliceReAnswered ?? '', 'CSeq')).toBe('2 INVITE');
    expect(headerOf(aliceReAnswered ?? '', 'Content-Type')).toBe('application/sdp');
    expect(headerOf(aliceReAnswered ?? '', 'Contact')).toBe(coreContact);
    expect(bodyOf(aliceReAnswered ?? '')).toBe(bodyOf(bobReAnswer ?? ''));
    expect(directionsOf(bodyOf(aliceReAnswered ?? ''))).toContain('recvonly');

    // Alice's ACK of that 200 reaches Bob as the ACK of his dialog's CSeq 2.
    const bobAcks = received(bobLog, 'ACK');
    expect(bobAcks.map((m) => headerOf(m, 'CSeq'))).toEqual(['1 ACK', '2 ACK']);

    // UPDATE (RFC 3311): CSeq 3 in Bob's dialog, SDP kept; Bob's SDP back to Alice.
    const [bobUpdate] = received(bobLog, 'UPDATE');
    const [aliceUpdate] = sent(aliceLog, 'UPDATE ');
    expect(headerOf(bobUpdate ?? '', 'CSeq')).toBe('3 UPDATE');
    expect(headerOf(bobUpdate ?? '', 'Max-Forwards')).toBe('69');
    expect(headerOf(bobUpdate ?? '', 'Contact')).toBe(coreContact);
    expect(headerOf(bobUpdate ?? '', 'Content-Type')).toBe('application/sdp');
    expect(bodyOf(bobUpdate ?? '')).toBe(bodyOf(aliceUpdate ?? ''));
    const [aliceUpdated] = responsesTo(aliceLog, 'UPDATE');
    expect(aliceUpdated?.split('\n')[0]).toBe('SIP/2.0 200 OK');
    expect(headerOf(aliceUpdated ?? '', 'Contact')).toBe(coreContact);
    expect(parseSdp(bodyOf(aliceUpdated ?? '')).origin).toMatchObject({
      username: 'bob',
      sessionId: 1,
      sessionVersion: 3,
    });

    // INFO (RFC 6086): CSeq 4, its Content-Type and body kept.
    const [bobInfo] = received(bobLog, 'INFO');
    const [aliceInfo] = sent(aliceLog, 'INFO ');
    expect(headerOf(bobInfo ?? '', 'CSeq')).toBe('4 INFO');
    expect(headerOf(bobInfo ?? '', 'Max-Forwards')).toBe('69');
    expect(headerOf(bobInfo ?? '', 'Content-Type')).toBe('application/dtmf-relay');
    expect(headerOf(bobInfo ?? '', 'Content-Length')).toBe(headerOf(aliceInfo ?? '', 'Content-Length'));
    expect(bodyOf(bobInfo ?? '')).toBe(bodyOf(aliceInfo ?? ''));
    expect(bodyOf(bobInfo ?? '')).toContain('Signal=5');
    expect(responsesTo(aliceLog, 'INFO').map((m) => m.split('\n')[0])).toEqual(['SIP/2.0 200 OK']);

    // Bob's re-INVITE reaches Alice in Alice's dialog: her Call-ID, her tag in To, the core's tag in From, the core's first CSeq there.
    const [aliceGotInvite] = received(aliceLog, 'INVITE');
    const [bobSentInvite] = sent(bobLog, 'INVITE ');
    expect(aliceGotInvite?.split('\n')[0]).toBe(`INVITE sip:+4790000001@${aliceLeg.peerContact} SIP/2.0`);
    expect(tagOf(headerOf(aliceGotInvite ?? '', 'To'))).toBe(aliceLeg.peerTag);
    expect(tagOf(headerOf(aliceGotInvite ?? '', 'From'))).toBe(aliceLeg.coreTag);
    expect(headerOf(aliceGotInvite ?? '', 'CSeq')).toBe('1 INVITE');
    expect(headerOf(aliceGotInvite ?? '', 'Max-Forwards')).toBe('69');
    expect(headerOf(aliceGotInvite ?? '', 'Contact')).toBe(coreContact);
    expect(headerOf(aliceGotInvite ?? '', 'Content-Type')).toBe('application/sdp');
    expect(bodyOf(aliceGotInvite ?? '')).toBe(bodyOf(bobSentInvite ?? ''));
    // Alice's answer back to Bob, and Bob's ACK on to Alice.
    const [bobGotAnswer] = loggedMessages(bobLog)
      .filter((m) => m.received && m.text.startsWith('SIP/2.0 200') && headerOf(m.text, 'CSeq') === '1 INVITE')
      .map((m) => m.text);
    const [aliceSentAnswer] = sent(aliceLog, 'SIP/2.0 200').filter((m) => headerOf(m, 'CSeq') === '1 INVITE');
    expect(headerOf(bobGotAnswer ?? '', 'Contact')).toBe(coreContact);
    expect(bodyOf(bobGotAnswer ?? '')).toBe(bodyOf(aliceSentAnswer ?? ''));
    expect(received(aliceLog, 'ACK').map((m) => headerOf(m, 'CSeq'))).toEqual(['1 ACK']);

    // Bob's BYE ends Alice's dialog with the core's next CSeq there.
    const aliceByes = received(aliceLog, 'BYE');
    expect(aliceByes.map((m) => headerOf(m, 'CSeq'))).toEqual(['2 BYE']);

    // Nothing of one leg reaches the other's peer.
    const bobGot = loggedMessages(bobLog)
      .filter((m) => m.received)
      .map((m) => m.text);
    const aliceGot = loggedMessages(aliceLog)
      .filter((m) => m.received)
      .map((m) => m.text);
    // INVITE, ACK, re-INVITE, ACK, UPDATE, INFO, the 200s of his re-INVITE and BYE (and any retransmission).
    expect(bobGot.length).toBeGreaterThanOrEqual(8);
    for (const m of bobGot) expectOnlyOwnLeg(m, bobLeg, aliceLeg);
    for (const m of aliceGot) expectOnlyOwnLeg(m, aliceLeg, bobLeg);
  }, 40_000);

  it('a re-INVITE Bob answers 488 and an INFO he answers 415: the statuses reach Alice, the call stays up, her BYE reaches Bob', async () => {
    const { aliceLog, bobLog } = await call(
      'mid-dialog-rejected',
      'alice-mid-dialog-rejected.xml',
      'bob-mid-dialog-rejected.xml',
    );

    const [, refused] = responsesTo(aliceLog, 'INVITE');
    expect(refused?.split('\n')[0]).toBe('SIP/2.0 488 Not Acceptable Here');
    expect(headerOf(refused ?? '', 'CSeq')).toBe('2 INVITE');
    // An end-to-end header of the refusal crosses; the far end's tag does not.
    expect(headerOf(refused ?? '', 'Warning')).toBe('304 bob "Media type not available"');
    const [aliceAnswered] = responsesTo(aliceLog, 'INVITE');
    expect(tagOf(headerOf(refused ?? '', 'To'))).toBe(tagOf(headerOf(aliceAnswered ?? '', 'To')));

    const [unsupported] = responsesTo(aliceLog, 'INFO');
    expect(unsupported?.split('\n')[0]).toBe('SIP/2.0 415 Unsupported Media Type');
    expect(headerOf(unsupported ?? '', 'Accept')).toBe('application/dtmf-relay');

    // Bob: the re-INVITE, the core's ACK of the 488 (same CSeq), the INFO, then the BYE, all in his dialog.
    const [bobInitial, bobReInvite] = received(bobLog, 'INVITE');
    const callId = headerOf(bobInitial ?? '', 'Call-ID');
    expect(headerOf(bobReInvite ?? '', 'CSeq')).toBe('2 INVITE');
    expect(received(bobLog, 'ACK').map((m) => headerOf(m, 'CSeq'))).toEqual(['1 ACK', '2 ACK']);
    expect(received(bobLog, 'INFO').map((m) => headerOf(m, 'CSeq'))).toEqual(['3 INFO']);
    const byes = received(bobLog, 'BYE');
    expect(byes.map((m) => headerOf(m, 'CSeq'))).toEqual(['4 BYE']);
    for (const m of [bobReInvite, ...byes]) expect(headerOf(m ?? '', 'Call-ID')).toBe(callId);
    expect(responsesTo(aliceLog, 'BYE').map((m) => m.split('\n')[0])).toEqual(['SIP/2.0 200 OK']);
  }, 40_000);

  it('an INFO Bob answers 481 (his dialog is gone): Alice gets the 481, then the core ends her dialog with BYE; no BYE to Bob', async () => {
    const { aliceLog, bobLog } = await call('mid-dialog-gone', 'alice-mid-dialog-gone.xml', 'bob-mid-dialog-gone.xml');
    const [gone] = responsesTo(aliceLog, 'INFO');
    expect(gone?.split('\n')[0]).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
    // The 481 first (RFC 3261 §12.2.1.2: it ends Bob's dialog), then the BYE of Alice's, in her dialog.
    const order = loggedMessages(aliceLog)
      .filter((m) => m.received)
      .map((m) => m.text.split('\n')[0]);
    expect(order.indexOf('SIP/2.0 481 Call/Transaction Does Not Exist')).toBeLessThan(
      order.findIndex((l) => l?.startsWith('BYE ')),
    );
    const [bye] = received(aliceLog, 'BYE');
    expect(headerOf(bye ?? '', 'Call-ID')).toBe(headerOf(sent(aliceLog, 'INVITE ')[0] ?? '', 'Call-ID'));
    expect(received(bobLog, 'INFO')).toHaveLength(1);
    expect(received(bobLog, 'BYE')).toHaveLength(0);
  }, 40_000);

  it("LOOP: Alice's hold re-INVITE goes to the TAS on leg 2, the TAS's on leg 3 reaches Bob on leg 4; 200s and ACKs back the same way", async () => {
    const tlsPort = await freePort('tcp');
    const unregister = await testbed.register({
      sipUri: `sips:${TAS_DOMAIN}:${tlsPort}`,
      routeType: 'ROUTE_TYPE_LOOP',
      phoneNumber: { e164: ALICE },
    });
    const b = await bob({
      dir: testbed.dir,
      name: 'loop-hold-bob',
      port: testbed.bobPort,
      scenarioFile: scenario('bob-hold.xml'),
    });
    const t = await testbed.tas({
      name: 'loop-hold-tas',
      tlsPort,
      scenarioFile: scenario('tas-loop-hold.xml'),
      keys: { callee: BOB, core: testbed.core.ready.sipTasTls },
    });
    try {
      const a = await alice({
        dir: testbed.dir,
        name: 'loop-hold-alice',
        core: testbed.core.ready.sipMobileUdp,
        callee: BOB,
        scenarioFile: scenario('alice-hold.xml'),
      });
      const [ar, tr, br] = await Promise.all([a.result, t.result, b.result]);
      expectPassed(ar, 'Alice');
      expectPassed(tr, `TAS\n${t.socat.output().slice(-800)}`);
      expectPassed(br, 'Bob');
      const [aliceLog, tasLog, bobLog] = await Promise.all([a.messages(), t.messages(), b.messages()]);
      const aliceCallId = headerOf(sent(aliceLog, 'INVITE ')[0] ?? '', 'Call-ID') ?? '';

      // Leg 2: the re-INVITE in the core's dialog with the TAS, over TLS, the core's TAS-face Contact, Alice's SDP.
      const [leg2, leg2Re] = received(tasLog, 'INVITE');
      const [, aliceRe] = sent(aliceLog, 'INVITE ');
      expect(headerOf(leg2Re ?? '', 'Call-ID')).toBe(headerOf(leg2 ?? '', 'Call-ID'));
      expect(headerOf(leg2Re ?? '', 'CSeq')).toBe('2 INVITE');
      expect(headerOf(leg2Re ?? '', 'Max-Forwards')).toBe('69');
      expect(leg2Re?.match(/^Via:/gim)).toHaveLength(1);
      expect(headerOf(leg2Re ?? '', 'Via')).toMatch(/^SIP\/2\.0\/TLS /);
      expect(headerOf(leg2Re ?? '', 'Contact')).toContain(`sips:${testbed.core.ready.sipTasTls}`);
      expect(bodyOf(leg2Re ?? '')).toBe(bodyOf(aliceRe ?? ''));
      expect(leg2Re).not.toContain(aliceCallId);

      // Leg 4: the TAS's leg-3 re-INVITE in the core's dialog with Bob: Max-Forwards 60 → 59, the TAS's SDP.
      const [bobInitial, bobRe] = received(bobLog, 'INVITE');
      const tasLeg3Re = sent(tasLog, 'INVITE ')[1];
      expect(headerOf(bobRe ?? '', 'Call-ID')).toBe(headerOf(bobInitial ?? '', 'Call-ID'));
      expect(headerOf(bobRe ?? '', 'Call-ID')).not.toBe(headerOf(leg2 ?? '', 'Call-ID'));
      expect(headerOf(bobRe ?? '', 'CSeq')).toBe('2 INVITE');
      expect(headerOf(bobRe ?? '', 'Max-Forwards')).toBe('59');
      expect(bobRe?.match(/^Via:/gim)).toHaveLength(1);
      expect(headerOf(bobRe ?? '', 'Contact')).toBe(headerOf(bobInitial ?? '', 'Contact'));
      expect(bodyOf(bobRe ?? '')).toBe(bodyOf(tasLeg3Re ?? ''));

      // Back: Bob's 200 to the TAS on leg 3, the TAS's 200 (a=recvonly) to Alice; each ACK on to the next leg.
      const tasGot200 = loggedMessages(tasLog)
        .filter((m) => m.received && m.text.startsWith('SIP/2.0 200') && headerOf(m.text, 'CSeq') === '2 INVITE')
        .map((m) => m.text);
      const [bobRe200] = sent(bobLog, 'SIP/2.0 200').filter((m) => headerOf(m, 'CSeq') === '2 INVITE');
      expect(tasGot200.map(bodyOf)).toEqual([bodyOf(bobRe200 ?? '')]);
      const [, aliceRe200] = responsesTo(aliceLog, 'INVITE');
      const tasRe200 = sent(tasLog, 'SIP/2.0 200').filter((m) => headerOf(m, 'CSeq') === '2 INVITE')[0];
      expect(aliceRe200?.split('\n')[0]).toBe('SIP/2.0 200 OK');
      expect(bodyOf(aliceRe200 ?? '')).toBe(bodyOf(tasRe200 ?? ''));
      expect(directionsOf(bodyOf(aliceRe200 ?? ''))).toContain('recvonly');
      expect(received(tasLog, 'ACK').map((m) => headerOf(m, 'CSeq'))).toEqual(['1 ACK', '2 ACK']);
      expect(received(bobLog, 'ACK').map((m) => headerOf(m, 'CSeq'))).toEqual(['1 ACK', '2 ACK']);

      // Alice's BYE (CSeq 3) ends leg 2 (its CSeq 3); the TAS's BYE on leg 3 ends leg 4 (its CSeq 3).
      expect(received(tasLog, 'BYE').map((m) => headerOf(m, 'CSeq'))).toEqual(['3 BYE']);
      expect(received(bobLog, 'BYE').map((m) => headerOf(m, 'CSeq'))).toEqual(['3 BYE']);
    } finally {
      await t.socat.stop();
      await unregister();
    }
  }, 40_000);
  it("Max-Forwards: Alice's ACK and BYE (40) reach Bob with 39; her INFO with 0 gets 483 and goes no further", async () => {
    // Bob's scenario fails his run unless the ACK and the BYE carry 39, and on any INFO.
    const { aliceLog, bobLog } = await call('max-forwards', 'alice-max-forwards.xml', 'bob-max-forwards.xml');
    expect(received(bobLog, 'ACK').map((m) => headerOf(m, 'Max-Forwards'))).toEqual(['39']);
    expect(received(bobLog, 'BYE').map((m) => headerOf(m, 'Max-Forwards'))).toEqual(['39']);
    expect(received(bobLog, 'INFO')).toHaveLength(0);
    expect(responsesTo(aliceLog, 'INFO').map((m) => m.split('\n')[0])).toEqual(['SIP/2.0 483 Too Many Hops']);
    expect(responsesTo(aliceLog, 'BYE').map((m) => m.split('\n')[0])).toEqual(['SIP/2.0 200 OK']);
    expect(
      sample(await testbed.metrics(), 'sipbreakout_too_many_hops_total', { method: 'INFO', action: 'refused' }),
    ).toBe(1);
  }, 40_000);
});
