import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'grpc-api', include: ['test/**/*.test.ts'] },
});
