import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChild } from '../src/lazy-logger.js';

function capture(level: string): { log: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    log: pino({ level }, stream),
    lines: () =>
      out
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('lazyChild', () => {
  it('makes no child (and reads no bindings) while every line is below the level', () => {
    const { log, lines } = capture('warn');
    let asked = 0;
    const lazy = lazyChild(log, () => {
      asked++;
      return { callId: 'c1' };
    });
    lazy.info('call routed');
    lazy.child({ face: 'mobile' }).debug('hidden');
    expect(asked).toBe(0);
    expect(lines()).toEqual([]);
  });

  it('writes as pino.child would, with the bindings of every level of children', () => {
    const { log, lines } = capture('info');
    const lazy = lazyChild(log, () => ({ callId: 'c1' }));
    lazy.info({ status: 486 }, 'call failed');
    lazy.child({ sessionId: 's1' }).warn('TAS unreachable');
    expect(
      lines().map(({ callId, sessionId, status, msg, level }) => ({ callId, sessionId, status, msg, level })),
    ).toEqual([
      { callId: 'c1', sessionId: undefined, status: 486, msg: 'call failed', level: 30 },
      { callId: 'c1', sessionId: 's1', status: undefined, msg: 'TAS unreachable', level: 40 },
    ]);
    expect(lazy.isLevelEnabled('debug')).toBe(false);
    expect(lazy.level).toBe('info');
  });
});
