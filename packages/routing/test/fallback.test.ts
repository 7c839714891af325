import { describe, expect, it } from 'vitest';
import { DEFAULT_FALLBACK_TIMEOUT_MS, fallbackTrigger } from '../src/index.js';

describe('fallbackTrigger', () => {
  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [408, 'no-answer'],
    [480, 'no-answer'],
    [200, undefined],
    [180, undefined],
    [404, undefined],
    [487, undefined],
    [503, undefined],
    [603, undefined],
  ] as const)('classifies a %i from the callee as %s', (status, trigger) => {
    expect(fallbackTrigger(status)).toBe(trigger);
  });

  it('waits 30 s for a 2xx by default', () => {
    expect(DEFAULT_FALLBACK_TIMEOUT_MS).toBe(30_000);
  });
});
