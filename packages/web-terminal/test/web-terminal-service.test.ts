import { credentials, makeGenericClientConstructor, status, type Client, type ServiceDefinition } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CALL_CONTROL_ANSWER_AND_INITIATE,
  loadWebTerminalPackage,
  WEB_TERMINAL_METHOD_PATHS,
  WEB_TERMINAL_SCOPES,
} from '../src/index.js';
import {
  metadataOf,
  startTerminalServer,
  terminalClient,
  TestTerminal,
  type TerminalServer,
} from './support/terminal-server.js';

const NUMBER = '+4799990001';
const CALLEE = '+4722334455';
const C1 = '11111111-1111-4111-8111-111111111111';
const C2 = '22222222-2222-4222-8222-222222222222';

describe('WebTerminalService over grpc-js', () => {
  let ts: TerminalServer;
  let client: ReturnType<typeof terminalClient>;
  beforeAll(async () => {
    ts = await startTerminalServer({ limits: { terminalsPerNumber: 3, messagesPerSecond: 1000 } });
    client = terminalClient(ts.address);
  });
  afterAll(async () => {
    client.close();
    await ts.close();
  });

  const pipe = (metadata: ReturnType<typeof metadataOf>) => new TestTerminal(client.Pipe(metadata));
  const multi = (metadata: ReturnType<typeof metadataOf>) => new TestTerminal(client.MultiPipe(metadata));

  describe('authorisation', () => {
    const cases: [string, () => Promise<ReturnType<typeof metadataOf>>, status][] = [
      ['no token', async () => metadataOf(undefined), status.UNAUTHENTICATED],
      ['a token from an unknown key', async () => metadataOf('eyJhbGciOiJFUzI1NiJ9.e30.c2ln'), status.UNAUTHENTICATED],
      [
        'a token without the scope',
        async () => metadataOf(await ts.user(NUMBER, 'call.routing:write')),
        status.PERMISSION_DENIED,
      ],
      [
        'a user token naming another number',
        async () => metadataOf(await ts.user(NUMBER), { 'wg2-msisdn': '+4799990002' }),
        status.PERMISSION_DENIED,
      ],
      ['a client token without wg2-msisdn', async () => metadataOf(await ts.client()), status.PERMISSION_DENIED],
      [
        'a client token with a malformed wg2-msisdn',
        async () => metadataOf(await ts.client(), { 'wg2-msisdn': '99990001' }),
        status.INVALID_ARGUMENT,
      ],
      [
        'a client token with a number its policy does not allow',
        async () => metadataOf(await ts.client(), { 'wg2-msisdn': '+4611112222' }),
        status.PERMISSION_DENIED,
      ],
      [
        'a malformed wg2-terminal-id',
        async () => metadataOf(await ts.user(NUMBER), { 'wg2-terminal-id': 'has space' }),
        status.INVALID_ARGUMENT,
      ],
    ];
    for (const [name, metadata, code] of cases) {
      it(`${name}: ${status[code]} on Pipe and MultiPipe`, async () => {
        expect((await pipe(await metadata()).ended).code).toBe(code);
        expect((await multi(await metadata()).ended).code).toBe(code);
      });
    }

    it('a client token attaches to the number in wg2-msisdn when its policy allows it', async () => {
      const t = pipe(metadataOf(await ts.client(), { 'wg2-msisdn': '+4799990009' }));
      expect(await t.next()).toEqual({ idle: {}, callId: '', message: 'idle' });
      t.stream.end();
      expect((await t.ended).code).toBe(status.OK);
    });

    it('the scope the code enforces is the one the .proto carries on both methods', () => {
      const service = loadWebTerminalPackage().service;
      for (const name of ['Pipe', 'MultiPipe'] as const) {
        const options = (service[name] as unknown as { options: Record<string, unknown> }).options;
        expect(options['(wgtwo.scope)']).toBe(CALL_CONTROL_ANSWER_AND_INITIATE);
        expect(WEB_TERMINAL_SCOPES[name]).toEqual([CALL_CONTROL_ANSWER_AND_INITIATE]);
        expect(service[name]?.path).toBe(WEB_TERMINAL_METHOD_PATHS[name]);
      }
    });
  });

  it('Pipe: Idle on open, an Offer answered through the port, Bye hangs up; call_id ignored', async () => {
    const t = pipe(metadataOf(await ts.user(NUMBER)));
    expect((await t.next()).message).toBe('idle');
    t.send({ callId: 'not-a-uuid', offer: { sdp: 'v=0 terminal', msisdn: { e164: CALLEE } } });
    await expect.poll(() => ts.control.methods().at(-1)).toBe('startOutgoing');
    const request = ts.control.last('startOutgoing');
    expect(request.request).toMatchObject({ number: NUMBER, callee: CALLEE, sdp: 'v=0 terminal' });
    request.resolve({ ok: true, sdp: 'v=0 remote' });
    const answer = await t.next();
    expect(answer).toMatchObject({ message: 'answer', answer: { sdp: 'v=0 remote' }, callId: request.request.callId });
    t.send({ callId: 'whatever', bye: {} });
    await expect.poll(() => ts.control.methods().at(-1)).toBe('hangup');
    expect(ts.control.last('hangup').request).toMatchObject({ callId: request.request.callId, cause: 'bye' });
    t.stream.end();
    expect((await t.ended).code).toBe(status.OK);
  });

  it('Pipe: InCall at once when the number is in a call on the phone, Idle when it ends', async () => {
    const number = '+4799990003';
    ts.hub.callOnPhone({ number, callId: C1, remote: CALLEE });
    const t = pipe(metadataOf(await ts.user(number)));
    expect(await t.next()).toMatchObject({ message: 'inCall', callId: C1, inCall: { msisdn: { e164: CALLEE } } });
    ts.hub.callEnded({ number, callId: C1 });
    expect(await t.next()).toMatchObject({ message: 'idle', callId: C1 });
    t.stream.end();
  });

  it('MultiPipe: nothing on open; a bad call_id is INVALID_CALL_ID and the stream goes on; observers see InCall', async () => {
    const number = '+4799990004';
    const a = multi(metadataOf(await ts.user(number)));
    const b = multi(metadataOf(await ts.user(number)));
    expect(await a.nothingMore()).toEqual([]);
    a.send({ callId: 'call-1', offer: { sdp: 'v=0', msisdn: { e164: CALLEE } } });
    expect(await a.next()).toMatchObject({ message: 'error', error: { err: 'INVALID_CALL_ID' }, callId: 'call-1' });
    a.send({ callId: C1, offer: { sdp: 'v=0', msisdn: { e164: CALLEE } } });
    expect(await b.next()).toMatchObject({ message: 'inCall', callId: C1, inCall: { msisdn: { e164: CALLEE } } });
    a.send({ callId: C1, offer: { sdp: 'v=0 again', msisdn: { e164: CALLEE } } });
    expect(await a.next()).toMatchObject({ message: 'error', error: { err: 'TRY_AGAIN' }, callId: C1 });
    a.send({ callId: C2, action: { toPhone: {} } });
    expect(await a.next()).toMatchObject({ message: 'error', error: { err: 'NOT_INCALL' }, callId: C2 });
    a.send({ callId: C2, answer: { sdp: 'v=0' } });
    expect(await a.next()).toMatchObject({ message: 'error', error: { err: 'INVALID_CALL_ID' }, callId: C2 });
    ts.control.last('startOutgoing').resolve({ ok: false, reason: '404' });
    expect(await a.next()).toMatchObject({ message: 'bye', callId: C1 });
    expect(await b.next()).toMatchObject({ message: 'idle', callId: C1 });
    a.stream.end();
    b.stream.end();
  });

  it('bytes that do not decode are answered Error{UNKNOWN}, and the stream goes on', async () => {
    const number = '+4799990005';
    const raw = client.makeBidiStreamRequest<Buffer, Buffer>(
      WEB_TERMINAL_METHOD_PATHS.MultiPipe,
      (bytes) => bytes,
      (bytes) => bytes,
      metadataOf(await ts.user(number)),
    );
    const got: Buffer[] = [];
    raw.on('data', (bytes: Buffer) => got.push(bytes));
    raw.on('error', () => {});
    // Field 1 (offer), length-delimited, claiming 100 bytes that never come.
    raw.write(Buffer.from([0x0a, 0x64, 0x01]));
    await expect.poll(() => got.length).toBe(1);
    const decode = loadWebTerminalPackage().service.MultiPipe?.responseDeserialize;
    expect(decode?.(got[0] as Buffer)).toMatchObject({ message: 'error', error: { err: 'INVALID_CALL_ID' } });
    const encode = loadWebTerminalPackage().service.MultiPipe?.requestSerialize;
    raw.write(encode?.({ callId: C1 }) as Buffer);
    await expect.poll(() => got.length).toBe(2);
    expect(decode?.(got[1] as Buffer)).toMatchObject({ message: 'error', error: { err: 'UNKNOWN' }, callId: C1 });
    raw.end();
  });

  it('one terminal over the per-number limit is RESOURCE_EXHAUSTED', async () => {
    const number = '+4799990006';
    const token = await ts.user(number);
    const open = [pipe(metadataOf(token)), pipe(metadataOf(token)), pipe(metadataOf(token))];
    for (const t of open) await t.next();
    const fourth = pipe(metadataOf(token));
    expect((await fourth.ended).code).toBe(status.RESOURCE_EXHAUSTED);
    for (const t of open) t.stream.end();
  });

  it('a dropped MultiPipe with wg2-terminal-id keeps its call through the grace and asks for it back', async () => {
    const number = '+4799990007';
    const token = await ts.user(number);
    const first = multi(metadataOf(token, { 'wg2-terminal-id': 'tab-1' }));
    first.send({ callId: C1, offer: { sdp: 'v=0 a', msisdn: { e164: CALLEE } } });
    await expect.poll(() => ts.control.last('startOutgoing').request.number).toBe(number);
    ts.control.last('startOutgoing').resolve({ ok: true, sdp: 'v=0 remote' });
    expect((await first.next()).message).toBe('answer');
    const before = ts.control.requests.length;
    first.stream.cancel();
    await expect.poll(() => ts.hub.stats().held).toBe(1);
    expect(ts.control.requests.length).toBe(before);
    const back = multi(metadataOf(token, { 'wg2-terminal-id': 'tab-1' }));
    expect(await back.next()).toMatchObject({ message: 'inCall', callId: C1 });
    back.send({ callId: C1, offer: { sdp: 'v=0 new media' } });
    await expect.poll(() => ts.control.requests.at(-1)?.method).toBe('pullToTerminal');
    ts.control.last('pullToTerminal').resolve({ ok: true, sdp: 'v=0 re-answer' });
    expect(await back.next()).toMatchObject({ message: 'answer', answer: { sdp: 'v=0 re-answer' }, callId: C1 });
    back.send({ callId: C1, bye: {} });
    await expect.poll(() => ts.control.requests.at(-1)?.method).toBe('hangup');
    back.stream.end();
  });

  it('a dropped Pipe without an identity ends its call as its Bye would', async () => {
    const number = '+4799990008';
    const t = pipe(metadataOf(await ts.user(number)));
    await t.next();
    t.send({ offer: { sdp: 'v=0', msisdn: { e164: CALLEE } } });
    await expect.poll(() => ts.control.last('startOutgoing').request.number).toBe(number);
    ts.control.last('startOutgoing').resolve({ ok: true, sdp: 'v=0 remote' });
    await t.next();
    t.stream.cancel();
    await expect.poll(() => ts.control.requests.at(-1)?.method).toBe('hangup');
    expect(ts.control.last('hangup').request).toMatchObject({ number, cause: 'stream-lost' });
  });
});

