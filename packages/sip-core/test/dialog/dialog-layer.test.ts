import { describe, expect, it } from 'vitest';
import { type SipMessage, type SipRequest, createResponse, parseMessage, serializeMessage } from '../../src/index.js';
import { SDP_B, answerWith, newInvite, requests, starts, world } from './harness.js';

/** A peer that we drive by hand: raw messages in and out. */
function rawPeer(w: ReturnType<typeof world>, host: string) {
  const transport = w.network.createTransport({ host, port: 5060 });
  const seen: SipMessage[] = [];
  transport.setReceiver((e) => {
    if (e.kind === 'message') seen.push(e.message);
  });
  void transport.listen();
  return {
    seen,
    send(m: SipMessage, to: string) {
      void transport.send(serializeMessage(m), { protocol: 'UDP', host: to, port: 5060 });
    },
  };
}

describe('DialogLayer: UAC core', () => {
  it('keeps one early dialog per fork and ACKs then BYEs a second 2xx (§12.1.2, §13.2.2.4)', () => {
    const w = world();
    const alice = w.agent('alice', '10.0.0.1');
    const proxy = rawPeer(w, '10.0.0.9');
    const events: string[] = [];
    const call = alice.layer.invite(newInvite(alice, alice), {
      destination: { protocol: 'UDP', host: '10.0.0.9', port: 5060 },
    });
    call.onEvent((e) =>
      events.push(`${e.kind}:${'dialog' in e && e.dialog !== undefined ? e.dialog.id.remoteTag : '-'}`),
    );
    w.run(50);
    const inv = proxy.seen[0] as SipRequest;
    const contact = (tag: string): [string, string] => ['Contact', `<sip:${tag}@10.0.0.9>`];
    proxy.send(createResponse(inv, 180, { toTag: 'fork1', headers: [contact('one')] }), '10.0.0.1');
    proxy.send(createResponse(inv, 180, { toTag: 'fork2', headers: [contact('two')] }), '10.0.0.1');
    w.run(50);
    proxy.send(createResponse(inv, 200, { toTag: 'fork1', headers: [contact('one')] }), '10.0.0.1');
    w.run(50);
    proxy.send(createResponse(inv, 200, { toTag: 'fork2', headers: [contact('two')] }), '10.0.0.1');
    w.run(50);
    expect(events).toEqual(['provisional:fork1', 'provisional:fork2', 'answered:fork1', 'extraAnswer:fork2']);
    const sent = proxy.seen.slice(1).map((m) => (m.kind === 'request' ? `${m.method}:${m.to.tag}` : ''));
    expect(sent).toEqual(['ACK:fork1', 'ACK:fork2', 'BYE:fork2']);
    expect(call.dialog?.id.remoteTag).toBe('fork1');
    // A retransmitted 2xx of the winner gets the same ACK again.
    proxy.send(createResponse(inv, 200, { toTag: 'fork1', headers: [contact('one')] }), '10.0.0.1');
    w.run(50);
    expect(proxy.seen.filter((m) => m.kind === 'request' && m.method === 'ACK' && m.to.tag === 'fork1')).toHaveLength(
      2,
    );
  });

  it('waits for a provisional response before sending CANCEL (§9.1)', () => {
    const w = world();
    const alice = w.agent('alice', '10.0.0.1');
    const proxy = rawPeer(w, '10.0.0.9');
    const call = alice.layer.invite(newInvite(alice, alice), {
      destination: { protocol: 'UDP', host: '10.0.0.9', port: 5060 },
    });
    w.run(20);
    call.cancel();
    w.run(100);
    expect(proxy.seen.filter((m) => m.kind === 'request' && m.method === 'CANCEL')).toHaveLength(0);
    proxy.send(createResponse(proxy.seen[0] as SipRequest, 180, { toTag: 't' }), '10.0.0.1');
    w.run(50);
    expect(proxy.seen.filter((m) => m.kind === 'request' && m.method === 'CANCEL')).toHaveLength(1);
  });
});

