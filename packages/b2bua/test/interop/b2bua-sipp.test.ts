/**
 * SIPp as caller → our B2BUA (two legs: two dialogs, two Call-IDs) → SIPp
 * as callee, over UDP on loopback, bounded in calls and time. SIPp must be
 * installed: without it these tests fail.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DialogLayer, SystemClock, TransportLayer, UdpTransport } from '@sipbreakout/sip-core';
import { B2buaCall } from '../../src/b2bua-call.js';
import { requireSipp, runSipp, sippPorts, sippScenario, withTimewait } from '@sipbreakout/test-peers';

const scenario = sippScenario;

interface Core {
  readonly layer: DialogLayer;
  readonly transport: TransportLayer;
  readonly port: number;
  readonly counters: { calls: number; answered: number; ended: number; failed: number };
}

let core: Core | undefined;
afterEach(async () => {
  core?.layer.close();
  await core?.transport.close();
  core = undefined;
});

async function startCore(calleePort: number): Promise<Core> {
  const udp = new UdpTransport({ host: '127.0.0.1', port: 0, recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  const transport = new TransportLayer({ transports: [udp] });
  const layer = new DialogLayer({ clock: new SystemClock(), transport });
  transport.setReceiver(layer.transactions);
  const counters = { calls: 0, answered: 0, ended: 0, failed: 0 };
  layer.onInvite = (invite) => {
    counters.calls++;
    const call = new B2buaCall(layer, invite);
    call.onEvent((e) => {
      if (e.kind === 'answered') counters.answered++;
      else if (e.kind === 'ended') counters.ended++;
      else if (e.kind === 'failed') counters.failed++;
    });
    call.addLeg({
      destination: { protocol: 'UDP', host: '127.0.0.1', port: calleePort },
      uri: `sip:callee@127.0.0.1:${calleePort}`,
    });
  };
  await transport.listen();
  return { layer, transport, port: udp.local.port, counters };
}

async function callThrough(calls: number, rate: number, extra: string[] = [], uas = scenario('uas-ack-optional.xml')) {
  const callee = await sippPorts();
  const caller = await sippPorts();
  const c = await startCore(callee.sip);
  core = c;
  const uasRun = runSipp(
    [
      '-sf',
      uas,
      '-t',
      'u1',
      '-i',
      '127.0.0.1',
      '-p',
      String(callee.sip),
      '-cp',
      String(callee.control),
      '-mp',
      String(callee.media),
      '-m',
      String(calls),
      '-timeout',
      '50s',
      '-timeout_error',
      ...extra,
    ],
    58,
  );
  await new Promise((r) => setTimeout(r, 300));
  const uacRun = runSipp(
    [
      '-sf',
      scenario('uac-txn.xml'),
      `127.0.0.1:${c.port}`,
      '-t',
      'u1',
      '-i',
      '127.0.0.1',
      '-p',
      String(caller.sip),
      '-cp',
      String(caller.control),
      '-mp',
      String(caller.media),
      '-m',
      String(calls),
      '-r',
      String(rate),
      '-timeout',
      '50s',
      '-timeout_error',
      ...extra,
    ],
    58,
  );
  const [uac, uasResult] = await Promise.all([uacRun, uasRun]);
  return { uac, uas: uasResult, core: c };
}

describe('interop: SIPp UAC → our B2BUA → SIPp UAS', () => {
  beforeAll(() => requireSipp());

  it('completes 200 calls at 50 calls/s over UDP, each leg its own dialog', async () => {
    const { uac, uas, core: c } = await callThrough(200, 50);
    expect(uac.timedOut, uac.output.slice(-2000)).toBe(false);
    expect(uac.exitCode, uac.output.slice(-2000)).toBe(0);
    expect(uac.successful).toBe(200);
    expect(uac.failed).toBe(0);
    expect(uas.timedOut, uas.output.slice(-2000)).toBe(false);
    expect(uas.exitCode, uas.output.slice(-2000)).toBe(0);
    expect(uas.successful).toBe(200);
    expect(c.counters).toEqual({ calls: 200, answered: 200, ended: 200, failed: 0 });
  }, 70_000);

  it('completes 100 calls at 20 calls/s with 5% of packets lost by both SIPps (-lost 5)', async () => {
    const {
      uac,
      uas,
      core: c,
    } = await callThrough(100, 20, ['-lost', '5'], withTimewait(scenario('uas-ack-optional.xml'), 16_000));
    expect(uac.timedOut, uac.output.slice(-2000)).toBe(false);
    expect(uac.exitCode, uac.output.slice(-2500)).toBe(0);
    expect(uac.successful).toBe(100);
    expect(uas.timedOut, uas.output.slice(-2000)).toBe(false);
    expect(uas.successful, uas.output.slice(-2500)).toBe(100);
    expect(c.counters.answered).toBe(100);
    expect(c.counters.ended).toBe(100);
  }, 70_000);
});
