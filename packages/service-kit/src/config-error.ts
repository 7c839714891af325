/**
 * Stable error codes of configuration loading. Each names one kind of
 * problem, so a program may switch on it and a test may assert it; the
 * message says which key, which variable or file, and which value.
 */
export const CONFIG_ERROR_CODES = {
  CONFIG_ERR_FILE_UNREADABLE: 'the configuration file cannot be read',
  CONFIG_ERR_FILE_NOT_JSON: 'the configuration file is not valid JSON',
  CONFIG_ERR_FILE_NOT_OBJECT: 'the configuration file does not hold a JSON object',
  CONFIG_ERR_UNKNOWN_VARIABLE: 'an environment variable carries the prefix but sets no key',
  CONFIG_ERR_UNKNOWN_KEY: 'the configuration names a key the schema does not know',
  CONFIG_ERR_BAD_VALUE: 'a value the schema refuses (or a required one is missing)',
} as const;

/** One of the stable `CONFIG_ERR_…` codes. */
export type ConfigErrorCode = keyof typeof CONFIG_ERROR_CODES;

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
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly key: string | undefined;
  readonly variable: string | undefined;
  readonly file: string | undefined;

  constructor(code: ConfigErrorCode, message: string = CONFIG_ERROR_CODES[code], origin: ConfigErrorOrigin = {}) {
    super(message);
    this.name = 'ConfigError';
    this.code = code;
    this.key = origin.key;
    this.variable = origin.variable;
    this.file = origin.file;
  }
}

/** True when `value` is a {@link ConfigError} (from any copy of this package) and, when `code` is given, carries that code. */
export function isConfigError(value: unknown, code?: ConfigErrorCode): value is ConfigError {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as { name?: unknown; code?: unknown };
  if (c.name !== 'ConfigError' || typeof c.code !== 'string' || !(c.code in CONFIG_ERROR_CODES)) return false;
  return code === undefined || c.code === code;
}
