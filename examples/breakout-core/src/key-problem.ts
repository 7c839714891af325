/**
 * How the core tells a problem with one configuration key that only shows
 * when the core acts on it (a file that cannot be read, a port in use): as
 * a {@link ConfigError} in the loader's words, `key (source): value problem`,
 * with the source the loader recorded (`env SIPBREAKOUT_…`, the file, or
 * `default`).
 */
import { configKeyError, type ConfigError, type ConfigErrorCode, type ConfigOrigins } from '@sipbreakout/service-kit';

/** Makes the {@link ConfigError} of one key: `shown` is the value as printed, `problem` what is wrong with it. */
export type KeyProblem = (
  code: ConfigErrorCode,
  key: string,
  shown: string,
  problem: string,
  cause?: unknown,
) => ConfigError;

/** The {@link KeyProblem} of a configuration whose sources are `origins`; without them, no source is printed. */
export function keyProblems(origins: ConfigOrigins | undefined): KeyProblem {
  return (code, key, shown, problem, cause) =>
    configKeyError({ code, key, source: origins?.sourceOf(key), shown, problem, cause });
}
