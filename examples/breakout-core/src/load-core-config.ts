/**
 * Reads the core's configuration with the service kit's loader: embedded
 * defaults, then the file (JSON), then `SIPBREAKOUT_…` environment
 * overrides, validated by {@link CORE_CONFIG_SCHEMA}.
 */
import { loadConfig, type ConfigInput, type ConfigSource, type LoadConfigResult } from '@sipbreakout/service-kit';
import { CORE_CONFIG_SCHEMA, type CoreConfig } from './config-schema.js';
import { CONFIG_FILE_ENV, ENV_OVERRIDES, ENV_PREFIX } from './env-overrides.js';

/** The core's configuration: its schema and its variables. */
export const CORE_CONFIG_SOURCE: ConfigSource<typeof CORE_CONFIG_SCHEMA> = {
  schema: CORE_CONFIG_SCHEMA,
  envPrefix: ENV_PREFIX,
  fileEnv: CONFIG_FILE_ENV,
  overrides: ENV_OVERRIDES,
  variablesHelp: 'see the configuration table in examples/breakout-core/README.md',
};

/** Loads and validates the core's configuration; never throws (see `loadConfig` of the service kit). */
export function loadCoreConfig(input: ConfigInput): LoadConfigResult<CoreConfig> {
  return loadConfig(CORE_CONFIG_SOURCE, input);
}
