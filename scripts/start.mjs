// `pnpm start`: builds the breakout core and the packages it uses, then runs
// it with the arguments given (`pnpm start -- --config core.json`) and exits
// with its exit code. Nothing of its own is printed unless the build fails:
// what the user reads is the core's output (a refused configuration is the
// core's message and exit code 2). pnpm itself still adds one
// "ELIFECYCLE Command failed" line after a non-zero exit; `pnpm -s start`
// (or `node examples/breakout-core/dist/main.js` once built) leaves it out.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The core runs in its package folder, as its own `start` script does: the default data folder is
// examples/breakout-core/.data, and relative paths of the configuration are read from there.
const coreDir = fileURLToPath(new URL('../examples/breakout-core/', import.meta.url));
const main = fileURLToPath(new URL('../examples/breakout-core/dist/main.js', import.meta.url));

// Incremental (tsc build info): a second start only checks the sources.
const build = spawnSync('pnpm', ['-s', '--filter', '@sipbreakout/example-breakout-core...', 'run', 'build'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  process.stderr.write(`sipbreakout: the build failed (${build.error?.message ?? `exit code ${build.status}`})\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
// pnpm passes a `--` through before the core's own arguments.
if (args[0] === '--') args.shift();
// The V8 flags of the core's own `start` script (`node <flags> dist/main.js`; its README says why).
const pkg = JSON.parse(readFileSync(new URL('../examples/breakout-core/package.json', import.meta.url), 'utf8'));
const flags = String(pkg.scripts.start)
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));
const core = spawn(process.execPath, [...flags, main, ...args], { cwd: coreDir, stdio: 'inherit' });
// Ctrl-C reaches the core from the terminal itself (one process group): a second SIGINT would make it
// exit at once, so SIGINT is only waited out here. SIGTERM, sent to this process alone, is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => core.kill('SIGTERM'));
core.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128 + ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }[signal] ?? 0));
});
