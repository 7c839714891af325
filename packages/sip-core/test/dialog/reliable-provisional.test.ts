/**
 * Reliable provisional responses (RFC 3262) between two UAs of the stack:
 * the UAS core retransmits one until its PRACK and gives up with a 500
 * after 64·T1 (§3), holds a second one until the first is acknowledged
 * and a 2xx while one with a body is (§3), answers a PRACK that matches
 * nothing with 481 (§3); the UAC core PRACKs each once, in RSeq order
 * (§4). The RSeq and RAck values round-trip.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientInviteEvent } from '../../src/dialog/client-invite.js';
import { isDialogError } from '../../src/dialog/dialog-error.js';
import {
  type RAck,
  parseRAck,
  parseRSeq,
  serializeRAck,
  serializeRSeq,
  startReliableProvisional,
  stepReliableProvisional,
} from '../../src/dialog/reliable-provisional.js';
import type { ServerInviteEvent } from '../../src/dialog/server-invite.js';
import {
  type SipMessage,
  type SipRequest,
  type SipResponse,
  createResponse,
  serializeMessage,
} from '../../src/index.js';
import { SDP_B, newInvite, requests, world } from './harness.js';

describe('the retransmission of a reliable provisional response (RFC 3262 §3)', () => {
  it('retransmits at T1, then twice the last interval each time (no T2 cap), and gives up at 64·T1', () => {
    let step = startReliableProvisional(0, 500);
    const retransmitted: number[] = [];
    let at = (step.actions[0] as { at: number }).at;
    for (;;) {
      step = stepReliableProvisional(step.state, { kind: 'timer' }, at);
      if (step.actions.some((a) => a.kind === 'giveUp')) break;
      if (step.actions.some((a) => a.kind === 'retransmit')) retransmitted.push(at);
      at = (step.actions.find((a) => a.kind === 'startTimer') as { at: number }).at;
    }
    expect(retransmitted).toEqual([500, 1500, 3500, 7500, 15500, 31500]);
    expect(at).toBe(32_000);
    expect(step.state.name).toBe('GaveUp');
  });

  it('stops at the PRACK, and at the final response', () => {
    for (const kind of ['prack', 'final'] as const) {
      const step = stepReliableProvisional(startReliableProvisional(0, 500).state, { kind }, 100);
      expect(step.state.name).toBe('Acknowledged');
      expect(step.actions).toEqual([{ kind: 'cancelTimer' }]);
    }
  });
});

describe('RSeq and RAck (RFC 3262 §7.1, §7.2)', () => {
  const seq = fc.integer({ min: 1, max: 2 ** 32 - 1 });
  const method = fc.constantFrom('INVITE', 'invite', 'X-Custom.1');

  it('parseRAck undoes serializeRAck', () => {
    fc.assert(
      fc.property(seq, seq, method, (rseq, cseq, m) => {
        const rack: RAck = { rseq, cseq, method: m };
        expect(parseRAck(serializeRAck(rack))).toEqual(rack);
      }),
    );
  });

  it('parseRSeq undoes serializeRSeq', () => {
    fc.assert(fc.property(seq, (rseq) => parseRSeq(serializeRSeq(rseq)) === rseq));
  });

  it.each(['', '1 2', '1 2 INVITE x', '0 1 INVITE', '1 0 INVITE', '4294967296 1 INVITE', 'a 1 INVITE', '1 1 IN/VITE'])(
    'refuses RAck %j',
    (value) => {
      expect(parseRAck(value)).toBeUndefined();
    },
  );

  it.each(['', '0', '4294967296', '-1', '1.5', ' '])('refuses RSeq %j', (value) => {
    expect(parseRSeq(value)).toBeUndefined();
  });
});

function setup() {
  const w = world();
  const alice = w.agent('alice', '10.0.0.1');
  const bob = w.agent('bob', '10.0.0.3');
  return { w, alice, bob };
}

/** Provisional responses an agent saw, as `status rseq`. */
function provisionals(seen: readonly SipMessage[]): string[] {
  return seen
    .filter((m): m is SipResponse => m.kind === 'response' && m.status > 100 && m.status < 200)
    .map((m) => `${m.status} ${m.headers.get('RSeq') ?? '-'}`);
}

