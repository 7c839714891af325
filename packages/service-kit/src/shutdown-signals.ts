/**
 * Graceful shutdown on SIGTERM and SIGINT, as every program of the kit
 * does it: the first signal drains (`shutdown`) and exits 0, or 1 when the
 * shutdown failed; a second signal exits 1 at once, for an operator who will
 * not wait.
 */
import type { Logger } from 'pino';

/** What {@link stopOnSignals} needs of the process (`process` itself, or a fake in tests). */
export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

/** Options of {@link stopOnSignals}. */
export interface StopOnSignalsOptions {
  readonly log: Logger;
  /** Stops the program's parts; resolves once they are stopped. */
  readonly shutdown: () => Promise<void>;
  /** Default: SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[] | undefined;
  /** Default: `process`. */
  readonly target?: SignalTarget | undefined;
}

/** Listens for the signals; the first shuts the program down, the second exits at once. */
export function stopOnSignals(options: StopOnSignalsOptions): void {
  const { log, shutdown } = options;
  const target: SignalTarget = options.target ?? process;
  let signals = 0;
  const stop = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log.warn({ signal }, 'second signal: exiting at once');
      target.exit(1);
      return;
    }
    log.info({ signal }, 'shutting down');
    shutdown()
      .then(() => {
        log.info('stopped');
        target.exit(0);
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        target.exit(1);
      });
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) target.on(signal, stop);
}
