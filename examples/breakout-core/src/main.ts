#!/usr/bin/env node
/**
 * The breakout core's command: `node dist/main.js [--config file.json]`.
 * Reads and validates the configuration (exit 2 with the bad keys named),
 * starts the core, prints where it listens and how to make a first
 * registration, and shuts down gracefully on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { createLogger, isConfigError, stopOnSignals } from '@sipbreakout/service-kit';
import { startBreakoutCore } from './breakout-core.js';
import { firstRegistrationCommands } from './first-registration-commands.js';
import { loadCoreConfig } from './load-core-config.js';
import { startupBanner } from './startup-banner.js';

let file: string | undefined;
try {
  ({
    values: { config: file },
  } = parseArgs({ options: { config: { type: 'string', short: 'c' } }, strict: true }));
} catch (error) {
  process.stderr.write(`sipbreakout: ${(error as Error).message}\nusage: node dist/main.js [--config file.json]\n`);
  process.exit(2);
}

const loaded = loadCoreConfig({ file, env: process.env, cwd: process.cwd() });
if (!loaded.ok) {
  process.stderr.write(`sipbreakout: invalid configuration\n${loaded.errors.map((e) => `  ${e.message}\n`).join('')}`);
  process.exit(2);
}
const config = loaded.config;
const log = createLogger({ service: 'sipbreakout-core', level: config.logLevel });
log.info({ configFile: loaded.file ?? '(embedded defaults)' }, 'starting');

let core: Awaited<ReturnType<typeof startBreakoutCore>>;
try {
  core = await startBreakoutCore(config, { log, cwd: process.cwd(), origins: loaded.origins });
} catch (error) {
  if (isConfigError(error)) {
    log.fatal({ key: error.key, code: error.code, reason: error.message }, 'invalid configuration');
    process.stderr.write(`sipbreakout: invalid configuration\n  ${error.message}\n`);
    process.exit(2);
  }
  const e = error as NodeJS.ErrnoException;
  log.fatal({ err: e }, 'start failed');
  process.stderr.write(
    `sipbreakout: start failed: ${e.message}${e.code === 'EADDRINUSE' ? ' (another process holds that port; change it in the config or with SIPBREAKOUT_… variables)' : ''}\n`,
  );
  process.exit(1);
}

const commands =
  core.auth.example === undefined
    ? undefined
    : firstRegistrationCommands({
        address: core.addresses.grpcDial,
        tokenFile: core.auth.example.tokenFile,
        tls: core.addresses.grpcTls?.client,
      });
log.info({ ...core.addresses, tokenFile: core.auth.example?.tokenFile, commands }, 'ready');
process.stderr.write(startupBanner(core, config, commands));

stopOnSignals({ log, shutdown: () => core.shutdown() });