const sdp: Array<readonly [string, string]> = [['Content-Type', 'application/sdp']];

describe('ServerInvite: reliable provisional responses (RFC 3262 §3)', () => {
  it('sends one with Require: 100rel and an RSeq; the UAC core PRACKs it and the retransmissions stop', () => {
    const { w, alice, bob } = setup();
    bob.layer.onInvite = (invite) => {
      invite.respond(183, { reliable: true, headers: sdp, body: Buffer.from(SDP_B) });
      w.clock.setTimer(2_000, () => invite.respond(200, { headers: sdp, body: Buffer.from(SDP_B) }));
    };
    const invite = alice.layer.invite(newInvite(alice, bob, 'bob', [['Supported', '100rel']]), {
      destination: bob.destination,
    });
    w.run(5_000);
    const got = alice.seen.find((m): m is SipResponse => m.kind === 'response' && m.status === 183)!;
    expect(got.headers.get('Require')).toBe('100rel');
    const rseq = parseRSeq(got.headers.get('RSeq'))!;
    expect(rseq).toBeGreaterThanOrEqual(1);
    expect(rseq).toBeLessThan(2 ** 31);
    expect(provisionals(alice.seen)).toEqual([`183 ${rseq}`]);
    const prack = requests(bob, 'PRACK')[0]!;
    expect(prack.headers.get('RAck')).toBe(`${rseq} 1 INVITE`);
    expect(prack.cseq).toMatchObject({ seq: 2, method: 'PRACK' });
    expect(bob.seen.filter((m) => m.kind === 'request' && m.method === 'PRACK')).toHaveLength(1);
    expect(invite.state).toBe('Answered');
  });

  it('retransmits it until 64·T1, then answers the INVITE 500 and tells prackTimeout', () => {
    const { w, alice, bob } = setup();
    const events: string[] = [];
    bob.layer.onInvite = (invite) => {
      invite.onEvent((e: ServerInviteEvent) => events.push(e.kind));
      invite.respond(183, { reliable: true });
    };
    const told: string[] = [];
    const invite = alice.layer.invite(newInvite(alice, bob, 'bob', [['Supported', '100rel']]), {
      destination: bob.destination,
      prack: 'manual',
    });
    invite.onEvent((e: ClientInviteEvent) =>
      told.push(e.kind === 'provisional' ? `provisional ${e.rseq}` : `${e.kind} ${e.response.status}`),
    );
    w.run(40_000);
    // The first send and six retransmissions (T1 = 500 ms: at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s); the UAC core tells it once.
    expect(provisionals(alice.seen)).toHaveLength(7);
    expect(new Set(provisionals(alice.seen)).size).toBe(1);
    expect(told).toEqual([`provisional ${provisionals(alice.seen)[0]!.split(' ')[1]}`, 'rejected 500']);
    expect(events).toEqual(['prackTimeout']);
  });

  it('holds a second reliable one until the first is acknowledged, and the 2xx while one with a body is not', async () => {
    const { w, alice, bob } = setup();
    bob.layer.onInvite = (invite) => {
      invite.respond(183, { reliable: true, headers: sdp, body: Buffer.from(SDP_B) });
      invite.respond(180, { reliable: true });
      invite.respond(200, { headers: sdp, body: Buffer.from(SDP_B) });
    };
    const invite = alice.layer.invite(newInvite(alice, bob, 'bob', [['Supported', '100rel']]), {
      destination: bob.destination,
      prack: 'manual',
    });
    const reliable: Array<{
      dialog: NonNullable<Extract<ClientInviteEvent, { kind: 'provisional' }>['dialog']>;
      rseq: number;
    }> = [];
    invite.onEvent(
      (e) =>
        e.kind === 'provisional' &&
        e.dialog !== undefined &&
        e.rseq !== undefined &&
        reliable.push({ dialog: e.dialog, rseq: e.rseq }),
    );
    w.run(1_000);
    const first = reliable[0]!.rseq;
    expect(provisionals(alice.seen).every((p) => p === `183 ${first}`)).toBe(true);
    expect(invite.state).toBe('Proceeding');
    const prack = invite.prack(reliable[0]!.dialog, first);
    w.run(100);
    expect((await prack).status).toBe(200);
    expect(provisionals(alice.seen).filter((p) => p !== `183 ${first}`)).toEqual([`180 ${first + 1}`]);
    // The 180 carried no body: the 2xx did not wait for its PRACK.
    expect(invite.state).toBe('Answered');
  });

  it('answers a PRACK that matches no unacknowledged reliable response 481', async () => {
    const { w, alice, bob } = setup();
    bob.layer.onInvite = (invite) => void invite.respond(180, { reliable: true });
    const invite = alice.layer.invite(newInvite(alice, bob, 'bob', [['Supported', '100rel']]), {
      destination: bob.destination,
      prack: 'manual',
    });
    let rseq = 0;
    let dialog: Extract<ClientInviteEvent, { kind: 'provisional' }>['dialog'];
    invite.onEvent((e) => {
      if (e.kind === 'provisional') {
        rseq = e.rseq ?? 0;
        dialog = e.dialog;
      }
    });
    w.run(100);
    const wrong = invite.prack(dialog!, rseq + 5);
    w.run(100);
    expect((await wrong).status).toBe(481);
  });

  it('sends every provisional response reliably when the INVITE requires it, and refuses to when the INVITE does not allow it', () => {
    const { w, alice, bob } = setup();
    const refused: unknown[] = [];
    bob.layer.onInvite = (invite) => {
      if (invite.request.headers.has('Require')) {
        invite.respond(180);
        return;
      }
      try {
        invite.respond(183, { reliable: true });
      } catch (e) {
        refused.push(e);
      }
      invite.respond(486);
    };
    alice.layer.invite(newInvite(alice, bob, 'bob', [['Require', '100rel']]), { destination: bob.destination });
    alice.layer.invite(newInvite(alice, bob), { destination: bob.destination });
    w.run(100);
    expect(provisionals(alice.seen)).toHaveLength(1);
    expect(provisionals(alice.seen)[0]).toMatch(/^180 \d+$/);
    expect(refused).toHaveLength(1);
    expect(isDialogError(refused[0], 'DIALOG_ERR_NO_100REL')).toBe(true);
  });
});

