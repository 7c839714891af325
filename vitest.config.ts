/**
 * Every workspace folder with a vitest.config.ts (packages/*, examples/*,
 * tools/*) is split by folder into test tiers, one vitest project each:
 *   <folder>:unit     test/**, without the two below: no real peer, no child process
 *   <folder>:interop  test/interop/**: independent peers (SIPp, socat, Redis, rtpengine,
 *                     Kamailio, buf, Python's grpcio)
 *   <folder>:e2e      test/e2e/**: a built program run as a child process
 * A tier project exists only where its folder does. Each project extends the
 * folder's own vitest.config.ts (which sets no `include`), so a new package
 * needs no line here. `vitest run` runs them all; `--project '*:unit'` one tier.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const WORKSPACE = ['packages', 'examples', 'tools'];

/** The tiers that have a folder of their own under test/. */
const TIERS = ['interop', 'e2e'] as const;

function projects(): TestProjectInlineConfiguration[] {
  const list: TestProjectInlineConfiguration[] = [];
  for (const group of WORKSPACE) {
    for (const name of readdirSync(group).sort()) {
      const root = join(group, name);
      const config = join(root, 'vitest.config.ts');
      if (!existsSync(config)) continue;
      const project = (tier: string, include: string[], exclude: string[] = []): TestProjectInlineConfiguration => ({
        extends: `./${config}`,
        root: `./${root}`,
        test: {
          name: `${name}:${tier}`,
          include,
          exclude: [...configDefaults.exclude, ...exclude],
          // Unit tests share no global state (no module mocks, no patched timers: clocks are injected), so the
          // files of a worker share its module cache: the tier runs in about half the time. Interop and e2e
          // tests, which start peers and processes, keep a fresh module graph per file.
          isolate: tier !== 'unit',
        },
      });
      list.push(
        project(
          'unit',
          ['test/**/*.test.ts'],
          TIERS.map((tier) => `test/${tier}/**`),
        ),
      );
      for (const tier of TIERS) {
        if (existsSync(join(root, 'test', tier))) list.push(project(tier, [`test/${tier}/**/*.test.ts`]));
      }
    }
  }
  return list;
}

export default defineConfig({
  test: {
    projects: projects(),
  },
});
