import { defineConfig } from 'vitest/config';

// Wine sessions take seconds each; tests that start them carry their own, longer timeouts.
export default defineConfig({
  test: {
    include: ['lab/**/*.test.ts', 'driver/**/*.test.ts', 'infra/**/*.test.ts'],
    exclude: ['lab/dist/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Every test file removes the temporary folders it made (lab/testing/temp-dir.ts).
    setupFiles: ['lab/testing/remove-temp-dirs.ts'],
  },
});
