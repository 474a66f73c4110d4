import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../e2e/run-lab.js';
import type { RunReport } from '../report/run-report.js';
import { aCase, aReport, writeRun } from '../testing/report-fixtures.js';
import type { CaseResult } from '../verdict/case-result.js';
import { tempDir } from '../testing/temp-dir.js';

/** Four shards of one suite; shard 2 holds the crash. Each shard folder has only report.json. */
let dir: string;
const shard = (i: number) => join(dir, `shard-${i}`);
beforeAll(async () => {
  dir = await tempDir('merge');
  const cases: CaseResult[][] = [[aCase('echo/a', 'passed')], [aCase('echo/b', 'crashed')], [aCase('echo/c', 'passed')], [aCase('echo/d', 'passed')]];
  for (const [i, c] of cases.entries()) {
    const report = aReport(c, { runId: `shard-${i + 1}`, options: { shard: `${i + 1}/4` } });
    // A shard keeps each case's index in the whole suite.
    report.cases[0]!.index = i;
    await writeRun(shard(i + 1), report);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const merged = async (name: string) => JSON.parse(await readFile(join(dir, name, 'report.json'), 'utf8')) as RunReport;

describe('lab merge fails closed', () => {
  it('refuses an incomplete set of shards (exit 2), naming the missing ones', async () => {
    const r = await lab(['merge', shard(1), shard(3), shard(4), '--out', join(dir, 'm1')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/shard 2\/4 of 4 is missing/);
  });

  it('with --allow-partial merges what there is, says what is missing, and does not pass', async () => {
    const r = await lab(['merge', shard(1), shard(3), shard(4), '--out', join(dir, 'm2'), '--allow-partial']);
    expect(r.exitCode).toBe(3);
    const report = await merged('m2');
    expect(report.status).toBe('error');
    expect(report.warnings[0]).toMatch(/merged without shard 2\/4/);
    expect(report.cases.map((c) => c.id)).toEqual(['echo/a', 'echo/c', 'echo/d']);
  });

  it('reads report.json when a shard has no results.jsonl: all four give every case, and the crash fails the run', async () => {
    const r = await lab(['merge', shard(1), shard(2), shard(3), shard(4), '--out', join(dir, 'm3')]);
    expect(r.exitCode).toBe(1);
    const report = await merged('m3');
    expect(report.cases.map((c) => [c.id, c.status])).toEqual([
      ['echo/a', 'passed'],
      ['echo/b', 'crashed'],
      ['echo/c', 'passed'],
      ['echo/d', 'passed'],
    ]);
    expect(report.status).toBe('failed');
  });

  it('refuses a shard given twice', async () => {
    const r = await lab(['merge', shard(1), shard(1), shard(2), shard(3), shard(4), '--out', join(dir, 'm4')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/shard 1\/4 is given twice/);
  });

  it('refuses an output folder that is one of the inputs, and leaves that shard as it was', async () => {
    const before = await readFile(join(shard(3), 'report.json'), 'utf8');
    const r = await lab(['merge', shard(1), shard(2), shard(3), shard(4), '--out', shard(3)]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--out .*shard-3 is also an input/);
    expect(await readFile(join(shard(3), 'report.json'), 'utf8')).toBe(before);
  });

  it('refuses a shard whose report does not follow the schema (exit 2, file and field)', async () => {
    const bad = join(dir, 'bad');
    await writeRun(bad, aReport([aCase('echo/x', 'passed')], { options: { shard: '1/1' } }));
    const text = (await readFile(join(bad, 'report.json'), 'utf8')).replace(
      '"status": "passed",\n    "durationMs"',
      '"status": "definitely-not-a-status",\n    "durationMs"',
    );
    await writeFile(join(bad, 'report.json'), text.replace(/"status": "passed"(?=,\s*"durationMs": 3)/, '"status": "definitely-not-a-status"'));
    const r = await lab(['merge', bad, '--out', join(dir, 'm5')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\/report\.json: cases\[0\]\.status: expected one of "passed", .*found "definitely-not-a-status"/);
  });
});
