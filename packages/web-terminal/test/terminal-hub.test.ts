import { describe, expect, it } from 'vitest';
import { ManualClock } from '@sipbreakout/sip-core/clock';
import { TerminalHub, type PipeKind, type TerminalHubOptions, type TerminalRefusal } from '../src/index.js';
import { FakeCallControl, RecordingStream, settle } from './support/fake-call-control.js';

const NUMBER = '+4799990000';
const CALLEE = '+4722334455';
const C1 = '11111111-1111-4111-8111-111111111111';
const C2 = '22222222-2222-4222-8222-222222222222';

function setup(options: Partial<TerminalHubOptions> = {}) {
  const clock = new ManualClock();
  const control = new FakeCallControl();
  const refusals: TerminalRefusal[] = [];
  let ids = 0;
  const hub = new TerminalHub({
    clock,
    control,
    newCallId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    onRefusal: (r) => refusals.push(r),
    ...options,
  });
  const attach = (kind: PipeKind, identity?: string) => {
    const stream = new RecordingStream();
    const outcome = hub.attach({ number: NUMBER, kind, identity, stream });
    if (!outcome.ok) throw new Error(outcome.reason);
    return { stream, terminal: outcome.terminal };
  };
  return { clock, control, hub, refusals, attach };
}

const offer = (callId: string, sdp: string, msisdn?: string) => ({
  callId,
  offer: msisdn === undefined ? { sdp } : { sdp, msisdn: { e164: msisdn } },
});

describe('TerminalHub: opening', () => {
  it('tells a Pipe Idle at once when the number is in no call', () => {
    const { attach } = setup();
    expect(attach('pipe').stream.take()).toEqual(['idle:']);
  });

  it('tells a Pipe InCall at once, with the other party, when the number is in a call on the phone', () => {
    const { hub, attach } = setup();
    hub.callOnPhone({ number: NUMBER, callId: C1, remote: CALLEE });
    const { stream } = attach('pipe');
    expect(stream.takeMessages()).toEqual([{ callId: C1, inCall: { msisdn: { e164: CALLEE } } }]);
  });

  it('tells a MultiPipe nothing on open, then InCall when the number gets into a call elsewhere', () => {
    const { hub, attach } = setup();
    const { stream } = attach('multi-pipe');
    expect(stream.take()).toEqual([]);
    hub.callOnPhone({ number: NUMBER, callId: C1, remote: CALLEE });
    expect(stream.take()).toEqual([`inCall:${C1}`]);
    hub.callEnded({ number: NUMBER, callId: C1 });
    expect(stream.take()).toEqual([`idle:${C1}`]);
  });

  it('refuses a terminal over the per-number limit', () => {
    const { hub, attach } = setup({ limits: { terminalsPerNumber: 2 } });
    attach('pipe');
    attach('multi-pipe');
    const third = hub.attach({ number: NUMBER, kind: 'pipe', stream: new RecordingStream() });
    expect(third).toEqual({ ok: false, reason: 'too-many-terminals' });
    expect(hub.attach({ number: '+4711111111', kind: 'pipe', stream: new RecordingStream() }).ok).toBe(true);
  });
});

