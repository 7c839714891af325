/**
 * A web terminal's outgoing call through `TerminalCalls`, against real
 * peers (each missing one fails the test): werift as the terminal (on
 * 127.0.0.1 only), a real rtpengine as the media relay (userspace), and SIPp
 * as the callee at the mobile next hop, playing A-law audio from the ACK on
 * and sending back every RTP packet it gets (`-rtp_echo`). SIPp's audio
 * reaches the terminal through rtpengine in SRTP; the terminal's RTP reaches
 * SIPp in plain RTP (its echoes are counted by rtpengine); the terminal's
 * hangup ends the call with BYE and deletes the media session.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isMediaRelayError, NgClient, parseSdp } from '@sipbreakout/media';
import { DialogLayer, SystemClock, TransportLayer, UdpTransport } from '@sipbreakout/sip-core';
import {
  freePort,
  requireSipp,
  startRtpengine,
  waitFor,
  WebRtcTerminal,
  type Rtpengine,
} from '@sipbreakout/test-peers';
import { NO_MEDIA_RELAY_REASON, TerminalCalls, type TerminalMediaRelay } from '../../src/terminal-calls.js';
import { parseNextHop } from '../../src/next-hop.js';
import { directRouter } from '../../src/terminal-route.js';
import { bob, loggedMessages, scenario } from '../support/sip-peers.js';

const NUMBER = '+4790000001';
const CALLEE = '+4790000002';
const PACKETS = 100;
/** The RTP packets in Debian's /usr/share/sip-tester/g711a.pcap, which the callee plays. */
const SIPP_AUDIO_PACKETS = 236;