describe('DialogLayer: UAS core', () => {
  it('retransmits the 2xx until the ACK comes (§13.3.1.4)', () => {
    const w = world({ delay: 0 });
    const alice = w.agent('alice', '10.0.0.1');
    const bob = w.agent('bob', '10.0.0.3');
    answerWith(bob, [[200, 0]], w.clock);
    let acks = 0;
    // Lose Alice's first two ACKs.
    w.network.conditions.filter = (p) => p.text.startsWith('ACK') && acks++ < 2;
    alice.layer.invite(newInvite(alice, bob), { destination: bob.destination });
    w.run(10_000);
    expect(starts(alice)).toEqual(['200/INVITE', '200/INVITE', '200/INVITE']);
    expect(requests(bob, 'ACK')).toHaveLength(1);
  });

  it('gives up after 64·T1 without an ACK and ends the dialog with a BYE (§13.3.1.4)', () => {
    const w = world({ delay: 0 });
    const alice = w.agent('alice', '10.0.0.1');
    const bob = w.agent('bob', '10.0.0.3');
    const invites = answerWith(bob, [[200, 0]], w.clock);
    w.network.conditions.filter = (p) => p.text.startsWith('ACK');
    alice.layer.invite(newInvite(alice, bob), { destination: bob.destination });
    const ends: string[] = [];
    w.run(1);
    invites[0]!.dialog!.onEvent((e) => e.kind === 'terminated' && ends.push(e.cause));
    w.run(40_000);
    expect(starts(alice).filter((s) => s === '200/INVITE')).toHaveLength(11);
    expect(starts(alice)).toContain('BYE');
    expect(ends).toEqual(['AckTimeout']);
  });

  it('answers 481 to a request with a To tag that matches no dialog (§12.2.2)', () => {
    const w = world();
    const bob = w.agent('bob', '10.0.0.3');
    const peer = rawPeer(w, '10.0.0.9');
    const bye = parseMessage(
      'BYE sip:bob@10.0.0.3 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-x\r\nMax-Forwards: 70\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\nCall-ID: nope\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n',
    );
    if (!bye.ok) throw new Error('parse');
    peer.send(bye.message, '10.0.0.3');
    w.run(100);
    expect(peer.seen.map((m) => (m.kind === 'response' ? m.status : 0))).toEqual([481]);
    void bob;
  });

  it("answers 487 to the peer's requests still pending in the dialog when its BYE comes (§15.1.2)", async () => {
    const w = world();
    const alice = w.agent('alice', '10.0.0.1');
    const bob = w.agent('bob', '10.0.0.3');
    const invites = answerWith(bob, [[200, 0]], w.clock);
    const call = alice.layer.invite(newInvite(alice, bob), { destination: bob.destination });
    w.run(500);
    const a = call.dialog!;
    // Bob's user holds the INFO and the re-INVITE without answering them.
    invites[0]!.dialog!.onEvent(() => undefined);
    const info = a.request('INFO', {
      headers: [['Content-Type', 'application/dtmf-relay']],
      body: Buffer.from('Signal=1\r\n'),
    });
    const reinvite = a.request('INVITE', { body: Buffer.from(SDP_B) });
    w.run(100);
    const bye = a.bye();
    w.run(500);
    expect((await bye).status).toBe(200);
    expect((await info).status).toBe(487);
    expect((await reinvite).status).toBe(487);
    w.run(64 * 500);
    expect(bob.layer.transactions.size).toEqual({ client: 0, server: 0 });
  });

  it('answers a re-INVITE with 491 while its own re-INVITE is pending (§14.2)', async () => {
    const w = world({ delay: 20 });
    const alice = w.agent('alice', '10.0.0.1');
    const bob = w.agent('bob', '10.0.0.3');
    const invites = answerWith(bob, [[200, 0]], w.clock);
    const call = alice.layer.invite(newInvite(alice, bob), { destination: bob.destination });
    w.run(500);
    const a = call.dialog!;
    const b = invites[0]!.dialog!;
    a.onEvent(() => undefined);
    b.onEvent(() => undefined);
    const fromA = a.request('INVITE', { body: Buffer.from(SDP_B) });
    const fromB = b.request('INVITE', { body: Buffer.from(SDP_B) });
    w.run(500);
    expect((await fromA).status).toBe(491);
    expect((await fromB).status).toBe(491);
  });
});
