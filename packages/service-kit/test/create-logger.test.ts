import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, LOG_LEVELS } from '../src/create-logger.js';

function sink(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      out
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes JSON lines with the service and the pid, at the level asked', () => {
    const { stream, lines } = sink();
    const log = createLogger({ service: 'test-service', level: 'info', destination: stream });
    log.debug('hidden');
    log.info({ port: 5060 }, 'listening');
    expect(lines()).toEqual([
      expect.objectContaining({ service: 'test-service', pid: process.pid, level: 30, port: 5060, msg: 'listening' }),
    ]);
  });

  it('knows the levels pino knows', () => {
    expect(LOG_LEVELS).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
  });
});
