/**
 * Test support: temporary folders that are removed after the test file that made them, whatever its tests
 * did. `tempDir('gate')` makes `$TMPDIR/lab-gate-XXXXXX`; `tempDir('prefix', { under: labCacheDir() })`
 * makes one elsewhere (a Wine prefix must sit on the cache's file system to be hard-linked). The setup
 * file (remove-temp-dirs.ts, named in vitest.config.ts) removes every folder made here once the file's
 * tests and hooks are done, so a test needs no clean-up of its own for them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

export async function tempDir(name: string, options: { under?: string } = {}): Promise<string> {
  const dir = await mkdtemp(join(options.under ?? tmpdir(), `lab-${name}-`));
  made.add(dir);
  return dir;
}

/** Removes every folder `tempDir` made in this test file (retrying while a process lets go of its files). */
export async function removeTempDirs(): Promise<void> {
  const dirs = [...made];
  made.clear();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })));
}
