/**
 * API reports of every public entry of every package under packages/, made by
 * API Extractor from the built declarations (`pnpm build` comes first).
 *
 *   node scripts/api-reports.mjs check    fails when a report differs from the API (pnpm api:check)
 *   node scripts/api-reports.mjs update   rewrites the reports (pnpm api:update)
 *   … [package folder name…]             only those packages (e.g. `update sip-core`)
 *
 * The entries come from each package.json `exports` (its `types` targets):
 * a new package under packages/, or a new subpath entry, needs no line here.
 * Entry `.` is reported in `packages/<pkg>/api/index.api.md`, entry
 * `./<name>` in `packages/<pkg>/api/<name>.api.md` (slashes become dashes).
 * Private packages (`"private": true`) are skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = join(ROOT, 'packages');

const [mode = 'check', ...only] = process.argv.slice(2);
if (mode !== 'check' && mode !== 'update') {
  console.error('usage: node scripts/api-reports.mjs check|update [package…]');
  process.exit(2);
}

/** The compiler options the declarations are read with (those of tsconfig.base.json that matter to them). */
const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2022'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  types: ['node'],
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
};

/** Every public entry: package folder, entry name, and the declaration file it points at. */
function entries() {
  const list = [];
  for (const name of readdirSync(PACKAGES).sort()) {
    const folder = join(PACKAGES, name);
    const manifestPath = join(folder, 'package.json');
    if (!existsSync(manifestPath) || (only.length > 0 && !only.includes(name))) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private === true) continue;
    const exportsField = manifest.exports ?? { '.': { types: manifest.types } };
    for (const [key, target] of Object.entries(exportsField)) {
      const types = typeof target === 'string' ? target.replace(/\.js$/, '.d.ts') : target.types;
      if (typeof types !== 'string')
        throw new Error(`${relative(ROOT, manifestPath)}: exports["${key}"] has no "types"`);
      const entry = key === '.' ? 'index' : key.replace(/^\.\//, '').replaceAll('/', '-');
      list.push({ folder, manifestPath, name: manifest.name, key, entry, declarations: join(folder, types) });
    }
  }
  return list;
}

/** API Extractor's console messages that the summary of this script replaces. */
const QUIET = new Set([
  'console-preamble',
  'console-analyzing',
  'console-compiler-version-notice',
  'console-writing-api-report',
  'console-api-report-diff',
  'console-api-report-not-copied',
  'console-api-report-copied',
  'console-api-report-created',
  'console-api-report-unchanged',
]);

/** Prints how the API differs from its report (the first lines of a unified diff). */
function showDiff(report, current) {
  const diff = spawnSync(
    'git',
    ['diff', '--no-index', '--no-color', '--', existsSync(report) ? report : '/dev/null', current],
    { encoding: 'utf8' },
  );
  const lines = (diff.stdout ?? '').split('\n').slice(4);
  console.log(lines.slice(0, 60).join('\n') + (lines.length > 60 ? `\n… (${lines.length - 60} more lines)` : ''));
}

const temp = mkdtempSync(join(tmpdir(), 'sipbreakout-api-'));
const changed = [];
const failed = [];
try {
  for (const e of entries()) {
    const label = `${e.name}${e.key === '.' ? '' : e.key.slice(1)}`;
    if (!existsSync(e.declarations)) {
      failed.push(`${label}: ${relative(ROOT, e.declarations)} is missing; run pnpm build first`);
      continue;
    }
    if (mode === 'update') mkdirSync(join(e.folder, 'api'), { recursive: true });
    const config = ExtractorConfig.prepare({
      packageJsonFullPath: e.manifestPath,
      configObjectFullPath: undefined,
      configObject: {
        projectFolder: e.folder,
        mainEntryPointFilePath: e.declarations,
        compiler: { overrideTsconfig: { compilerOptions: COMPILER_OPTIONS, files: [e.declarations] } },
        apiReport: {
          enabled: true,
          reportFileName: e.entry,
          reportFolder: join(e.folder, 'api'),
          reportTempFolder: join(temp, relative(PACKAGES, e.folder)),
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        newlineKind: 'lf',
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            // Printed, not written into the report: each names a file and line, so the report would
            // change on any edit above it (a formatter run moved them all).
            default: { logLevel: 'warning', addToApiReportFile: false },
            // The project marks no release stages (@public, @beta): every export is public.
            'ae-missing-release-tag': { logLevel: 'none' },
            'ae-internal-missing-underscore': { logLevel: 'none', addToApiReportFile: false },
            // The report marks each undocumented member with `// (undocumented)` anyway.
            'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
          },
          // TSDoc syntax is not what this check is about.
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
    });
    const result = Extractor.invoke(config, {
      localBuild: mode === 'update',
      messageCallback: (message) => {
        // Progress, the bundled TypeScript version, "copy this file": replaced by the lines below.
        if (QUIET.has(message.messageId)) message.logLevel = ExtractorLogLevel.None;
      },
    });
    const report = relative(ROOT, config.reportFilePath);
    if (result.apiReportChanged) changed.push(`${label}: ${report}`);
    if (result.apiReportChanged && mode === 'check') showDiff(config.reportFilePath, config.reportTempFilePath);
    // Warnings (a type the entry uses but does not export, a link that does not resolve) are
    // printed above; errors fail the check.
    if (result.errorCount > 0) failed.push(`${label}: ${result.errorCount} errors, ${result.warningCount} warnings`);
    console.log(`${result.apiReportChanged ? (mode === 'update' ? 'updated ' : 'CHANGED ') : 'same    '} ${report}`);
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

if (failed.length > 0) {
  console.error(`\nAPI Extractor failed:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
if (mode === 'check' && changed.length > 0) {
  console.error(
    `\nThe public API differs from its checked-in report:\n  ${changed.join('\n  ')}\n` +
      'If the change is meant, run `pnpm api:update` and commit the reports (review the diff: it is the API change).',
  );
  process.exit(1);
}
