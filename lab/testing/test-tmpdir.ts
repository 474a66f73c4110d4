/**
 * vitest global setup: the whole test run gets its own TMPDIR (`$TMPDIR/lab-tests-XXXXXX`), removed when the
 * run ends. Tests remove what they make themselves (temp-dir.ts); this catches what the programs under test
 * leave behind on their own: Wine's per-prefix server folders, Chromium's temporary files. Every project runs
 * it; the first one makes the folder and the others keep it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): (() => void) | undefined {
  if (process.env.LAB_TESTS_TMPDIR) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'lab-tests-'));
  process.env.LAB_TESTS_TMPDIR = dir;
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}