describe('TerminalCalls: a terminal calls out through rtpengine to a SIPp callee', () => {
  let rtpengine: Rtpengine;
  let client: NgClient;
  let transport: TransportLayer;
  let layer: DialogLayer;
  let dir: string;
  let terminal: WebRtcTerminal | undefined;
  /** The ng commands the calls sent, by command and the session's Call-ID. */
  const commands: Array<{ command: string; callId: string }> = [];
  const relay: TerminalMediaRelay = {
    offer: (request) => (commands.push({ command: 'offer', callId: request.callId }), client.offer(request)),
    answer: (request) => (commands.push({ command: 'answer', callId: request.callId }), client.answer(request)),
    delete: (request) => (commands.push({ command: 'delete', callId: request.callId }), client.delete(request)),
  };
  const events = { ringing: [] as string[], ended: [] as string[] };
  const hubEvents = {
    remoteRinging: (r: { callId: string }) => void events.ringing.push(r.callId),
    callEnded: (r: { callId: string }) => void events.ended.push(r.callId),
  };

  beforeAll(async () => {
    requireSipp();
    rtpengine = await startRtpengine();
    client = await NgClient.open({ address: { host: '127.0.0.1', port: rtpengine.ngPort } });
    const udp = new UdpTransport({ host: '127.0.0.1', port: 0 });
    transport = new TransportLayer({ transports: [udp] });
    layer = new DialogLayer({ clock: new SystemClock(), transport });
    transport.setReceiver(layer.transactions);
    await transport.listen();
    dir = await mkdtemp(join(tmpdir(), 'terminal-calls-'));
  });
  afterEach(async () => {
    await terminal?.close();
    terminal = undefined;
    commands.length = 0;
    events.ringing.length = 0;
    events.ended.length = 0;
  });
  afterAll(async () => {
    layer?.close();
    await transport?.close();
    await client?.close();
    await rtpengine?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /**
   * The RTP packets rtpengine received from the callee's side of call
   * `callId` (its `query`, every stream summed); the callee's side is the tag
   * SIPp wrote in its answer (`<pid>uas<call number>`).
   */
  async function packetsFromCallee(callId: string): Promise<number> {
    const reply = await client.request({ command: 'query', 'call-id': callId });
    const tags = reply.dictionary.get('tags');
    const tag = tags instanceof Map ? [...tags.keys()].find((t) => /^\d+uas\d+$/.test(String(t))) : undefined;
    expect(tag, 'the callee side in rtpengine').toBeDefined();
    const side = tags instanceof Map && tag !== undefined ? tags.get(tag) : undefined;
    const medias = side instanceof Map ? side.get('medias') : undefined;
    let packets = 0;
    for (const media of Array.isArray(medias) ? medias : []) {
      const streams = media instanceof Map ? media.get('streams') : undefined;
      for (const stream of Array.isArray(streams) ? streams : []) {
        const stats = stream instanceof Map ? stream.get('stats') : undefined;
        const count = stats instanceof Map ? stats.get('packets') : undefined;
        if (typeof count === 'number') packets += count;
      }
    }
    return packets;
  }

  /** The calls toward a callee on `port`, through the recording relay unless `withoutRelay`. */
  const calls = (port: number, withoutRelay = false): TerminalCalls =>
    new TerminalCalls({
      layer,
      router: directRouter(parseNextHop(`sip:127.0.0.1:${port}`)),
      domain: 'breakout.test',
      mediaRelay: withoutRelay ? undefined : relay,
      events: hubEvents,
      log: pino({ level: 'silent' }),
    });

  it('the call is answered, RTP goes to the callee and back, hangup sends BYE and deletes the media session', {
    timeout: 40_000,
  }, async () => {
    const port = await freePort('udp');
    const callee = await bob({
      dir,
      name: 'callee',
      port,
      seconds: 30,
      scenarioFile: scenario('answering-uas-audio.xml'),
      args: ['-rtp_echo'],
    });
    const terminalCalls = calls(port);
    terminal = WebRtcTerminal.open({ codecs: ['PCMA'] });
    const callId = randomUUID();

    const outcome = await terminalCalls.startOutgoing({
      number: NUMBER,
      callId,
      terminal: 'terminal-1',
      callee: CALLEE,
      sdp: await terminal.createOffer(),
    });
    // On a failure, SIPp's own account (did it bind its ports, did the INVITE reach it) beside the reason.
    expect(outcome.ok, outcome.ok ? '' : `${outcome.reason}\n${await callee.report()}`).toBe(true);
    if (!outcome.ok) return;
    expect(events.ringing).toEqual([callId]);
    const forTerminal = parseSdp(outcome.sdp).media[0];
    expect(forTerminal?.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(forTerminal?.fingerprint?.type).toBe('sha-256');
    expect(terminalCalls.size).toBe(1);

    await terminal.acceptAnswer(outcome.sdp);
    expect(await terminal.waitConnected(10_000), `werift ${terminal.connectionState}`).toBe(true);
    expect(await terminal.sendAudio({ packets: PACKETS })).toBe(PACKETS);
    // SIPp plays its audio (236 packets) from the ACK on; rtpengine sends it on to the terminal in SRTP.
    await waitFor(() => terminal !== undefined && terminal.received >= PACKETS, 8000, 20);
    expect(terminal.received, 'RTP from SIPp at the terminal').toBeGreaterThanOrEqual(PACKETS);
    expect(terminal.received).toBeLessThanOrEqual(SIPP_AUDIO_PACKETS + PACKETS);
    expect([...terminal.receivedPayloadTypes]).toEqual([8]);
    // The terminal's RTP reached SIPp in plain RTP: SIPp sent each packet back (-rtp_echo), which rtpengine counts
    // as received from SIPp's side, beside the audio it played.
    const fromCallee = await packetsFromCallee(commands[0]?.callId as string);
    expect(fromCallee, 'RTP rtpengine received from SIPp').toBeGreaterThanOrEqual(SIPP_AUDIO_PACKETS / 2 + PACKETS / 2);

    terminalCalls.hangup({ number: NUMBER, callId, terminal: 'terminal-1', cause: 'bye' });
    const result = await callee.result;
    expect(result.successful, result.output).toBe(1);
    expect(result.failed).toBe(0);
    expect(terminalCalls.size).toBe(0);
    // Our hangup is not reported back as the callee's.
    expect(events.ended).toEqual([]);

    // What the callee got: an INVITE with the number as caller and plain RTP/AVP, then a BYE.
    const received = loggedMessages(await callee.messages()).filter((m) => m.received);
    const invite = received.find((m) => m.text.startsWith('INVITE '))?.text ?? '';
    expect(invite).toMatch(new RegExp(`^INVITE sip:\\${CALLEE}@127\\.0\\.0\\.1:${port} SIP/2\\.0`));
    expect(invite).toMatch(new RegExp(`^P-Asserted-Identity: <sip:\\${NUMBER}@breakout\\.test>`, 'mi'));
    expect(invite).toMatch(/^m=audio \d+ RTP\/AVP /m);
    expect(invite).not.toMatch(/a=fingerprint|a=candidate|a=ice-/);
    expect(received.some((m) => m.text.startsWith('BYE '))).toBe(true);

    const session = commands[0]?.callId as string;
    expect(commands).toEqual([
      { command: 'offer', callId: session },
      { command: 'answer', callId: session },
      { command: 'delete', callId: session },
    ]);
    await waitFor(
      async () => {
        const gone = await client
          .delete({ callId: session, fromTag: 'x', options: { flags: ['fatal'] } })
          .catch((e: unknown) => e);
        return isMediaRelayError(gone, 'MEDIA_RELAY_ERR_REFUSED');
      },
      2000,
      50,
    );
    const gone = await client
      .delete({ callId: session, fromTag: 'x', options: { flags: ['fatal'] } })
      .catch((e: unknown) => e);
    expect(isMediaRelayError(gone, 'MEDIA_RELAY_ERR_REFUSED'), 'the media session is gone').toBe(true);
  });

  it('a busy callee: the terminal is told the status, the media session is deleted', { timeout: 30_000 }, async () => {
    const port = await freePort('udp');
    const callee = await bob({ dir, name: 'busy', port, seconds: 20, scenarioFile: scenario('busy-uas.xml') });
    const terminalCalls = calls(port);
    terminal = WebRtcTerminal.open({ codecs: ['PCMU'] });
    const outcome = await terminalCalls.startOutgoing({
      number: NUMBER,
      callId: randomUUID(),
      terminal: 'terminal-1',
      callee: CALLEE,
      sdp: await terminal.createOffer(),
    });
    expect(outcome, await callee.report()).toEqual({ ok: false, reason: '486 Busy Here' });
    expect((await callee.result).successful).toBe(1);
    expect(terminalCalls.size).toBe(0);
    expect(commands.map((c) => c.command)).toEqual(['offer', 'delete']);
  });

  it('a hangup while the callee rings cancels the INVITE and deletes the media session', {
    timeout: 30_000,
  }, async () => {
    const port = await freePort('udp');
    const callee = await bob({
      dir,
      name: 'ringing',
      port,
      seconds: 20,
      scenarioFile: scenario('ringing-uas-cancelled.xml'),
    });
    const terminalCalls = calls(port);
    terminal = WebRtcTerminal.open({ codecs: ['PCMU'] });
    const callId = randomUUID();
    const outcome = terminalCalls.startOutgoing({
      number: NUMBER,
      callId,
      terminal: 'terminal-1',
      callee: CALLEE,
      sdp: await terminal.createOffer(),
    });
    expect(await waitFor(() => events.ringing.length === 1, 5000)).toBe(true);
    terminalCalls.hangup({ number: NUMBER, callId, terminal: 'terminal-1', cause: 'stream-lost' });
    expect(await outcome, await callee.report()).toEqual({ ok: false, reason: '487 Request Terminated' });
    const result = await callee.result;
    expect(result.successful, result.output).toBe(1);
    expect(terminalCalls.size).toBe(0);
    expect(commands.map((c) => c.command)).toEqual(['offer', 'delete']);
  });

  it('without a media relay a terminal call is refused with the reason, and nothing is sent', async () => {
    const terminalCalls = calls(await freePort('udp'), true);
    const before = layer.size;
    const outcome = await terminalCalls.startOutgoing({
      number: NUMBER,
      callId: randomUUID(),
      terminal: 'terminal-1',
      callee: CALLEE,
      sdp: 'v=0\r\n',
    });
    expect(outcome).toEqual({ ok: false, reason: NO_MEDIA_RELAY_REASON });
    expect(layer.size).toBe(before);
    expect(terminalCalls.size).toBe(0);
  });

  it('a callee that is not an E.164 number is refused before the media relay is asked', async () => {
    const outcome = await calls(await freePort('udp')).startOutgoing({
      number: NUMBER,
      callId: randomUUID(),
      terminal: 'terminal-1',
      callee: 'sip:evil@example.com',
      sdp: 'v=0\r\n',
    });
    expect(outcome.ok).toBe(false);
    expect(commands).toEqual([]);
  });
});
