import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'b2bua' },
});