describe('TerminalHub: outgoing calls', () => {
  it('places a MultiPipe call, relays the answer, tells the other terminals, and ends it on Bye', async () => {
    const { control, attach } = setup();
    const a = attach('multi-pipe');
    const b = attach('multi-pipe');
    const p = attach('pipe');
    p.stream.take();
    a.terminal.receive(offer(C1, 'sdp-a', CALLEE));
    expect(control.last('startOutgoing').request).toMatchObject({
      number: NUMBER,
      callId: C1,
      callee: CALLEE,
      sdp: 'sdp-a',
      terminal: a.terminal.key,
    });
    expect(b.stream.takeMessages()).toEqual([{ callId: C1, inCall: { msisdn: { e164: CALLEE } } }]);
    expect(p.stream.take()).toEqual([`inCall:${C1}`]);
    control.last('startOutgoing').resolve({ ok: true, sdp: 'sdp-remote' });
    await settle();
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, answer: { sdp: 'sdp-remote' } }]);
    a.terminal.receive({ callId: C1, bye: {} });
    expect(control.last('hangup').request).toMatchObject({ callId: C1, cause: 'bye' });
    expect(a.stream.take()).toEqual([]);
    expect(b.stream.take()).toEqual([`idle:${C1}`]);
    expect(p.stream.take()).toEqual([`idle:${C1}`]);
  });

  it('sends Bye when the call fails, and tells the observers Idle', async () => {
    const { control, attach } = setup();
    const a = attach('multi-pipe');
    const b = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp-a', CALLEE));
    b.stream.take();
    control.last('startOutgoing').resolve({ ok: false, reason: '486 Busy Here' });
    await settle();
    expect(a.stream.take()).toEqual([`bye:${C1}`]);
    expect(b.stream.take()).toEqual([`idle:${C1}`]);
    expect(control.methods()).toEqual(['startOutgoing']);
  });

  it('relays the callee alerting as Ringing', () => {
    const { hub, attach } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp-a', CALLEE));
    hub.remoteRinging({ number: NUMBER, callId: C1 });
    expect(a.stream.take()).toEqual([`ringing:${C1}`]);
  });

  it('ignores call_id on a Pipe (the call gets an id of its own) and refuses a second call while busy', async () => {
    const { control, attach, refusals } = setup();
    const p = attach('pipe');
    p.stream.take();
    p.terminal.receive(offer('not-a-uuid', 'sdp', CALLEE));
    const callId = control.last('startOutgoing').request.callId;
    expect(callId).toBe('00000000-0000-4000-8000-000000000001');
    p.terminal.receive(offer('', 'sdp2', '+4700000000'));
    expect(p.stream.takeMessages()).toEqual([{ callId: '', error: { err: 'TRY_AGAIN' } }]);
    expect(refusals.map((r) => r.reason)).toEqual(['busy']);
    control.last('startOutgoing').resolve({ ok: true, sdp: 'answer' });
    await settle();
    // Answer, Bye and Action address the Pipe's one call whatever their call_id.
    p.terminal.receive({ callId: 'whatever', bye: {} });
    expect(control.last('hangup').request).toMatchObject({ callId, cause: 'bye' });
  });

  it('answers a second Offer racing on the same call_id with TRY_AGAIN and lets the first go on', async () => {
    const { control, attach, hub } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'first', CALLEE));
    a.terminal.receive(offer(C1, 'second', CALLEE));
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'TRY_AGAIN' } }]);
    expect(control.methods()).toEqual(['startOutgoing']);
    control.last('startOutgoing').resolve({ ok: true, sdp: 'answer' });
    await settle();
    expect(a.stream.take()).toEqual([`answer:${C1}`]);
    expect(hub.stats().refusals['offer-race']).toBe(1);
  });

  it('refuses a call over the per-number call limit with RATE_LIMIT_HIT', () => {
    const { attach, control } = setup({ limits: { callsPerNumber: 1 } });
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp', CALLEE));
    a.terminal.receive(offer(C2, 'sdp', CALLEE));
    expect(a.stream.takeMessages()).toEqual([{ callId: C2, error: { err: 'RATE_LIMIT_HIT' } }]);
    expect(control.methods()).toEqual(['startOutgoing']);
  });
});

