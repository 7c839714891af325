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

  it('answers and counts a refusal even when the refusal listener throws', () => {
    const { attach, hub } = setup({
      onRefusal: () => {
        throw new Error('listener defect');
      },
    });
    const a = attach('multi-pipe');
    expect(() => a.terminal.receive(offer('call-1', 'sdp', CALLEE))).not.toThrow();
    expect(a.stream.takeMessages()).toEqual([{ callId: 'call-1', error: { err: 'INVALID_CALL_ID' } }]);
    expect(hub.stats().refusals['invalid-call-id']).toBe(1);
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

describe('TerminalHub: racing Offers', () => {
  it('two terminals pulling the same call at once: the second gets TRY_AGAIN, the first gets the call', async () => {
    const { hub, attach, control, refusals } = setup();
    const a = attach('multi-pipe');
    const b = attach('multi-pipe');
    hub.callOnPhone({ number: NUMBER, callId: C1, remote: CALLEE });
    a.stream.take();
    b.stream.take();
    a.terminal.receive(offer(C1, 'sdp-a'));
    b.terminal.receive(offer(C1, 'sdp-b'));
    expect(b.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'TRY_AGAIN' } }]);
    expect(control.methods()).toEqual(['pullToTerminal']);
    expect(refusals.map((r) => r.reason)).toEqual(['offer-race']);
    control.last('pullToTerminal').resolve({ ok: true, sdp: 'for-a' });
    await settle();
    expect(a.stream.take()).toEqual([`answer:${C1}`]);
    expect(b.stream.take()).toEqual([]);
    // b is still an observer of the call, a is in it.
    hub.callEnded({ number: NUMBER, callId: C1 });
    expect(a.stream.take()).toEqual([`bye:${C1}`]);
    expect(b.stream.take()).toEqual([`idle:${C1}`]);
    expect(hub.stats().calls).toBe(0);
  });

  it('an Offer on a call still ringing is TRY_AGAIN and the offer rings on', () => {
    const { hub, attach, control } = setup();
    const a = attach('multi-pipe');
    hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp-caller' });
    a.stream.take();
    a.terminal.receive(offer(C1, 'pull-while-ringing'));
    a.terminal.receive(offer(C1, 'call-on-its-id', '+4700000000'));
    expect(a.stream.take()).toEqual([`error:${C1}`, `error:${C1}`]);
    expect(control.requests).toEqual([]);
    a.terminal.receive({ callId: C1, answer: { sdp: 'sdp-a' } });
    expect(control.last('answerIncoming').request).toMatchObject({ callId: C1, terminal: a.terminal.key });
    expect(hub.stats().refusals['offer-race']).toBe(2);
  });
});

