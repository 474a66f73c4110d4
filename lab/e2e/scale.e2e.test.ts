import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import { BUILD, lab, readReport } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

/** What a case did, without what differs from run to run (times, log lines with clock times). */
function essence(report: RunReport) {
  return report.cases.map((c) => ({
    index: c.index,
    id: c.id,
    status: c.status,
    blame: c.blame,
    steps: c.steps.map(({ elapsedUs: _e, parallel: _p, ...s }) => s),
  }));
}

const dir = async (name: string) => join(await tempDir(name), 'run');

describe('workers, shards and merge give the results of one plain run, case for case', () => {
  let single: RunReport;
  beforeAll(async () => {
    const out = await dir('single');
    expect((await lab(['run', 'suites/echo.yaml', '--out', out, '--reporter', 'json'])).exitCode).toBe(0);
    single = await readReport(out);
  }, 300_000);

  it('--workers 2', async () => {
    const out = await dir('workers');
    const r = await lab(['run', 'suites/echo.yaml', '--workers', '2', '--out', out, '--reporter', 'json']);
    expect(r.exitCode).toBe(0);
    expect(essence(await readReport(out))).toEqual(essence(single));
  }, 300_000);

  it('--shard 1/3, 2/3, 3/3 joined by lab merge', async () => {
    const shards = await Promise.all([1, 2, 3].map(() => dir('shard')));
    for (const [i, out] of shards.entries())
      expect((await lab(['run', 'suites/echo.yaml', '--shard', `${i + 1}/3`, '--out', out, '--reporter', 'json'])).exitCode).toBe(0);
    const sizes = await Promise.all(shards.map(async (s) => (await readReport(s)).summary.total));
    expect(sizes.every((n) => n > 0 && n < single.summary.total)).toBe(true);
    const merged = await dir('merged');
    const r = await lab(['merge', ...shards, '--out', merged]);
    expect(r.exitCode).toBe(0);
    const report = await readReport(merged);
    expect(essence(report)).toEqual(essence(single));
    expect(report.summary).toEqual(single.summary);
    expect(report.status).toBe('passed');
  }, 300_000);

  it('a crash on one worker costs only that worker its case', async () => {
    const out = await dir('workers-crash');
    const r = await lab([
      'run',
      'suites/echo.yaml',
      '--workers',
      '2',
      '--driver',
      join(BUILD, 'mutants', 'crash-on-length.sys'),
      '--out',
      out,
      '--reporter',
      'json',
    ]);
    expect(r.exitCode).toBe(1);
    const report = await readReport(out);
    expect(report.cases.filter((c) => c.status !== 'passed').map((c) => [c.id, c.status])).toEqual([['echo/reflect-length[len=666]', 'crashed']]);
  }, 300_000);

  it('merge refuses overlapping shards', async () => {
    const a = await dir('overlap');
    await lab(['run', 'suites/echo.yaml', '--filter', 'seed exchange', '--out', a, '--reporter', 'json']);
    const r = await lab(['merge', a, a, '--out', await dir('overlap-merged')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/case echo\/seed-exchange is in both/);
  }, 300_000);
});