describe('TerminalHub: validation', () => {
  it('refuses a MultiPipe call_id that is not a UUID with INVALID_CALL_ID, and counts it', () => {
    const { attach, control, hub } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive(offer('call-1', 'sdp', CALLEE));
    a.terminal.receive({ callId: '', bye: {} });
    expect(a.stream.takeMessages()).toEqual([
      { callId: 'call-1', error: { err: 'INVALID_CALL_ID' } },
      { callId: '', error: { err: 'INVALID_CALL_ID' } },
    ]);
    expect(control.requests).toEqual([]);
    expect(hub.stats().refusals['invalid-call-id']).toBe(2);
  });

  it('refuses an unknown call_id with INVALID_CALL_ID but lets a late Bye on a call just ended pass', async () => {
    const { attach, control } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive({ callId: C1, answer: { sdp: 'x' } });
    expect(a.stream.take()).toEqual([`error:${C1}`]);
    a.terminal.receive(offer(C2, 'sdp', CALLEE));
    control.last('startOutgoing').resolve({ ok: false, reason: 'gone' });
    await settle();
    expect(a.stream.take()).toEqual([`bye:${C2}`]);
    a.terminal.receive({ callId: C2, bye: {} });
    expect(a.stream.take()).toEqual([]);
  });

  it('refuses an Answer with no offer pending with UNKNOWN, leaving the call as it was', async () => {
    const { attach, control } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp', CALLEE));
    control.last('startOutgoing').resolve({ ok: true, sdp: 'answer' });
    await settle();
    a.stream.take();
    a.terminal.receive({ callId: C1, answer: { sdp: 'x' } });
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'UNKNOWN' } }]);
    a.terminal.receive({ callId: C1, bye: {} });
    expect(control.methods()).toEqual(['startOutgoing', 'hangup']);
    const p = attach('pipe');
    expect(p.stream.take()).toEqual(['idle:']);
    p.terminal.receive({ answer: { sdp: 'x' } });
    expect(p.stream.takeMessages()).toEqual([{ callId: '', error: { err: 'UNKNOWN' } }]);
  });

  it('answers Action{toPhone} outside a call with NOT_INCALL', () => {
    const { attach, refusals } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive({ callId: C1, action: { toPhone: {} } });
    const p = attach('pipe');
    p.stream.take();
    p.terminal.receive({ action: { toPhone: {} } });
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'NOT_INCALL' } }]);
    expect(p.stream.takeMessages()).toEqual([{ callId: '', error: { err: 'NOT_INCALL' } }]);
    expect(refusals.map((r) => r.reason)).toEqual(['not-in-call', 'not-in-call']);
  });

  it('answers messages only the server sends, empty messages and empty SDP with UNKNOWN', () => {
    const { attach, hub } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive({ callId: C1, idle: {} });
    a.terminal.receive({ callId: C1, inCall: {} });
    a.terminal.receive({ callId: C1, error: { err: 'TRY_AGAIN' } });
    a.terminal.receive({ callId: C1 });
    a.terminal.receive(offer(C1, '', CALLEE));
    expect(a.stream.take()).toEqual(Array(5).fill(`error:${C1}`));
    expect(hub.stats().refusals['unexpected-message']).toBe(3);
    expect(hub.stats().refusals['bad-message']).toBe(2);
  });

  it('answers the first message over the rate with RATE_LIMIT_HIT, drops the rest of that second, then takes messages again', () => {
    const { attach, clock, hub } = setup({ limits: { messagesPerSecond: 3 } });
    const a = attach('multi-pipe');
    const b = attach('multi-pipe');
    for (let i = 0; i < 3; i++) a.terminal.receive({ callId: C1, idle: {} });
    a.stream.take();
    b.terminal.receive({ callId: C1, idle: {} });
    b.terminal.receive({ callId: C1, idle: {} });
    expect(b.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'RATE_LIMIT_HIT' } }]);
    clock.advance(1000);
    b.terminal.receive({ callId: C1, idle: {} });
    expect(b.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'UNKNOWN' } }]);
    expect(hub.stats().refusals['rate-limit']).toBe(2);
  });

  it('keeps the stream and its state when the call control throws', async () => {
    const { attach, control } = setup();
    control.hangup = () => {
      throw new Error('defect');
    };
    control.startOutgoing = () => {
      throw new Error('defect');
    };
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp', CALLEE));
    await settle();
    expect(a.stream.take()).toEqual([`bye:${C1}`]);
  });
});