describe('TerminalHub: Answer, Ringing and Bye without an Offer', () => {
  it('an Answer on a call the terminal only observes is UNKNOWN, and the call stays where it is', async () => {
    const { hub, attach, control } = setup();
    const a = attach('multi-pipe');
    hub.callOnPhone({ number: NUMBER, callId: C1, remote: CALLEE });
    a.stream.take();
    a.terminal.receive({ callId: C1, answer: { sdp: 'x' } });
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'UNKNOWN' } }]);
    expect(control.requests).toEqual([]);
    // Still on the phone: the terminal can pull it, and hears Idle when it ends.
    a.terminal.receive(offer(C1, 'sdp-a'));
    expect(control.methods()).toEqual(['pullToTerminal']);
    control.last('pullToTerminal').resolve({ ok: false, reason: 'refused' });
    await settle();
    expect(a.stream.take()).toEqual([`bye:${C1}`]);
    hub.callEnded({ number: NUMBER, callId: C1 });
    expect(a.stream.take()).toEqual([`idle:${C1}`]);
  });

  it('Ringing with no offer pending is UNKNOWN (own call, idle Pipe) or INVALID_CALL_ID (unknown call_id)', async () => {
    const { attach, control, refusals } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp', CALLEE));
    a.terminal.receive({ callId: C1, ringing: {} });
    a.terminal.receive({ callId: C2, ringing: {} });
    expect(a.stream.takeMessages()).toEqual([
      { callId: C1, error: { err: 'UNKNOWN' } },
      { callId: C2, error: { err: 'INVALID_CALL_ID' } },
    ]);
    const p = attach('pipe');
    p.stream.take();
    p.terminal.receive({ ringing: {} });
    expect(p.stream.takeMessages()).toEqual([{ callId: '', error: { err: 'UNKNOWN' } }]);
    expect(control.methods()).toEqual(['startOutgoing']);
    expect(refusals.map((r) => r.reason)).toEqual(['answer-without-offer', 'unknown-call', 'answer-without-offer']);
    // The call being set up went on regardless.
    control.last('startOutgoing').resolve({ ok: true, sdp: 'answer' });
    await settle();
    expect(a.stream.take()).toEqual([`answer:${C1}`]);
  });

  it('a terminal that declined an offer cannot answer it afterwards; the others still can', () => {
    const { hub, attach, control } = setup();
    const a = attach('multi-pipe');
    const b = attach('multi-pipe');
    hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp' });
    a.stream.take();
    a.terminal.receive({ callId: C1, bye: {} });
    a.terminal.receive({ callId: C1, answer: { sdp: 'too-late' } });
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'UNKNOWN' } }]);
    expect(control.methods()).toEqual(['hangup']);
    b.terminal.receive({ callId: C1, answer: { sdp: 'sdp-b' } });
    expect(control.last('answerIncoming').request.terminal).toBe(b.terminal.key);
  });

  it('a Bye on a call_id the number never had is INVALID_CALL_ID; a Bye on a call only observed is NOT_INCALL', () => {
    const { hub, attach, control } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive({ callId: C1, bye: {} });
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'INVALID_CALL_ID' } }]);
    hub.callOnPhone({ number: NUMBER, callId: C2, remote: CALLEE });
    expect(a.stream.take()).toEqual([`inCall:${C2}`]);
    a.terminal.receive({ callId: C2, bye: {} });
    expect(a.stream.takeMessages()).toEqual([{ callId: C2, error: { err: 'NOT_INCALL' } }]);
    expect(control.requests).toEqual([]);
    expect(hub.stats()).toMatchObject({ calls: 1, refusals: { 'unknown-call': 1, 'not-in-call': 1 } });
  });
});

