import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { stopOnSignals, type SignalTarget } from '../src/shutdown-signals.js';

function fakeProcess(): SignalTarget & { readonly exits: number[]; send(signal: NodeJS.Signals): void } {
  const listeners = new Map<string, (signal: NodeJS.Signals) => void>();
  const exits: number[] = [];
  return {
    exits,
    on: (signal, listener) => listeners.set(signal, listener),
    exit: (code) => {
      exits.push(code);
    },
    send: (signal) => listeners.get(signal)?.(signal),
  };
}

const log = pino({ level: 'silent' });

describe('stopOnSignals', () => {
  it('shuts down on SIGTERM and exits 0', async () => {
    const target = fakeProcess();
    let shutdowns = 0;
    stopOnSignals({ log, target, shutdown: async () => void shutdowns++ });
    target.send('SIGTERM');
    await vi.waitFor(() => expect(target.exits).toEqual([0]));
    expect(shutdowns).toBe(1);
  });

  it('exits 1 when the shutdown fails', async () => {
    const target = fakeProcess();
    stopOnSignals({ log, target, shutdown: () => Promise.reject(new Error('store would not close')) });
    target.send('SIGINT');
    await vi.waitFor(() => expect(target.exits).toEqual([1]));
  });

  it('exits 1 at once on a second signal, while the first still drains', () => {
    const target = fakeProcess();
    stopOnSignals({ log, target, shutdown: () => new Promise<void>(() => undefined) });
    target.send('SIGTERM');
    expect(target.exits).toEqual([]);
    target.send('SIGINT');
    expect(target.exits).toEqual([1]);
  });
});
