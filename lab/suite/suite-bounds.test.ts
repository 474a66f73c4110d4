import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSuite } from './expand.js';
import { loadSuite, MAX_SUITE_BYTES } from './load-suite.js';
import { tempDir } from '../testing/temp-dir.js';

/** Hostile sizes: each is a suite error (exit 2) in bounded time and memory, or loads in linear time. */
let dir: string;
beforeAll(async () => {
  dir = await tempDir('suite-bounds');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const head = "suite: big\ndriver: { image: x.sys, device: 'd' }\n";
async function suiteFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}
async function expandError(file: string): Promise<string> {
  try {
    expandSuite(await loadSuite(file));
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('the work a suite asks for', () => {
  it('is bounded in cases × steps before anything is expanded: 100,000 cases of 1,000 steps is a suite error', async () => {
    const steps = Array.from({ length: 1000 }, () => '      - sleep: 0\n').join('');
    const file = await suiteFile(
      'steps.yaml',
      `${head}cases:\n  - name: ok\n    steps: [{ sleep: 0 }]\n  - name: wide\n    matrix: { n: { range: { from: 1, to: 99999 } } }\n    steps:\n${steps}`,
    );
    expect(await expandError(file)).toMatch(
      /steps\.yaml:6:5: cases\[1\]: expected at most 1,000,000 steps after matrix expansion \(cases × steps\), found 99,999,001; this case makes 99,999 cases of 1000 steps/,
    );
  }, 60_000);

  it('is bounded in calls: parallel threads × iterations count', async () => {
    const file = await suiteFile(
      'calls.yaml',
      `${head}cases:\n  - name: storm\n    matrix: { n: { range: { from: 1, to: 1000 } } }\n    steps:\n      - parallel: { threads: 64, iterations: 100000 }\n        steps: [{ sleep: 0 }, { sleep: 0 }]\n`,
    );
    expect(await expandError(file)).toMatch(
      /cases\[0\]: expected at most 100,000,000 calls in the whole suite \(parallel threads × iterations counted\), found 12,800,000,000/,
    );
  });
});

describe('a suite with many keys', () => {
  const keys = (n: number, extra = '') =>
    `${head}ioctls:\n${Array.from({ length: n }, (_, i) => `  K${i}: { code: ${i + 1} }\n`).join('')}${extra}cases:\n  - name: a\n    steps: [{ sleep: 0 }]\n`;

  it('loads in time linear in its keys, up to the size cap (the duplicate check was quadratic: 40,000 keys took 22 s)', async () => {
    const n = 150_000;
    const text = keys(n);
    expect(text.length).toBeLessThan(MAX_SUITE_BYTES);
    const loaded = await loadSuite(await suiteFile('keys.yaml', text));
    expect(Object.keys(loaded.raw.ioctls ?? {})).toHaveLength(n);
  }, 60_000);

  it('still names a key written twice, at its second place', async () => {
    const file = await suiteFile('dup.yaml', keys(40_000, '  K7: { code: 9 }\n'));
    await expect(loadSuite(file)).rejects.toThrow(/dup\.yaml:40004:3: expected unique keys, found `K7` twice in one mapping/);
  });
});