describe('ClientInvite: reliable provisional responses (RFC 3262 §4)', () => {
  it('tells and PRACKs each one once, in RSeq order; a retransmission or one out of order is left out', () => {
    const w = world();
    const alice = w.agent('alice', '10.0.0.1');
    const peer = w.network.createTransport({ host: '10.0.0.9', port: 5060 });
    const seen: SipMessage[] = [];
    peer.setReceiver((e) => e.kind === 'message' && seen.push(e.message));
    void peer.listen();
    const send = (m: SipMessage) =>
      void peer.send(serializeMessage(m), { protocol: 'UDP', host: '10.0.0.1', port: 5060 });
    const invite = alice.layer.invite(newInvite(alice, alice, 'bob', [['Supported', '100rel']]), {
      destination: { protocol: 'UDP', host: '10.0.0.9', port: 5060 },
    });
    const told: Array<number | undefined> = [];
    invite.onEvent((e) => e.kind === 'provisional' && told.push(e.rseq));
    w.run(50);
    const inv = seen[0] as SipRequest;
    const reliable = (rseq: number) =>
      createResponse(inv, 183, {
        toTag: 'b1',
        headers: [
          ['Contact', '<sip:peer@10.0.0.9>'],
          ['Require', '100rel'],
          ['RSeq', String(rseq)],
        ],
      });
    for (const rseq of [5, 5, 7, 6]) {
      send(reliable(rseq));
      w.run(50);
    }
    expect(told).toEqual([5, 6]);
    expect(
      seen
        .filter((m): m is SipRequest => m.kind === 'request' && m.method === 'PRACK')
        .map((m) => m.headers.get('RAck')),
    ).toEqual(['5 1 INVITE', '6 1 INVITE']);
  });
});
