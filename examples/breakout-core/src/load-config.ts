/**
 * Reads the configuration: embedded defaults, then the file (JSON), then
 * `SIPBREAKOUT_…` environment overrides; validates the result and says
 * precisely which key (and which variable or file) holds a bad value.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CORE_CONFIG_SCHEMA, type CoreConfig } from './config-schema.js';
import { CONFIG_FILE_ENV, ENV_OVERRIDES, readEnvValue } from './env-overrides.js';

/** Where to read the configuration from. */
export interface LoadConfigOptions {
  /** The file given with `--config`; wins over `SIPBREAKOUT_CONFIG`. */
  readonly file?: string | undefined;
  /** The environment (normally `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against (normally `process.cwd()`). */
  readonly cwd: string;
}

/** The outcome of {@link loadConfig}: a configuration, or every problem found. */
export type LoadConfigResult =
  | { readonly ok: true; readonly config: CoreConfig; readonly file: string | undefined }
  | { readonly ok: false; readonly errors: readonly string[] };

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
 * Loads and validates the configuration. Never throws: a missing or
 * unreadable file, bad JSON, an unknown key or variable, and every bad value
 * come back as sentences naming the key, its source and the value.
 */
export function loadConfig(options: LoadConfigOptions): LoadConfigResult {
  const errors: string[] = [];
  const named = options.file ?? options.env[CONFIG_FILE_ENV];
  const file = named === undefined || named === '' ? undefined : resolve(options.cwd, named);
  let input: JsonObject = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return { ok: false, errors: [`config file ${file}: cannot be read (${code})`] };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, errors: [`config file ${file}: not valid JSON (${(error as Error).message})`] };
    }
    if (!isObject(parsed)) return { ok: false, errors: [`config file ${file}: must hold a JSON object`] };
    input = parsed;
  }

  const fromEnv = new Map<string, string>();
  const known = new Set([CONFIG_FILE_ENV, ...ENV_OVERRIDES.map((o) => o.env)]);
  for (const [name, value] of Object.entries(options.env)) {
    if (name.startsWith('SIPBREAKOUT_') && !known.has(name) && value !== undefined) {
      errors.push(`${name}: unknown variable (see the configuration table in examples/breakout-core/README.md)`);
    }
  }
  for (const override of ENV_OVERRIDES) {
    const text = options.env[override.env];
    if (text === undefined) continue;
    setPath(input, override.key.split('.'), readEnvValue(override.kind, text));
    fromEnv.set(override.key, override.env);
  }

  const parsed = CORE_CONFIG_SCHEMA.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const path of keys) {
        const key = path.map(String).join('.') || '(root)';
        // A list item (`dns.servers.0`) came from the variable of its list.
        const variable = path
          .map((_, i) => fromEnv.get(path.slice(0, path.length - i).map(String).join('.')))
          .find((v) => v !== undefined);
        const where = variable !== undefined ? `${variable} (${key})` : file !== undefined ? `${key} in ${file}` : key;
        if (issue.code === 'unrecognized_keys') {
          errors.push(`${where}: unknown key`);
          continue;
        }
        const value = getPath(input, path);
        const shown = value === undefined ? 'missing' : `= ${JSON.stringify(value)}`;
        errors.push(`${where} ${shown}: ${issue.message}`);
      }
    }
  }
  if (errors.length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, config: parsed.data, file };
}
