import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'sip-core', include: ['test/**/*.test.ts'] },
});