describe('TerminalHub: unknown call_id from the core', () => {
  it('ringing, a renegotiation and an end on a call the hub does not hold change nothing and leave nothing behind', async () => {
    const { hub, attach } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp', CALLEE));
    a.stream.take();
    hub.remoteRinging({ number: NUMBER, callId: C2 });
    hub.remoteRinging({ number: '+4711111111', callId: C1 });
    expect(hub.remoteOffer({ number: '+4711111111', callId: C1, sdp: 'x' })).toBe(false);
    hub.callEnded({ number: NUMBER, callId: C2 });
    hub.callEnded({ number: '+4711111111', callId: C1 });
    expect(a.stream.take()).toEqual([]);
    expect(hub.stats()).toMatchObject({ attached: 1, calls: 1 });
    // A renegotiation while the call is still being set up is refused too: nothing to answer it yet.
    expect(hub.remoteOffer({ number: NUMBER, callId: C1, sdp: 'x' })).toBe(false);
    hub.callEnded({ number: NUMBER, callId: C1 });
    expect(a.stream.take()).toEqual([`bye:${C1}`]);
    a.terminal.detach();
    expect(hub.stats()).toMatchObject({ attached: 0, held: 0, calls: 0 });
  });

  it('an incoming call on a call_id the hub already holds is offered to no terminal', () => {
    const { hub, attach } = setup();
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp', CALLEE));
    a.stream.take();
    expect(hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp' })).toEqual([]);
    expect(a.stream.take()).toEqual([]);
  });
});

describe('TerminalHub: RATE_LIMIT_HIT', () => {
  it('an incoming call over the call limit is offered to no terminal', () => {
    const { hub, attach } = setup({ limits: { callsPerNumber: 1 } });
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp', CALLEE));
    a.stream.take();
    expect(hub.offerIncoming({ number: NUMBER, callId: C2, caller: CALLEE, sdp: 'sdp' })).toEqual([]);
    expect(a.stream.take()).toEqual([]);
    expect(hub.stats().calls).toBe(1);
  });

  it('a pull of a phone call over the call limit is RATE_LIMIT_HIT and the call stays on the phone', () => {
    const { hub, attach, control } = setup({ limits: { callsPerNumber: 1 } });
    const a = attach('multi-pipe');
    a.terminal.receive(offer(C1, 'sdp', CALLEE));
    hub.callOnPhone({ number: NUMBER, callId: C2, remote: CALLEE });
    a.stream.take();
    a.terminal.receive(offer(C2, 'pull'));
    expect(a.stream.takeMessages()).toEqual([{ callId: C2, error: { err: 'RATE_LIMIT_HIT' } }]);
    expect(control.methods()).toEqual(['startOutgoing']);
    expect(hub.stats().refusals['call-limit']).toBe(1);
  });

  it('counts the messages of all the number’s terminals, reports those dropped silently, and leaves other numbers alone', () => {
    const { hub, attach, refusals } = setup({ limits: { messagesPerSecond: 2 } });
    const a = attach('multi-pipe');
    for (let i = 0; i < 4; i++) a.terminal.receive({ callId: C1, bye: {} });
    expect(a.stream.take()).toEqual([`error:${C1}`, `error:${C1}`, `error:${C1}`]);
    expect(refusals.filter((r) => r.reason === 'rate-limit').map((r) => r.code)).toEqual(['RATE_LIMIT_HIT', undefined]);
    const other = new RecordingStream();
    const outcome = hub.attach({ number: '+4711111111', kind: 'multi-pipe', stream: other });
    if (!outcome.ok) throw new Error(outcome.reason);
    outcome.terminal.receive({ callId: C1, bye: {} });
    expect(other.takeMessages()).toEqual([{ callId: C1, error: { err: 'INVALID_CALL_ID' } }]);
    expect(hub.stats().refusals['rate-limit']).toBe(2);
  });
});

describe('TerminalHub: MultiPipe call_id', () => {
  it('every kind of message with a call_id that is not a UUID is INVALID_CALL_ID, and reaches no call', async () => {
    const { hub, attach, control } = setup();
    const a = attach('multi-pipe');
    hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp' });
    a.stream.take();
    const bad = C1.toUpperCase().replace(/-/g, '');
    for (const message of [
      { callId: bad, answer: { sdp: 'x' } },
      { callId: bad, ringing: {} },
      { callId: bad, bye: {} },
      { callId: bad, action: { toPhone: {} } },
      offer(bad, 'sdp'),
      { callId: `${C1} `, answer: { sdp: 'x' } },
    ])
      a.terminal.receive(message);
    expect(a.stream.take()).toEqual([
      `error:${bad}`,
      `error:${bad}`,
      `error:${bad}`,
      `error:${bad}`,
      `error:${bad}`,
      `error:${C1} `,
    ]);
    expect(a.stream.sent).toEqual([]);
    expect(control.requests).toEqual([]);
    expect(hub.stats().refusals['invalid-call-id']).toBe(6);
    // Upper-case hex is still a UUID: refused for naming no call, not for its shape.
    const upper = 'ABCDEF01-2345-4678-9ABC-DEF012345678';
    a.terminal.receive({ callId: upper, bye: {} });
    expect(a.stream.takeMessages()).toEqual([{ callId: upper, error: { err: 'INVALID_CALL_ID' } }]);
    expect(hub.stats().refusals).toMatchObject({ 'invalid-call-id': 6, 'unknown-call': 1 });
    // The offer rang on through all of it.
    a.terminal.receive({ callId: C1, answer: { sdp: 'sdp-a' } });
    expect(control.methods()).toEqual(['answerIncoming']);
  });
});

describe('TerminalHub: a busy Pipe', () => {
  it('is not offered a second incoming call while in one or while one rings; none is offered when all are busy', async () => {
    const { hub, attach, control } = setup();
    const p = attach('pipe');
    p.stream.take();
    expect(hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp' })).toEqual([p.terminal.key]);
    // Ringing: not offered another.
    expect(hub.offerIncoming({ number: NUMBER, callId: C2, caller: '+4700000000', sdp: 'sdp' })).toEqual([]);
    p.terminal.receive({ answer: { sdp: 'sdp-p' } });
    control.last('answerIncoming').resolve({ ok: true });
    await settle();
    expect(p.stream.take()).toEqual([`offer:${C1}`]);
    // In the call: still not offered another, and the number holds no trace of the refused ones.
    const C3 = '33333333-3333-4333-8333-333333333333';
    expect(hub.offerIncoming({ number: NUMBER, callId: C3, caller: '+4700000000', sdp: 'sdp' })).toEqual([]);
    expect(p.stream.take()).toEqual([]);
    expect(hub.stats().calls).toBe(1);
    // Free again: offered the next.
    p.terminal.receive({ bye: {} });
    expect(hub.offerIncoming({ number: NUMBER, callId: C3, caller: '+4700000000', sdp: 'sdp' })).toEqual([
      p.terminal.key,
    ]);
  });
});

describe('TerminalHub: a repeated Answer', () => {
  it('a terminal answering twice while its answer is with the core is refused, and then is in the call', async () => {
    const { hub, attach, control, refusals } = setup();
    const a = attach('multi-pipe');
    const b = attach('multi-pipe');
    hub.offerIncoming({ number: NUMBER, callId: C1, caller: CALLEE, sdp: 'sdp' });
    a.stream.take();
    b.stream.take();
    a.terminal.receive({ callId: C1, answer: { sdp: 'sdp-a' } });
    a.terminal.receive({ callId: C1, answer: { sdp: 'sdp-a' } });
    expect(a.stream.takeMessages()).toEqual([{ callId: C1, error: { err: 'UNKNOWN' } }]);
    expect(refusals.map((r) => r.reason)).toEqual(['answer-without-offer']);
    expect(control.methods()).toEqual(['answerIncoming']);
    control.last('answerIncoming').resolve({ ok: true });
    await settle();
    expect(a.stream.take()).toEqual([]);
    expect(b.stream.take()).toEqual([`bye:${C1}`, `inCall:${C1}`]);
    // a is in the call: its Bye ends it.
    a.terminal.receive({ callId: C1, bye: {} });
    expect(control.last('hangup').request).toMatchObject({ callId: C1, terminal: a.terminal.key, cause: 'bye' });
    expect(b.stream.take()).toEqual([`idle:${C1}`]);
    expect(hub.stats().calls).toBe(0);
  });
});

describe('TerminalHub: a defect while handling a message', () => {
  it('answers the message Error{UNKNOWN}, counts it, and the stream and the number go on', async () => {
    let fail = true;
    const { attach, control, hub } = setup({
      newCallId: () => {
        if (fail) throw new Error('defect');
        return C2;
      },
    });
    const p = attach('pipe');
    p.stream.take();
    p.terminal.receive(offer('', 'sdp', CALLEE));
    expect(p.stream.takeMessages()).toEqual([{ callId: '', error: { err: 'UNKNOWN' } }]);
    expect(hub.stats()).toMatchObject({ calls: 0, refusals: { 'bad-message': 1 } });
    expect(control.requests).toEqual([]);
    fail = false;
    p.terminal.receive(offer('', 'sdp', CALLEE));
    expect(control.last('startOutgoing').request).toMatchObject({ callId: C2, callee: CALLEE });
  });
});