describe('TerminalHub: incoming calls', () => {
  it('offers the call to every terminal that can take it; a busy Pipe is not offered', async () => {
    const { hub, attach, control } = setup();
    const busy = attach('pipe');
    busy.terminal.receive(offer('', 'sdp', CALLEE));
    const idlePipe = attach('pipe');
    const multi = attach('multi-pipe');
    idlePipe.stream.take();
    multi.stream.take();
    const offered = hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp-caller' });
    expect(offered).toEqual([idlePipe.terminal.key, multi.terminal.key]);
    expect(multi.stream.takeMessages()).toEqual([
      { callId: C1, offer: { sdp: 'sdp-caller', msisdn: { e164: CALLEE } } },
    ]);
    expect(idlePipe.stream.take()).toEqual([`offer:${C1}`]);
    multi.terminal.receive({ callId: C1, ringing: {} });
    expect(control.last('ringing').request).toMatchObject({ callId: C1, terminal: multi.terminal.key });
  });

  it('first answer wins: a second answer gets Bye, the others get Bye then InCall', async () => {
    const { hub, attach, control } = setup();
    const a = attach('multi-pipe');
    const b = attach('multi-pipe');
    const c = attach('multi-pipe');
    hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp-caller' });
    for (const t of [a, b, c]) t.stream.take();
    a.terminal.receive({ callId: C1, answer: { sdp: 'sdp-a' } });
    b.terminal.receive({ callId: C1, answer: { sdp: 'sdp-b' } });
    expect(b.stream.take()).toEqual([`bye:${C1}`]);
    expect(control.methods()).toEqual(['answerIncoming']);
    control.last('answerIncoming').resolve({ ok: true });
    await settle();
    expect(a.stream.take()).toEqual([]);
    expect(b.stream.take()).toEqual([`inCall:${C1}`]);
    expect(c.stream.take()).toEqual([`bye:${C1}`, `inCall:${C1}`]);
    hub.callEnded({ number: NUMBER, callId: C1 });
    expect(a.stream.take()).toEqual([`bye:${C1}`]);
    expect(c.stream.take()).toEqual([`idle:${C1}`]);
  });

  it('withdraws the offer when the phone answers first', () => {
    const { hub, attach } = setup();
    const a = attach('multi-pipe');
    hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp-caller' });
    a.stream.take();
    hub.callOnPhone({ number: NUMBER, callId: C1, remote: CALLEE });
    expect(a.stream.take()).toEqual([`bye:${C1}`, `inCall:${C1}`]);
  });

  it('a terminal that declines with Bye leaves the others ringing', () => {
    const { hub, attach, control } = setup();
    const a = attach('multi-pipe');
    const b = attach('multi-pipe');
    hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp' });
    a.terminal.receive({ callId: C1, bye: {} });
    expect(control.last('hangup').request).toMatchObject({ terminal: a.terminal.key, cause: 'bye' });
    b.stream.take();
    b.terminal.receive({ callId: C1, answer: { sdp: 'sdp-b' } });
    expect(control.last('answerIncoming').request.terminal).toBe(b.terminal.key);
  });
});

describe('TerminalHub: in a call', () => {
  async function inCall() {
    const s = setup();
    const a = s.attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp-a', CALLEE));
    s.control.last('startOutgoing').resolve({ ok: true, sdp: 'answer' });
    await settle();
    a.stream.take();
    return { ...s, a };
  }

  it('relays a remote renegotiation as an Offer on the call and the terminal Answer back', async () => {
    const { hub, a, control } = await inCall();
    expect(hub.remoteOffer({ number: NUMBER, callId: C1, sdp: 're-offer' })).toBe(true);
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, offer: { sdp: 're-offer' } }]);
    a.terminal.receive({ callId: C1, answer: { sdp: 're-answer' } });
    expect(control.last('answerRenegotiation').request).toMatchObject({ callId: C1, sdp: 're-answer' });
    a.terminal.receive({ callId: C1, answer: { sdp: 'again' } });
    expect(a.stream.take()).toEqual([`error:${C1}`]);
    expect(hub.remoteOffer({ number: NUMBER, callId: C2, sdp: 'x' })).toBe(false);
  });

  it('pushes the call to the phone: the terminal is told InCall, later Idle', async () => {
    const { hub, a, control } = await inCall();
    a.terminal.receive({ callId: C1, action: { toPhone: {} } });
    expect(control.last('pushToPhone').request).toMatchObject({ callId: C1 });
    a.terminal.receive({ callId: C1, action: { toPhone: {} } });
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'TRY_AGAIN' } }]);
    control.last('pushToPhone').resolve({ ok: true });
    await settle();
    expect(a.stream.take()).toEqual([`inCall:${C1}`]);
    hub.callEnded({ number: NUMBER, callId: C1 });
    expect(a.stream.take()).toEqual([`idle:${C1}`]);
  });

  it('a failed push leaves the call on the terminal with TRY_AGAIN', async () => {
    const { a, control } = await inCall();
    a.terminal.receive({ callId: C1, action: { toPhone: {} } });
    control.last('pushToPhone').resolve({ ok: false, reason: 'phone did not answer' });
    await settle();
    expect(a.stream.take()).toEqual([`error:${C1}`]);
    a.terminal.receive({ callId: C1, bye: {} });
    expect(control.last('hangup').request.cause).toBe('bye');
  });

  it('pulls a call from another terminal: Answer to the puller, Bye then InCall to the one it left', async () => {
    const { a, control, attach } = await inCall();
    const b = attach('multi-pipe');
    b.terminal.receive(offer(C1, 'sdp-b'));
    expect(control.last('pullToTerminal').request).toMatchObject({
      callId: C1,
      sdp: 'sdp-b',
      terminal: b.terminal.key,
    });
    control.last('pullToTerminal').resolve({ ok: true, sdp: 'for-b' });
    await settle();
    expect(b.stream.takeMessages()).toEqual([{ callId: C1, answer: { sdp: 'for-b' } }]);
    expect(a.stream.take()).toEqual([`bye:${C1}`, `inCall:${C1}`]);
  });
});

