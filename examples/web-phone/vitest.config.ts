import { defineConfig } from 'vitest/config';

// No `include`: run here, vitest takes every *.test.ts; the root config, which extends this
// one, splits test/ into tiers by folder (an `include` here would be added to each tier's).
export default defineConfig({
  test: {
    name: 'web-phone',
    // The end-to-end test runs the built server and page; they are compiled once here, before it.
    globalSetup: ['test/support/global-build.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
