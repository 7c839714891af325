/**
 * The call controller on a virtual clock over an in-memory network: Alice
 * calls Bob, whose number has a FALLBACK registration; Bob rings and never
 * answers, and the FALLBACK no-answer timer (on the injected clock) cancels
 * leg 4 and sends the call to the TAS exactly when it runs out.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createRegistration, type Registration } from '@sipbreakout/routing';
import {
  DialogLayer,
  ManualClock,
  MemoryNetwork,
  parseUri,
  SipRequest,
  TransportLayer,
  type Destination,
  type ServerInvite,
  type SipMessage,
} from '@sipbreakout/sip-core';
import { CallController } from '../src/call-controller.js';
import { DEFAULT_TAS_FAILURE } from '../src/config-schema.js';
import { CoreMetrics } from '../src/core-metrics.js';
import { Leg2Table } from '../src/leg2-table.js';

const ALICE = '+4790000001';
const BOB = '+4790000002';
const EPOCH = Date.UTC(2030, 0, 1);
const FALLBACK_TIMEOUT_SECONDS = 30;

interface Agent {
  readonly host: string;
  readonly destination: Destination;
  readonly layer: DialogLayer;
  readonly seen: SipMessage[];
}

function agent(network: MemoryNetwork, clock: ManualClock, host: string): Agent {
  const transport = network.createTransport({ host, port: 5060 });
  const transportLayer = new TransportLayer({ transports: [transport] });
  const layer = new DialogLayer({ clock, transport: transportLayer });
  const seen: SipMessage[] = [];
  transportLayer.setReceiver({
    receive: (message, source) => {
      seen.push(message);
      layer.transactions.receive(message, source);
    },
  });
  void transportLayer.listen();
  return { host, destination: { protocol: 'UDP', host, port: 5060 }, layer, seen };
}

function starts(a: Agent): string[] {
  return a.seen.map((m) => (m.kind === 'request' ? m.method : `${m.status}/${m.cseq.method}`));
}

/** Lets the controller's promises (store lookup, TAS connection) settle between clock steps. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

function fallbackRegistration(): Registration {
  const created = createRegistration({
    phoneNumber: BOB,
    routeType: 'FALLBACK',
    sipUri: 'sips:tas.example.com',
    owner: 'test',
    expiresAt: EPOCH + 3_600_000,
  });
  if (!created.ok) throw new Error(created.error.code);
  return created.registration;
}

function setup() {
  const clock = new ManualClock({ wallNow: EPOCH });
  const network = new MemoryNetwork({ clock, seed: 7, conditions: { delay: 10 } });
  const alice = agent(network, clock, '10.0.0.1');
  const core = agent(network, clock, '10.0.0.2');
  const bob = agent(network, clock, '10.0.0.3');
  const tas = agent(network, clock, '10.0.0.4');
  const controller = new CallController({
    layer: core.layer,
    store: { lookup: async (number) => (number === BOB ? [fallbackRegistration()] : []) },
    leg2Table: new Leg2Table({ clock }),
    // The TAS "connection" is the in-memory agent: a UDP destination stands for the verified TLS one.
    tas: { connect: async () => ({ ok: true, target: tas.destination }) },
    nextHop: 'sip:10.0.0.3:5060;transport=udp',
    domain: 'core.example.net',
    routing: { fallbackTimeoutSeconds: FALLBACK_TIMEOUT_SECONDS, tasFailure: { ...DEFAULT_TAS_FAILURE } },
    retryAfterSeconds: 300,
    metrics: new CoreMetrics(),
    log: pino({ level: 'silent' }),
    clock,
  });
  core.layer.onInvite = controller.onInvite;
  // Bob rings and never answers; the TAS answers at once.
  const bobInvites: ServerInvite[] = [];
  bob.layer.onInvite = (invite) => {
    bobInvites.push(invite);
    invite.respond(180);
  };
  tas.layer.onInvite = (invite) =>
    invite.respond(200, { headers: [['Content-Type', 'application/sdp']], body: Buffer.from('v=0\r\n') });
  return { clock, alice, core, bob, tas, bobInvites };
}

function inviteTo(callee: string, from: Agent, to: Agent): SipRequest {
  const uri = parseUri(`sip:${callee}@${to.host}`);
  if (!uri.ok) throw new Error('bad uri');
  return new SipRequest({
    method: 'INVITE',
    uri: uri.uri,
    headers: [
      ['Max-Forwards', '70'],
      ['From', `<sip:${ALICE}@${from.host}>;tag=a1`],
      ['To', `<sip:${callee}@${to.host}>`],
      ['Call-ID', `fallback-1@${from.host}`],
      ['CSeq', '1 INVITE'],
      ['Contact', `<sip:alice@${from.host}>`],
      ['Content-Type', 'application/sdp'],
    ],
    body: Buffer.from('v=0\r\n'),
  });
}

describe('CallController: FALLBACK on the injected clock', () => {
  it('rings the callee, and only when the no-answer timeout runs out cancels leg 4 and sends the call to the TAS', async () => {
    const { clock, alice, core, bob, tas } = setup();
    alice.layer.invite(inviteTo(BOB, alice, core), { destination: core.destination });
    // Every datagram takes 10 ms: leg 4 reaches Bob 10 ms after the controller started it (and its timer).
    while (!starts(bob).includes('INVITE') && clock.now() < 1000) {
      clock.advance(1);
      await settle();
    }
    const deadline = clock.now() - 10 + FALLBACK_TIMEOUT_SECONDS * 1000;
    clock.advance(20);
    await settle();
    expect(starts(alice)).toContain('180/INVITE');

    clock.advance(deadline - 1 - clock.now());
    await settle();
    clock.advance(10);
    await settle();
    // 1 ms before the deadline nothing was sent: 10 ms later, nothing has arrived.
    expect(starts(tas)).toEqual([]);
    expect(starts(bob)).toEqual(['INVITE']);

    clock.advance(1);
    await settle();
    expect(starts(bob)).toEqual(['INVITE', 'CANCEL']);
    const toTas = tas.seen.find((m): m is SipRequest => m.kind === 'request' && m.method === 'INVITE');
    expect(toTas?.uri.kind === 'sip' ? `${toTas.uri.scheme}:${toTas.uri.user}@${toTas.uri.host}` : undefined).toBe(
      `sips:${BOB}@tas.example.com`,
    );
    for (let step = 0; step < 10; step++) {
      clock.advance(10);
      await settle();
    }
    expect(starts(alice)).toContain('200/INVITE');
  });
});