describe('TerminalHub: pull from the phone', () => {
  it('a Pipe pulls the call it was told of; a failed pull answers Bye and the call stays', async () => {
    const { hub, attach, control } = setup();
    hub.callOnPhone({ number: NUMBER, callId: C1, remote: CALLEE });
    const p = attach('pipe');
    p.stream.take();
    p.terminal.receive(offer('', 'sdp-p'));
    control.last('pullToTerminal').resolve({ ok: false, reason: 'refused' });
    await settle();
    expect(p.stream.take()).toEqual([`bye:${C1}`]);
    p.terminal.receive(offer('', 'sdp-p2'));
    expect(control.last('pullToTerminal').request).toMatchObject({ callId: C1, sdp: 'sdp-p2' });
    control.last('pullToTerminal').resolve({ ok: true, sdp: 'for-p' });
    await settle();
    expect(p.stream.take()).toEqual([`answer:${C1}`]);
  });

  it('a pull with no call to take is NOT_INCALL (Pipe) or INVALID_CALL_ID (MultiPipe)', () => {
    const { attach } = setup();
    const p = attach('pipe');
    p.stream.take();
    p.terminal.receive(offer('', 'sdp'));
    const m = attach('multi-pipe');
    m.terminal.receive(offer(C1, 'sdp'));
    expect(p.stream.takeMessages()).toEqual([{ callId: '', error: { err: 'NOT_INCALL' } }]);
    expect(m.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'INVALID_CALL_ID' } }]);
  });
});

