import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePythonGrpc, runPython } from '@sipbreakout/test-peers';
import { loadWebTerminalPackage } from '../../src/index.js';
import { startTerminalServer, type TerminalServer } from '../support/terminal-server.js';

const SCRIPT = fileURLToPath(new URL('./python/web_terminal_pipe.py', import.meta.url));
const NUMBER = '+4799990100';
const CALLEE = '+4722334455';

interface Line {
  readonly kind?: string;
  readonly message?: Record<string, unknown>;
  readonly hex?: string;
  readonly status?: string;
  readonly details?: string;
}

type Step = { readonly send: unknown } | { readonly receive: true };

describe('Python grpcio drives a Pipe, schema from our descriptor set', () => {
  let ts: TerminalServer;
  let python: string;
  let dir: string;
  let descriptorSet: string;

  beforeAll(async () => {
    python = requirePythonGrpc();
    ts = await startTerminalServer();
    dir = await mkdtemp(join(tmpdir(), 'sipbreakout-web-terminal-'));
    descriptorSet = join(dir, 'webterminal.binpb');
    await writeFile(descriptorSet, loadWebTerminalPackage().descriptors.encodedSet);
  });
  afterAll(async () => {
    await ts.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (token: string | null, steps: readonly Step[], method = 'Pipe'): Promise<Line[]> => {
    const stdout = await runPython(
      python,
      [SCRIPT, descriptorSet, ts.address],
      JSON.stringify({ token, method, steps }),
    );
    return stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
  };

  it('gets Idle on open, sends an Offer and gets the Answer the call control gives, hangs up with Bye', async () => {
    ts.control.autoSdp = { ok: true, sdp: 'v=0 answer from the core' };
    const lines = await run(await ts.user(NUMBER), [
      { receive: true },
      { send: { offer: { sdp: 'v=0 offer from python', msisdn: { e164: CALLEE } } } },
      { receive: true },
      { send: { bye: {} } },
    ]);
    expect(lines[0]).toMatchObject({ kind: 'idle', message: { idle: {} }, hex: '2a00' });
    const request = ts.control.last('startOutgoing').request;
    expect(request).toMatchObject({ number: NUMBER, callee: CALLEE, sdp: 'v=0 offer from python' });
    expect(lines[1]).toMatchObject({
      kind: 'answer',
      message: { answer: { sdp: 'v=0 answer from the core' }, callId: request.callId },
    });
    expect(lines[2]).toEqual({ status: 'OK' });
    await expect.poll(() => ts.control.requests.at(-1)?.method).toBe('hangup');
    expect(ts.control.last('hangup').request).toMatchObject({ callId: request.callId, cause: 'bye' });
  });

  it('gets Bye when the call control refuses the call', async () => {
    ts.control.autoSdp = { ok: false, reason: '486 Busy Here' };
    const lines = await run(await ts.user(NUMBER), [
      { receive: true },
      { send: { offer: { sdp: 'v=0', msisdn: { e164: CALLEE } } } },
      { receive: true },
    ]);
    expect(lines.map((line) => line.kind ?? line.status)).toEqual(['idle', 'bye', 'OK']);
  });

  it('gets Error{INVALID_CALL_ID} on a MultiPipe call_id that is not a UUID, by enum name', async () => {
    const lines = await run(
      await ts.user(NUMBER),
      [{ send: { callId: 'call-1', offer: { sdp: 'v=0', msisdn: { e164: CALLEE } } } }, { receive: true }],
      'MultiPipe',
    );
    expect(lines[0]).toMatchObject({ kind: 'error', message: { error: { err: 'INVALID_CALL_ID' }, callId: 'call-1' } });
  });

  it('is refused UNAUTHENTICATED without a token', async () => {
    const lines = await run(null, [{ receive: true }]);
    expect(lines.at(-1)).toMatchObject({ status: 'UNAUTHENTICATED' });
  });
});
