import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../verdict/case-result.js';
import { ResultsStore } from './results-store.js';
import { aCase } from '../testing/report-fixtures.js';
import { tempDir } from '../testing/temp-dir.js';

const result = (index: number, status: CaseResult['status'] = 'passed'): CaseResult =>
  aCase(`s/c${index}`, status, { index, name: `c${index}`, durationMs: 1 });

describe('ResultsStore', () => {
  it('a line that cannot be written (a full disk: /dev/full) is a harness error naming the file', async () => {
    const store = new ResultsStore('/dev/full');
    await expect(store.append(result(0))).rejects.toMatchObject({
      code: 'LAB_WRITE_FAILED',
      message: expect.stringMatching(/^\/dev\/full could not be written: the disk is full\./),
    });
    await store.close();
  });

  it('reads back in case order, the last line of a case winning, a torn last line ignored', async () => {
    const path = join(await tempDir('store'), 'results.jsonl');
    const store = new ResultsStore(path);
    for (const i of [2, 0, 1]) await store.append(result(i));
    await store.append(result(1, 'failed'));
    await store.close();
    await appendFile(path, '{"index":3,"id":"s/c3","na');
    const read: CaseResult[] = [];
    for await (const r of ResultsStore.read(path)) read.push(r);
    expect(read.map((r) => [r.index, r.status])).toEqual([
      [0, 'passed'],
      [1, 'failed'],
      [2, 'passed'],
    ]);
  });

  it('reads nothing from a missing or empty file', async () => {
    const dir = await tempDir('store');
    await writeFile(join(dir, 'empty.jsonl'), '');
    for (const name of ['missing.jsonl', 'empty.jsonl']) {
      const read: unknown[] = [];
      for await (const r of ResultsStore.read(join(dir, name))) read.push(r);
      expect(read).toEqual([]);
    }
  });
});
