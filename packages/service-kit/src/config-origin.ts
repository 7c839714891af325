/**
 * Where each configuration value came from (an environment variable, the
 * file, the schema's default), and the one sentence every configuration
 * problem is told in: `key (source): value problem`, e.g.
 * `sip.port (env SIPBREAKOUT_SIP_PORT): "abc" is not a port: must be an integer 0-65535`.
 */
import { ConfigError, type ConfigErrorCode } from './config-error.js';

/** The source of one key's value. */
export type ConfigValueSource =
  /** Set by an environment variable; `text` is the variable's text as given; `overridesFile`: the file also set the key. */
  | {
      readonly kind: 'env';
      readonly variable: string;
      readonly text: string;
      readonly overridesFile: string | undefined;
    }
  /** Set in the configuration file. */
  | { readonly kind: 'file'; readonly file: string }
  /** Not set anywhere: the schema's default. */
  | { readonly kind: 'default' }
  /** Not set anywhere, and no default either (a key another's value requires); where it could have been set. */
  | { readonly kind: 'unset'; readonly file?: string | undefined; readonly variable?: string | undefined };

/** Answers, for a dotted key, where its value came from. */
export interface ConfigOrigins {
  /** The source of `key` (`grpc.tls.certFile`, `dns.servers.1`: a list item comes from its list's source). */
  sourceOf(key: string): ConfigValueSource;
}

/** The source as people read it: `env SIPBREAKOUT_GRPC_PORT`, `file /etc/core.json`, `env … over file …`, `default`. */
export function describeConfigSource(source: ConfigValueSource): string {
  switch (source.kind) {
    case 'env':
      return source.overridesFile === undefined
        ? `env ${source.variable}`
        : `env ${source.variable}, over file ${source.overridesFile}`;
    case 'file':
      return `file ${source.file}`;
    case 'default':
      return 'default';
    case 'unset': {
      const places = [
        ...(source.file === undefined ? [] : [`file ${source.file}`]),
        ...(source.variable === undefined ? [] : [`env ${source.variable}`]),
      ];
      return places.length === 0 ? 'not set' : `not set in ${places.join(' nor ')}`;
    }
  }
}

/** A value as a configuration problem quotes it: JSON (strings quoted); nothing when absent (the source says `not set`). */
export function showConfigValue(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value);
}

/** One problem with one key, before it becomes a {@link ConfigError}. */
export interface ConfigKeyProblem {
  /** The kind of problem (`CONFIG_ERR_BAD_FILE` for a file a key names, `CONFIG_ERR_BAD_VALUE` for the rest). */
  readonly code: ConfigErrorCode;
  /** The dotted key at fault. */
  readonly key: string;
  /** Where its value came from; undefined: not known (no source is printed). */
  readonly source: ConfigValueSource | undefined;
  /** The value as printed: {@link showConfigValue} of it, or what it stands for (`127.0.0.1:5060` for a port in use); empty when not set. */
  readonly shown: string;
  /** What is wrong, said after the value: `is not a port: must be an integer 0-65535`, `cannot be read (ENOENT)`. */
  readonly problem: string;
  /** The error behind it (a bind's, a read's), kept as the error's `cause`. */
  readonly cause?: unknown;
}

/**
 * The {@link ConfigError} of one key: its message is
 * `key (source): value problem`, and it carries the key, the variable and
 * the file as data.
 */
export function configKeyError(problem: ConfigKeyProblem): ConfigError {
  const { key, source } = problem;
  const where = source === undefined ? key : `${key} (${describeConfigSource(source)})`;
  const what = problem.shown === '' ? problem.problem : `${problem.shown} ${problem.problem}`;
  return new ConfigError(problem.code, `${where}: ${what}`, {
    key,
    variable: source?.kind === 'env' ? source.variable : undefined,
    file: source?.kind === 'file' ? source.file : source?.kind === 'env' ? source.overridesFile : undefined,
    cause: problem.cause,
  });
}