describe('WebTerminalService health', () => {
  it('is SERVING beside the breakout API', async () => {
    const ts = await startTerminalServer();
    const Health = makeGenericClientConstructor(healthService as unknown as ServiceDefinition, 'Health');
    const health = new Health(ts.address, credentials.createInsecure()) as unknown as Client & {
      Check(request: { service: string }, callback: (error: Error | null, response?: { status: string }) => void): void;
    };
    const check = (name: string) =>
      new Promise<string>((resolve, reject) =>
        health.Check({ service: name }, (error, response) =>
          error === null ? resolve(response?.status ?? '') : reject(error),
        ),
      );
    expect(await check('wgtwo.webterminal.v0.WebTerminalService')).toBe('SERVING');
    expect(await check('wgtwo.sipbreakout.v1.SipBreakoutService')).toBe('SERVING');
    const open = new TestTerminal(terminalClient(ts.address).Pipe(metadataOf(await ts.user('+4799990011'))));
    await open.next();
    const closing = ts.server.shutdown({ graceMs: 2000 });
    // The drain ended the stream: health had turned first.
    expect((await open.ended).code).toBe(status.UNAVAILABLE);
    await closing;
    health.close();
  });
});

describe('WebTerminalService backpressure', () => {
  it('ends the stream of a terminal that does not read with RESOURCE_EXHAUSTED, and it leaves the hub', async () => {
    const ts = await startTerminalServer({ limits: { callsPerNumber: 100 } }, { maxQueuedMessages: 4 });
    const client = terminalClient(ts.address);
    const number = '+4799990012';
    // No 'data' listener: the client reads nothing, HTTP/2 flow control fills, the server's queue grows.
    const stream = client.MultiPipe(metadataOf(await ts.user(number)));
    stream.on('error', () => {});
    await expect.poll(() => ts.hub.stats().attached).toBe(1);
    const sdp = `v=0\r\n${'a=x\r\n'.repeat(40_000)}`;
    for (let i = 0; i < 60 && ts.hub.stats().attached === 1; i++) {
      ts.hub.offerIncoming({
        number,
        callId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        caller: '+4722334455',
        sdp,
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await expect.poll(() => ts.hub.stats().attached).toBe(0);
    // Its offers were withdrawn with it: the process keeps nothing for a terminal that is gone.
    expect(ts.control.methods().filter((method) => method === 'hangup').length).toBeGreaterThan(0);
    stream.cancel();
    client.close();
    await ts.close();
  });
});

describe('WebTerminalService shutdown', () => {
  it('ends every open stream with UNAVAILABLE when the server drains', async () => {
    const ts = await startTerminalServer();
    const client = terminalClient(ts.address);
    const t = new TestTerminal(client.MultiPipe(metadataOf(await ts.user('+4799990010'))));
    await expect.poll(() => ts.hub.stats().attached).toBe(1);
    const closing = ts.server.shutdown({ graceMs: 5000 });
    expect((await t.ended).code).toBe(status.UNAVAILABLE);
    await closing;
    client.close();
  });
});
