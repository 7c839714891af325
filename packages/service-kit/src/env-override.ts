/**
 * Environment overrides: a program lists, for each scalar key of its
 * configuration, the variable that sets it and how its text is read.
 */

/** How an environment value is read before validation (`list`: comma-separated; `boolean`: `true` or `false`). */
export type EnvValueKind = 'string' | 'integer' | 'boolean' | 'list';

/** One environment variable and the configuration key it sets. */
export interface EnvOverride {
  /** The variable, starting with the program's prefix (`SIPBREAKOUT_…`). */
  readonly env: string;
  /** The key it sets, as a dotted path (`sip.mobile.udpPort`). */
  readonly key: string;
  readonly kind: EnvValueKind;
}

/**
 * An environment value as the schema should see it: integers as numbers
 * when they read as one, `true` / `false` as booleans, else the text (so the
 * error quotes it); lists split at commas, blanks trimmed and empty items
 * dropped.
 */
export function readEnvValue(kind: EnvValueKind, text: string): string | number | boolean | string[] {
  if (kind === 'list')
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  if (kind === 'integer' && /^-?\d+$/.test(text.trim())) return Number(text.trim());
  if (kind === 'boolean' && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === 'true';
  return text;
}
