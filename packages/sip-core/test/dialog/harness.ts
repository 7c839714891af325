/**
 * Whole call flows on a MemoryNetwork and a ManualClock: each agent is a
 * DialogLayer over a TransportLayer over one MemoryTransport, and records
 * every message it received, so tests assert on what each side saw.
 */
import { ManualClock } from '../../src/clock.js';
import { B2buaCall, type B2buaHooks } from '../../src/dialog/b2bua-call.js';
import type { ServerInvite } from '../../src/dialog/server-invite.js';
import { DialogLayer } from '../../src/dialog/dialog-layer.js';
import { type SipMessage, SipRequest, parseUri, serializeMessage } from '../../src/index.js';
import { MemoryNetwork, type MemoryTransport } from '../../src/transport/memory-network.js';
import { TransportLayer } from '../../src/transport/transport-layer.js';
import type { Destination } from '../../src/transport/transport.js';

export const SDP_A = 'v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
export const SDP_B = 'v=0\r\no=bob 1 1 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n';

export interface Agent {
  readonly name: string;
  readonly host: string;
  readonly destination: Destination;
  readonly transport: MemoryTransport;
  readonly layer: DialogLayer;
  /** Every message received, in order. */
  readonly seen: SipMessage[];
}

export interface World {
  readonly clock: ManualClock;
  readonly network: MemoryNetwork;
  agent(name: string, host: string): Agent;
  run(ms: number): void;
}

export function world(options: { delay?: number; seed?: number } = {}): World {
  const clock = new ManualClock();
  const network = new MemoryNetwork({ clock, seed: options.seed ?? 7, conditions: { delay: options.delay ?? 10 } });
  return {
    clock,
    network,
    agent(name, host) {
      const transport = network.createTransport({ host, port: 5060 });
      const tl = new TransportLayer({ transports: [transport] });
      const layer = new DialogLayer({ clock, transport: tl });
      const seen: SipMessage[] = [];
      tl.setReceiver({
        receive: (m, s) => {
          seen.push(m);
          layer.transactions.receive(m, s);
        },
      });
      void tl.listen();
      return { name, host, destination: { protocol: 'UDP', host, port: 5060 }, transport, layer, seen };
    },
    run(ms) {
      clock.advance(ms);
    },
  };
}

/** Start lines of what an agent saw: methods and statuses (`INVITE`, `180`, `200/INVITE`). */
export function starts(agent: Agent): string[] {
  return agent.seen.map((m) => (m.kind === 'request' ? m.method : `${m.status}/${m.cseq.method}`));
}

/** The requests of `method` an agent received (retransmissions included). */
export function requests(agent: Agent, method: string): SipRequest[] {
  return agent.seen.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
}

/** A new INVITE from `from` to `sip:user@to`. */
export function newInvite(from: Agent, to: Agent, user = 'bob', extra: Array<[string, string]> = []): SipRequest {
  const uri = parseUri(`sip:${user}@${to.host}`);
  if (!uri.ok) throw new Error('bad uri');
  return new SipRequest({
    method: 'INVITE',
    uri: uri.uri,
    headers: [
      ['Max-Forwards', '70'],
      ['From', `"Alice" <sip:+4711111111@${from.host}>`],
      ['To', `<sip:${user}@${to.host}>`],
      ['Call-ID', `call-${Math.random().toString(16).slice(2)}@${from.host}`],
      ['CSeq', '1 INVITE'],
      ['Content-Type', 'application/sdp'],
      ...extra,
    ],
    body: Buffer.from(SDP_A),
  });
}

/** A UAS that answers each INVITE per `plan`: statuses with the delay before each. */
export function answerWith(agent: Agent, plan: ReadonlyArray<readonly [status: number, afterMs: number]>, clock: ManualClock, body = SDP_B): ServerInvite[] {
  const got: ServerInvite[] = [];
  agent.layer.onInvite = (invite) => {
    got.push(invite);
    let at = 0;
    for (const [status, after] of plan) {
      at += after;
      clock.setTimer(at, () => {
        if (invite.state !== 'Proceeding') return;
        invite.respond(status, status >= 200 && status < 300 ? { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(body) } : {});
      });
    }
  };
  return got;
}

/** The B2BUA: each INVITE becomes a call, set up by `start`. */
export function b2bua(agent: Agent, start: (call: B2buaCall) => void, hooks?: B2buaHooks): B2buaCall[] {
  const calls: B2buaCall[] = [];
  agent.layer.onInvite = (invite) => {
    const call = new B2buaCall(agent.layer, invite, hooks === undefined ? {} : { hooks });
    calls.push(call);
    start(call);
  };
  return calls;
}

/** The body of a message as text. */
export function bodyOf(m: SipMessage): string {
  return Buffer.from(m.body).toString('latin1');
}

export { serializeMessage };
