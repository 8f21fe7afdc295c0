import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'core/**/*.test.ts', 'db/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30000,
    setupFiles: ['test/helpers/setup.ts'],
  },
});
