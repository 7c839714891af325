/**
 * The JSON logger of a program (pino), one line per event on stdout, each
 * carrying the program's name and process id.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

/** The log levels pino knows, most severe first; `silent` writes nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** The program's name, the `service` field of every line (`sipbreakout-core`). */
  readonly service: string;
  readonly level: LogLevel;
  /** Where lines go (default: stdout). */
  readonly destination?: DestinationStream | undefined;
}

/** A pino logger with `service` and `pid` on every line. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const settings = { level: options.level, base: { service: options.service, pid: process.pid } };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
