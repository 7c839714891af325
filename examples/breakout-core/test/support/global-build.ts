/**
 * Vitest global setup of this project: compiles the package once, before any
 * test file starts, so that end-to-end files that run the core as a child
 * process (`node dist/main.js`) never see `dist` half rewritten by another file.
 */
import { buildPackage } from './core-process.js';

export async function setup(): Promise<void> {
  await buildPackage();
}
