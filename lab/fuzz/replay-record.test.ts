import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReplayRecord } from './replay-record.js';
import { tempDir } from '../testing/temp-dir.js';

async function folder(content: string | undefined): Promise<string> {
  const dir = await tempDir('replay');
  if (content !== undefined) await writeFile(join(dir, 'fuzz.json'), content);
  return dir;
}

const record = {
  kind: 'lab-fuzz',
  seed: 7,
  planDigest: 'a'.repeat(64),
  options: {
    hangMs: 5000,
    batchCalls: 256,
    threads: false,
    badPointers: false,
    functions: ['0x7E1-0x823'],
    deviceTypes: ['0x22', '0x8000'],
    maxLength: 131072,
    workers: 1,
  },
  exploration: { chunks: [{ worker: 0, batches: [0, 1, 2] }] },
};

describe('--replay reads the earlier run', () => {
  it('gives its seed, options and sessions', async () => {
    const r = await readReplayRecord(await folder(JSON.stringify(record)));
    expect(r).toMatchObject({
      seed: 7,
      hangMs: 5000,
      batchCalls: 256,
      threads: false,
      badPointers: false,
      functions: [[0x7e1, 0x823]],
      deviceTypes: [0x22, 0x8000],
      maxLength: 131072,
      chunks: [{ worker: 0, batches: [0, 1, 2] }],
    });
  });

  it('refuses a folder that is not a fuzz run, or a record that is not one, naming the file and the field', async () => {
    await expect(readReplayRecord(await folder(undefined))).rejects.toThrowError(
      /--replay .*fuzz\.json cannot be read \(ENOENT\)\. Fix: give the --out folder of an earlier lab fuzz run/,
    );
    await expect(readReplayRecord(await folder('{"kind":'))).rejects.toThrowError(/--replay .*fuzz\.json/);
    await expect(readReplayRecord(await folder(JSON.stringify({ ...record, seed: -1 })))).rejects.toThrowError(
      /^--replay .*fuzz\.json: seed: expected at least 0, found -1\nFix: give the --out folder of an earlier lab fuzz run\.$/,
    );
    await expect(readReplayRecord(await folder(JSON.stringify({ ...record, exploration: { chunks: [{ worker: 0, batches: ['x'] }] } })))).rejects.toThrowError(
      /fuzz\.json: exploration\.chunks\[0\]\.batches\[0\]: expected a number, found "x"/,
    );
    await expect(readReplayRecord(await folder('['.repeat(100) + ']'.repeat(100)))).rejects.toThrowError(
      /^--replay .*fuzz\.json:1:65: expected fuzz\.json as lab fuzz writes it, found nesting deeper than 64 levels/,
    );
  });
});
