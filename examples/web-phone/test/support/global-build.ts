/**
 * Vitest global setup of this package: compiles the server and the page once,
 * before any test file starts, so the end-to-end test (which runs
 * `node dist/main.js` and serves `dist/browser/`) never sees `dist` half
 * rewritten. The unit tier runs from source and skips it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const TSC = fileURLToPath(new URL('../../../../node_modules/typescript/bin/tsc', import.meta.url));

function tsc(project: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [TSC, '-p', project], { cwd: PACKAGE_DIR, timeout: 120_000 }, (error, stdout) =>
      error === null ? resolve() : reject(new Error(`tsc -p ${project} failed: ${stdout}`)),
    );
  });
}

export async function setup(project: TestProject): Promise<void> {
  if (project.name.endsWith(':unit')) return;
  await tsc('tsconfig.build.json');
  await tsc('tsconfig.page.json');
}
