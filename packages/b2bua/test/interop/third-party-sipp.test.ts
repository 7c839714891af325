/**
 * Third-party call control against SIPp over UDP on loopback: a call
 * answered by the application while a SIPp phone rings (the phone gets a
 * CANCEL with Reason cause=200, RFC 3326), the caller's re-INVITE answered
 * by the held leg's offer handler, and a call moved from the application
 * to a SIPp phone after RFC 3725 flow I (INVITE without SDP, offer in the
 * 200, answer in the ACK) with SIPp as the re-INVITEd party. The SIPp
 * scenarios check what they receive (`check_it`): a missing Reason, a
 * wrong body or an offer where none belongs fails the run.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DialogLayer, SystemClock, TransportLayer, UdpTransport } from '@sipbreakout/sip-core';
import { requireSipp, runSipp, sippPorts, type SippResult } from '@sipbreakout/test-peers';
import { B2buaCall } from '../../src/b2bua-call.js';
import type { HeldLeg } from '../../src/held-leg.js';
import { type MoveToNewLegResult, moveToNewLeg } from '../../src/move-leg.js';

const scenario = (name: string): string => fileURLToPath(new URL(`./scenarios/${name}`, import.meta.url));
const enc = (text: string) => new TextEncoder().encode(text);
const TERMINAL_SDP =
  'v=0\r\no=terminal 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n';
const APP_ANSWER =
  'v=0\r\no=terminal 1 2 IN IP4 127.0.0.1\r\ns=answered-by-app\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=recvonly\r\n';

interface Core {
  readonly layer: DialogLayer;
  readonly transport: TransportLayer;
  readonly port: number;
}

let core: Core | undefined;
afterEach(async () => {
  core?.layer.close();
  await core?.transport.close();
  core = undefined;
});

async function startCore(onInvite: (layer: DialogLayer, call: B2buaCall) => void): Promise<Core> {
  const udp = new UdpTransport({ host: '127.0.0.1', port: 0 });
  const transport = new TransportLayer({ transports: [udp] });
  const layer = new DialogLayer({ clock: new SystemClock(), transport });
  transport.setReceiver(layer.transactions);
  layer.onInvite = (invite) => onInvite(layer, new B2buaCall(layer, invite));
  await transport.listen();
  core = { layer, transport, port: udp.local.port };
  return core;
}

async function sipp(scenarioFile: string, ports: { sip: number; control: number; media: number }, target?: string) {
  return runSipp(
    [
      '-sf',
      scenarioFile,
      ...(target === undefined ? [] : [target, '-s', 'terminal']),
      '-t',
      'u1',
      '-i',
      '127.0.0.1',
      '-p',
      String(ports.sip),
      '-cp',
      String(ports.control),
      '-mp',
      String(ports.media),
      '-m',
      '1',
      '-timeout',
      '20s',
      '-timeout_error',
    ],
    28,
  );
}

function expectPassed(run: SippResult): void {
  expect(run.timedOut, run.output.slice(-2500)).toBe(false);
  expect(run.exitCode, run.output.slice(-2500)).toBe(0);
  expect(run.successful, run.output.slice(-2500)).toBe(1);
}

describe('interop: third-party call control with SIPp', () => {
  beforeAll(() => requireSipp());

  it("answers a call itself while a SIPp phone rings (CANCEL with Reason cause=200), then answers the caller's re-INVITE through the offer handler", async () => {
    const phonePorts = await sippPorts();
    const callerPorts = await sippPorts();
    const seen = { offers: [] as string[], ended: 0 };
    const c = await startCore((_layer, call) => {
      call.setRingingLocally(true);
      call.addLeg({ destination: { protocol: 'UDP', host: '127.0.0.1', port: phonePorts.sip }, name: 'phone' });
      // The terminal answers 300 ms later, while the phone rings.
      setTimeout(() => {
        const result = call.answerLocally({ sdp: enc(TERMINAL_SDP) });
        if (!result.answered) return;
        result.held.onOffer((offer) => {
          seen.offers.push(new TextDecoder().decode(offer.sdp));
          return { sdp: enc(APP_ANSWER) };
        });
        result.held.onEvent((e) => e.kind === 'ended' && seen.ended++);
      }, 300);
    });
    const phone = sipp(scenario('phone-cancelled-elsewhere.xml'), phonePorts);
    await new Promise((r) => setTimeout(r, 300));
    const caller = sipp(scenario('caller-reinvite.xml'), callerPorts, `127.0.0.1:${c.port}`);
    const [phoneRun, callerRun] = await Promise.all([phone, caller]);
    expectPassed(phoneRun);
    expectPassed(callerRun);
    expect(seen.offers).toHaveLength(1);
    expect(seen.offers[0]).toContain('a=sendonly');
    expect(seen.ended).toBe(1);
  }, 40_000);

  it('moves a call from the application to a SIPp phone (RFC 3725 flow I) with SIPp as the re-INVITEd party', async () => {
    const phonePorts = await sippPorts();
    const partyPorts = await sippPorts();
    let moved: Promise<MoveToNewLegResult> | undefined;
    let ended = 0;
    const c = await startCore((layer, call) => {
      const result = call.answerLocally({ sdp: enc(TERMINAL_SDP) });
      if (!result.answered) return;
      const held: HeldLeg = result.held;
      // The terminal pushes the call to the phone once the party's ACK is in.
      setTimeout(() => {
        moved = moveToNewLeg(held, {
          layer,
          target: {
            uri: `sip:+4790000001@127.0.0.1:${phonePorts.sip}`,
            destination: { protocol: 'UDP', host: '127.0.0.1', port: phonePorts.sip },
            from: '<sip:+4711111111@127.0.0.1>',
            name: 'phone',
          },
          pair: { onEnd: () => ended++ },
        });
      }, 300);
    });
    const phone = sipp(scenario('phone-offer-in-200.xml'), phonePorts);
    await new Promise((r) => setTimeout(r, 300));
    const party = sipp(scenario('party-reinvited.xml'), partyPorts, `127.0.0.1:${c.port}`);
    const [phoneRun, partyRun] = await Promise.all([phone, party]);
    expectPassed(phoneRun);
    expectPassed(partyRun);
    expect((await moved)?.moved).toBe(true);
    expect(ended).toBe(1);
  }, 40_000);
});
