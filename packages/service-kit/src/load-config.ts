/**
 * Reads a program's configuration: the defaults its schema embeds, then a
 * JSON file, then environment variables with the program's prefix; validates
 * the result with the program's zod schema and says precisely which key (and
 * which variable or file) holds a bad value.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { configHouseWords } from './config-house-words.js';
import { configKeyError, showConfigValue, type ConfigOrigins, type ConfigValueSource } from './config-origin.js';
import { readEnvValue, type EnvOverride } from './env-override.js';

/** What a program's configuration is: its schema and the environment variables that set its keys. */
export interface ConfigSource<Schema extends z.ZodType> {
  /** Validates the merged input and fills in the defaults; unknown keys should be refused (`z.strictObject`). */
  readonly schema: Schema;
  /** Every variable starting with it must be a known one (`SIPBREAKOUT_`): a misspelt variable is an error, not silence. */
  readonly envPrefix: string;
  /** The variable naming the configuration file (`SIPBREAKOUT_CONFIG`); an explicit `file` wins over it. */
  readonly fileEnv: string;
  /** The variable of each scalar key. */
  readonly overrides: readonly EnvOverride[];
  /** Where a person finds the list of variables, added to the error of an unknown one. */
  readonly variablesHelp?: string | undefined;
}

/** Where to read the configuration from. */
export interface ConfigInput {
  /** The file given on the command line (`--config`); wins over the source's `fileEnv`. */
  readonly file?: string | undefined;
  /** The environment (normally `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory a relative file name is resolved against (normally `process.cwd()`). */
  readonly cwd: string;
}

/**
 * The outcome of {@link loadConfig}: a configuration (and where each of its
 * values came from, for the problems a program finds later: a file that
 * cannot be read, a port in use), or every problem found.
 */
export type LoadConfigResult<Config> =
  | {
      readonly ok: true;
      readonly config: Config;
      readonly file: string | undefined;
      readonly origins: ConfigOrigins;
    }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(target: JsonObject, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (isObject(next)) node = next;
    else {
      const created: JsonObject = {};
      node[part] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function getPath(source: unknown, path: readonly PropertyKey[]): unknown {
  let node = source;
  for (const part of path) {
    if (Array.isArray(node)) node = node[Number(part)];
    else if (isObject(node)) node = node[String(part)];
    else return undefined;
  }
  return node;
}

/**
 * Loads and validates the configuration. Precedence, lowest first: the
 * schema's defaults, the file, the environment. Never throws: a missing or
 * unreadable file, bad JSON, an unknown key or variable, and every bad value
 * come back as {@link ConfigError}s naming the key, its source and the value.
 */
export function loadConfig<Schema extends z.ZodType>(
  source: ConfigSource<Schema>,
  input: ConfigInput,
): LoadConfigResult<z.output<Schema>> {
  const errors: ConfigError[] = [];
  const named = input.file ?? input.env[source.fileEnv];
  const file = named === undefined || named === '' ? undefined : resolve(input.cwd, named);
  const fileSource = input.file !== undefined ? '--config' : `env ${source.fileEnv}`;
  let values: JsonObject = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return {
        ok: false,
        errors: [
          new ConfigError(
            'CONFIG_ERR_FILE_UNREADABLE',
            `config file ${file} (${fileSource}): cannot be read (${code})`,
            {
              file,
            },
          ),
        ],
      };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return {
        ok: false,
        errors: [
          new ConfigError(
            'CONFIG_ERR_FILE_NOT_JSON',
            `config file ${file} (${fileSource}): is not valid JSON (${(error as Error).message})`,
            { file },
          ),
        ],
      };
    }
    if (!isObject(parsed))
      return {
        ok: false,
        errors: [
          new ConfigError(
            'CONFIG_ERR_FILE_NOT_OBJECT',
            `config file ${file} (${fileSource}): must hold a JSON object`,
            {
              file,
            },
          ),
        ],
      };
    values = parsed;
  }

  // A deep copy of what the file set, before the variables are laid over it.
  const inFile: JsonObject = structuredClone(values);
  const fromEnv = new Map<string, { readonly variable: string; readonly text: string }>();
  const known = new Set([source.fileEnv, ...source.overrides.map((o) => o.env)]);
  const help = source.variablesHelp === undefined ? '' : ` (${source.variablesHelp})`;
  for (const [name, value] of Object.entries(input.env)) {
    if (name.startsWith(source.envPrefix) && !known.has(name) && value !== undefined) {
      errors.push(
        new ConfigError('CONFIG_ERR_UNKNOWN_VARIABLE', `${name}: unknown variable${help}`, { variable: name }),
      );
    }
  }
  for (const override of source.overrides) {
    const text = input.env[override.env];
    if (text === undefined) continue;
    setPath(values, override.key.split('.'), readEnvValue(override.kind, text));
    fromEnv.set(override.key, { variable: override.env, text });
  }

  const origins: ConfigOrigins = {
    sourceOf: (key) => {
      const path = key.split('.');
      // A list item (`dns.servers.0`) came from the variable of its list.
      for (let length = path.length; length > 0; length--) {
        const env = fromEnv.get(path.slice(0, length).join('.'));
        if (env === undefined) continue;
        const overridden = getPath(inFile, path.slice(0, length)) !== undefined;
        return { kind: 'env', ...env, overridesFile: overridden ? file : undefined };
      }
      if (file !== undefined && getPath(inFile, path) !== undefined) return { kind: 'file', file };
      return { kind: 'default' };
    },
  };

  const parsed = source.schema.safeParse(values, { error: configHouseWords });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const path of keys) {
        const key = path.map(String).join('.') || '(root)';
        const value = getPath(values, path);
        const found = origins.sourceOf(key);
        const origin: ConfigValueSource =
          found.kind === 'default' && value === undefined
            ? { kind: 'unset', file, variable: source.overrides.find((o) => o.key === key)?.env }
            : found;
        // A scalar from a variable is quoted as it was typed (`"5060.5"`), not as it was read.
        const shown =
          origin.kind === 'env' && fromEnv.get(key) !== undefined
            ? JSON.stringify(origin.text)
            : showConfigValue(value);
        errors.push(
          configKeyError({
            code: issue.code === 'unrecognized_keys' ? 'CONFIG_ERR_UNKNOWN_KEY' : 'CONFIG_ERR_BAD_VALUE',
            key,
            source: origin,
            shown,
            problem: issue.message,
          }),
        );
      }
    }
  }
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, config: parsed.data, file, origins };
}