describe('TerminalHub: a stream that drops', () => {
  async function established(identity?: string) {
    const s = setup({ reattachGraceMs: 5000 });
    const a = s.attach('multi-pipe', identity);
    const observer = s.attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp-a', CALLEE));
    s.control.last('startOutgoing').resolve({ ok: true, sdp: 'answer' });
    await settle();
    a.stream.take();
    observer.stream.take();
    return { ...s, a, observer };
  }

  it('ends the calls of a terminal without an identity as its Bye would', async () => {
    const { a, observer, control, hub } = await established();
    a.terminal.detach();
    expect(control.last('hangup').request).toMatchObject({ callId: C1, cause: 'stream-lost' });
    expect(observer.stream.take()).toEqual([`idle:${C1}`]);
    expect(hub.stats()).toMatchObject({ attached: 1, held: 0, calls: 0 });
  });

  it('holds the call for the grace, and a reattach of the same identity asks for it back', async () => {
    const { a, observer, control, hub, attach, clock } = await established('phone-1');
    a.terminal.detach();
    expect(control.methods()).toEqual(['startOutgoing']);
    expect(hub.stats()).toMatchObject({ attached: 1, held: 1, calls: 1 });
    clock.advance(4000);
    const back = attach('multi-pipe', 'phone-1');
    expect(back.terminal.key).toBe(a.terminal.key);
    expect(back.stream.takeMessages()).toEqual([{ callId: C1, inCall: { msisdn: { e164: CALLEE } } }]);
    back.terminal.receive(offer(C1, 'new-media'));
    expect(control.last('pullToTerminal').request).toMatchObject({ callId: C1, sdp: 'new-media' });
    clock.advance(5000);
    expect(control.methods()).toEqual(['startOutgoing', 'pullToTerminal']);
    control.last('pullToTerminal').resolve({ ok: true, sdp: 'answer-2' });
    await settle();
    expect(back.stream.take()).toEqual([`answer:${C1}`]);
    expect(observer.stream.take()).toEqual([]);
    back.terminal.receive({ callId: C1, bye: {} });
    expect(observer.stream.take()).toEqual([`idle:${C1}`]);
  });

  it('ends a held call when the grace runs out', async () => {
    const { a, observer, control, clock, hub } = await established('phone-1');
    a.terminal.detach();
    clock.advance(4999);
    expect(control.methods()).toEqual(['startOutgoing']);
    clock.advance(1);
    expect(control.last('hangup').request).toMatchObject({ callId: C1, cause: 'stream-lost' });
    expect(observer.stream.take()).toEqual([`idle:${C1}`]);
    expect(hub.stats()).toMatchObject({ attached: 1, held: 0, calls: 0 });
  });

  it('a second attach of a live identity takes over: the old stream is closed, its calls held', async () => {
    const { a, attach, control } = await established('phone-1');
    const b = attach('multi-pipe', 'phone-1');
    expect(a.stream.closed).toMatch(/replaced/);
    expect(b.stream.take()).toEqual([`inCall:${C1}`]);
    a.terminal.receive({ callId: C1, bye: {} });
    expect(control.methods()).toEqual(['startOutgoing']);
  });

  it('a Pipe with an identity reattaches to its call: InCall instead of Idle, and asks for it back without a call_id', async () => {
    const s = setup();
    const p = s.attach('pipe', 'app-1');
    p.terminal.receive(offer('', 'sdp', CALLEE));
    const callId = s.control.last('startOutgoing').request.callId;
    s.control.last('startOutgoing').resolve({ ok: true, sdp: 'answer' });
    await settle();
    p.terminal.detach();
    const back = s.attach('pipe', 'app-1');
    expect(back.stream.take()).toEqual([`inCall:${callId}`]);
    back.terminal.receive(offer('', 'sdp-again'));
    expect(s.control.last('pullToTerminal').request).toMatchObject({ callId, sdp: 'sdp-again' });
  });

  it('a terminal whose answer wins after its stream dropped holds the call (identity) or ends it (none)', async () => {
    const s = setup();
    const a = s.attach('multi-pipe', 'tab-a');
    const b = s.attach('multi-pipe');
    s.hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp' });
    s.hub.offerIncoming({ number: NUMBER, callId: C2, caller: CALLEE, sdp: 'sdp' });
    a.terminal.receive({ callId: C1, answer: { sdp: 'a' } });
    b.terminal.receive({ callId: C2, answer: { sdp: 'b' } });
    a.terminal.detach();
    b.terminal.detach();
    for (const request of s.control.requests.filter((r) => r.method === 'answerIncoming'))
      request.resolve({ ok: true });
    await settle();
    const hangups = s.control.requests.filter((r) => r.method === 'hangup').map((r) => r.request);
    // Each declined the other's call when it dropped; b's answered C2 ended at once; a's C1 is held.
    expect(hangups).toEqual([
      expect.objectContaining({ callId: C2, terminal: a.terminal.key, cause: 'stream-lost' }),
      expect.objectContaining({ callId: C1, terminal: b.terminal.key, cause: 'stream-lost' }),
      expect.objectContaining({ callId: C2, terminal: b.terminal.key, cause: 'stream-lost' }),
    ]);
    expect(s.hub.stats()).toMatchObject({ held: 1, calls: 1 });
  });
});
