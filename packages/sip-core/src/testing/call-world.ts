/**
 * Whole call flows on a {@link MemoryNetwork} and a {@link ManualClock}:
 * each agent is a {@link DialogLayer} over a {@link TransportLayer} over one
 * {@link MemoryTransport}, and records every message it received, so tests
 * assert on what each side saw. Deterministic: the network's seed and
 * delay are fixed, and time moves only when the test says.
 *
 * ```ts
 * const w = createCallWorld();
 * const alice = w.agent('alice', '10.0.0.1');
 * const bob = w.agent('bob', '10.0.0.3');
 * answerInvites(bob, [[180, 0], [200, 20]], w.clock);
 * const call = alice.layer.invite(createTestInvite(alice, bob), { destination: bob.destination });
 * w.run(500);
 * startLines(bob); // ['INVITE', 'ACK']
 * ```
 */
import { ManualClock } from '../clock.js';
import { SipError } from '../errors.js';
import { DialogLayer } from '../dialog/dialog-layer.js';
import type { ServerInvite } from '../dialog/server-invite.js';
import { SipRequest, type SipMessage } from '../message.js';
import { MemoryNetwork, type MemoryTransport } from '../transport/memory-network.js';
import { TransportLayer } from '../transport/transport-layer.js';
import type { Destination } from '../transport/transport.js';
import { parseUri } from '../uri.js';

/** The SDP offer of a {@link createTestInvite} (an audio stream of the caller). */
export const CALLER_SDP =
  'v=0\r\no=alice 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

/** The SDP answer {@link answerInvites} puts in a 2xx by default (an audio stream of the callee). */
export const CALLEE_SDP =
  'v=0\r\no=bob 1 1 IN IP4 10.0.0.3\r\ns=-\r\nc=IN IP4 10.0.0.3\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n';

/** One SIP agent of a {@link CallWorld}. */
export interface CallAgent {
  readonly name: string;
  readonly host: string;
  /** Where to send to it: UDP, its host, port 5060. */
  readonly destination: Destination;
  readonly transport: MemoryTransport;
  readonly layer: DialogLayer;
  /** Every message received, in order. */
  readonly seen: SipMessage[];
}

/** A memory network, its clock, and the agents on it. */
export interface CallWorld {
  readonly clock: ManualClock;
  readonly network: MemoryNetwork;
  /** A new agent listening on `host`:5060. */
  agent(name: string, host: string): CallAgent;
  /** Moves the clock `ms` forward. */
  run(ms: number): void;
}

/** Options of {@link createCallWorld}. */
export interface CallWorldOptions {
  /** One-way delay of the network, ms. Default 10. */
  readonly delay?: number;
  /** Seed of the network's random choices. Default 7. */
  readonly seed?: number;
}

/** A new memory network on a manual clock, with no agent yet. */
export function createCallWorld(options: CallWorldOptions = {}): CallWorld {
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

/** Start lines of what an agent saw: methods and statuses (`INVITE`, `180/INVITE`, `200/BYE`). */
export function startLines(agent: CallAgent): string[] {
  return agent.seen.map((m) => (m.kind === 'request' ? m.method : `${m.status}/${m.cseq.method}`));
}

/** The requests of `method` an agent received (retransmissions included). */
export function receivedRequests(agent: CallAgent, method: string): SipRequest[] {
  return agent.seen.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
}

/** A new INVITE from `from` to `sip:user@to`, with {@link CALLER_SDP} and the `extra` header fields. */
export function createTestInvite(
  from: CallAgent,
  to: CallAgent,
  user = 'bob',
  extra: Array<[string, string]> = [],
): SipRequest {
  const uri = parseUri(`sip:${user}@${to.host}`);
  if (!uri.ok) throw new SipError(uri.error.code, uri.error.message);
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
    body: Buffer.from(CALLER_SDP),
  });
}

/**
 * Makes `agent` a UAS that answers each INVITE per `plan`: statuses, each
 * with the delay before it (ms after the previous one); a 2xx carries
 * `body`. Returns the INVITEs it received, as they come.
 */
export function answerInvites(
  agent: CallAgent,
  plan: ReadonlyArray<readonly [status: number, afterMs: number]>,
  clock: ManualClock,
  body = CALLEE_SDP,
): ServerInvite[] {
  const got: ServerInvite[] = [];
  agent.layer.onInvite = (invite) => {
    got.push(invite);
    let at = 0;
    for (const [status, after] of plan) {
      at += after;
      clock.setTimer(at, () => {
        if (invite.state !== 'Proceeding') return;
        invite.respond(
          status,
          status >= 200 && status < 300
            ? { headers: [['Content-Type', 'application/sdp']], body: Buffer.from(body) }
            : {},
        );
      });
    }
  };
  return got;
}

/** The body of a message as text (latin1). */
export function bodyText(m: SipMessage): string {
  return Buffer.from(m.body).toString('latin1');
}
