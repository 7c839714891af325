import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAME } from '@sipbreakout/grpc-api';
import { WEB_TERMINAL_SERVICE_NAME } from '../../src/index.js';
import { startTerminalServer, type TerminalServer } from '../support/terminal-server.js';

/** The `buf` CLI of the `@bufbuild/buf` devDependency. */
const BUF = fileURLToPath(new URL('../../node_modules/.bin/buf', import.meta.url));

function buf(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BUF, [...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

describe('buf curl through reflection: one server, both services', () => {
  let ts: TerminalServer;
  beforeAll(async () => {
    // Fails, never skips, when buf is missing: the interop tier must run in CI.
    if (!existsSync(BUF)) throw new Error(`buf is missing at ${BUF}: run pnpm install (devDependency @bufbuild/buf)`);
    ts = await startTerminalServer();
  });
  afterAll(async () => {
    await ts.close();
  });

  it('--list-services lists SipBreakoutService and WebTerminalService', async () => {
    const result = await buf([
      'curl',
      '--protocol',
      'grpc',
      '--http2-prior-knowledge',
      '--list-services',
      `http://${ts.address}`,
    ]);
    expect(result.stderr).toBe('');
    const services = result.stdout.split('\n');
    expect(services).toContain(SERVICE_NAME);
    expect(services).toContain(WEB_TERMINAL_SERVICE_NAME);
  });

  it('--list-methods lists Pipe and MultiPipe, resolved from the reflected descriptors', async () => {
    const result = await buf([
      'curl',
      '--protocol',
      'grpc',
      '--http2-prior-knowledge',
      '--list-methods',
      `http://${ts.address}`,
    ]);
    expect(result.stderr).toBe('');
    const methods = result.stdout.trim().split('\n');
    expect(methods.filter((method) => method.startsWith(WEB_TERMINAL_SERVICE_NAME)).sort()).toEqual([
      `${WEB_TERMINAL_SERVICE_NAME}/MultiPipe`,
      `${WEB_TERMINAL_SERVICE_NAME}/Pipe`,
    ]);
  });
});
