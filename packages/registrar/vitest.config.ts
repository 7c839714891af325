import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'registrar', include: ['test/**/*.test.ts'] },
});
