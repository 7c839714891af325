import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'breakout-core',
    include: ['test/**/*.test.ts'],
    // The end-to-end files run the built core; it is compiled once here, before them.
    globalSetup: ['test/support/global-build.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
