import { defineErrorFamily, type ErrorTable } from '@sipbreakout/sip-core/error-kit';

/**
 * Stable error codes of configuration loading. Each names one kind of
 * problem, so a program may switch on it and a test may assert it; the
 * message says which key, which variable or file, and which value.
 */
export const CONFIG_ERROR_CODES = {
  CONFIG_ERR_FILE_UNREADABLE: { message: 'the configuration file cannot be read' },
  CONFIG_ERR_FILE_NOT_JSON: { message: 'the configuration file is not valid JSON' },
  CONFIG_ERR_FILE_NOT_OBJECT: { message: 'the configuration file does not hold a JSON object' },
  CONFIG_ERR_UNKNOWN_VARIABLE: { message: 'an environment variable carries the prefix but sets no key' },
  CONFIG_ERR_UNKNOWN_KEY: { message: 'the configuration names a key the schema does not know' },
  CONFIG_ERR_BAD_VALUE: { message: 'a value the schema refuses (or a required one is missing)' },
  CONFIG_ERR_BAD_FILE: {
    message: 'a file a key names cannot be read, or does not hold what the key needs (a PEM certificate or key)',
  },
} as const satisfies ErrorTable<'CONFIG_ERR'>;

/** One of the stable `CONFIG_ERR_…` codes. */
export type ConfigErrorCode = keyof typeof CONFIG_ERROR_CODES;

const CONFIG_ERRORS = defineErrorFamily('ConfigError', 'CONFIG_ERR', CONFIG_ERROR_CODES);

/** Where a bad value came from. */
export interface ConfigErrorOrigin {
  /** The dotted key at fault (`grpc.port`, `dns.servers.0`); undefined for a problem of the whole file or of a variable that sets no key. */
  readonly key?: string | undefined;
  /** The environment variable that set it, when one did. */
  readonly variable?: string | undefined;
  /** The configuration file, when the value (or the problem) is in it. */
  readonly file?: string | undefined;
}

/**
 * One configuration problem. `message` is the whole sentence a person reads
 * (`SIPBREAKOUT_GRPC_PORT (grpc.port) = 70000: must be 0-65535`); `key`,
 * `variable` and `file` say the same as data. Check it with
 * {@link isConfigError}, by code.
 */
export class ConfigError extends CONFIG_ERRORS.Error {
  readonly key: string | undefined;
  readonly variable: string | undefined;
  readonly file: string | undefined;

  constructor(code: ConfigErrorCode, message?: string, origin: ConfigErrorOrigin & { readonly cause?: unknown } = {}) {
    super(code, message, origin.cause === undefined ? undefined : { cause: origin.cause });
    this.key = origin.key;
    this.variable = origin.variable;
    this.file = origin.file;
  }
}

/** True when `value` is a {@link ConfigError} (from any copy of this package) and, when `code` is given, carries that code. */
export function isConfigError(value: unknown, code?: ConfigErrorCode): value is ConfigError {
  return CONFIG_ERRORS.is(value, code);
}
