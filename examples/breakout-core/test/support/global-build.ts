/**
 * Vitest global setup of this project: compiles the package once, before any
 * test file starts, so that end-to-end files that run the core as a child
 * process (`node dist/main.js`) never see `dist` half rewritten by another file.
 * The unit and interop tiers (`breakout-core:unit`, `breakout-core:interop`)
 * never run the built core, so they skip it.
 */
import type { TestProject } from 'vitest/node';
import { buildPackage } from './core-process.js';

export async function setup(project: TestProject): Promise<void> {
  if (/:(unit|interop)$/.test(project.name)) return;
  await buildPackage();
}
