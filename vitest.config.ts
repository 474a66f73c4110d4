import { defineConfig } from 'vitest/config';

/**
 * The test tiers, by what a test file needs (its name says which):
 * - unit: in process, nothing but Node (`npm run test:unit`, the edit loop);
 * - wine: Wine, the native toolchain, or the real CLI in a child process (`driver/**`, `*.e2e.test.ts`,
 *   `*.wine.test.ts`);
 * - ssh: the loopback OpenSSH server and the Windows machine behind it (`*.ssh.test.ts`);
 * - browser: Chromium (`*.browser.test.ts`).
 * `npm test` runs them all. Wine sessions take seconds each; tests that start them carry their own,
 * longer timeouts.
 */
const ALL = ['lab/**/*.test.ts', 'driver/**/*.test.ts', 'infra/**/*.test.ts'];
const named = (tier: string) => ALL.map((glob) => glob.replace('*.test.ts', `*.${tier}.test.ts`));
const WINE = ['driver/**/*.test.ts', ...named('e2e'), ...named('wine')];
const SSH = named('ssh');
const BROWSER = named('browser');
const NEVER = ['lab/dist/**', 'node_modules/**'];

// The tiers that run drivers build the test inputs first (lab/testing/build-test-inputs.ts).
const INPUTS = ['lab/testing/test-tmpdir.ts', 'lab/testing/build-test-inputs.ts'];
const tier = (name: string, include: string[], exclude: string[] = [], globalSetup?: string[]) => ({
  extends: true as const,
  test: { name, include, exclude: [...NEVER, ...exclude], ...(globalSetup ? { globalSetup } : {}) },
});

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Every test file removes the temporary folders it made (lab/testing/temp-dir.ts); the run's own
    // TMPDIR takes what the programs under test leave there, and goes when the run ends.
    setupFiles: ['lab/testing/remove-temp-dirs.ts'],
    globalSetup: ['lab/testing/test-tmpdir.ts'],
    projects: [
      tier('unit', ALL, [...WINE, ...SSH, ...BROWSER]),
      tier('wine', WINE, [...SSH, ...BROWSER], INPUTS),
      tier('ssh', SSH, [], INPUTS),
      tier('browser', BROWSER),
    ],
  },
});
