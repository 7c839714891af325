/**
 * A child logger that exists only once a line is written at an enabled
 * level. pino's `child()` serializes its bindings at once; made for every
 * call (Call-ID, Session-ID, face), that was a visible share of the core's
 * time under load when the level (`warn`, `error`) hides every line of a
 * normal call.
 */
import type { Bindings, Logger } from 'pino';

type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const LEVELS: readonly LevelName[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/**
 * A logger that writes as `parent.child(bindings())` would, calling
 * `bindings` and making the child on the first line at an enabled level.
 * Supports the level methods, `child`, `isLevelEnabled` and `level`.
 */
export function lazyChild(parent: Logger, bindings: () => Bindings): Logger {
  let child: Logger | undefined;
  const real = (): Logger => (child ??= parent.child(bindings()));
  const lazy: Record<string, unknown> = {
    child: (more: Bindings): Logger => lazyChild(parent, () => ({ ...bindings(), ...more })),
    isLevelEnabled: (level: string): boolean => parent.isLevelEnabled(level),
  };
  Object.defineProperty(lazy, 'level', { get: () => parent.level, enumerable: true });
  for (const level of LEVELS) {
    lazy[level] = (...args: unknown[]): void => {
      if (!parent.isLevelEnabled(level)) return;
      (real()[level] as (...a: unknown[]) => void)(...args);
    };
  }
  return lazy as unknown as Logger;
}
