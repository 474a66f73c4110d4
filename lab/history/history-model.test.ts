import { describe, expect, it } from 'vitest';
import { emptySummary } from '../report/run-report.js';
import type { HistoryRun, RunCell } from './history-model.js';
import { historyModel } from './history-model.js';

function run(n: number, driver: string, cases: Record<string, RunCell>): HistoryRun {
  return {
    runId: `r${n}`,
    suite: 'echo',
    target: 'wine',
    startedAt: `2026-11-${String(10 + n).padStart(2, '0')}T04:00:00.000Z`,
    durationMs: 1000 * n,
    status: 'passed',
    summary: emptySummary(),
    driverSha256: driver,
    cases,
  };
}

describe('the history model', () => {
  it("counts pass↔fail changes only between runs of the same driver build: a new driver's change is a regression or a fix", () => {
    const runs = [
      run(1, 'A', { 'echo/flaky': { s: 'passed', d: 2 }, 'echo/regressed': { s: 'passed', d: 10 }, 'echo/rerun': { s: 'passed' } }),
      run(2, 'A', { 'echo/flaky': { s: 'failed', d: 4 }, 'echo/regressed': { s: 'passed', d: 30 }, 'echo/rerun': { s: 'flaky' } }),
      run(3, 'B', { 'echo/flaky': { s: 'failed', d: 6 }, 'echo/regressed': { s: 'failed', d: 20 }, 'echo/rerun': { s: 'passed' } }),
      run(4, 'B', { 'echo/flaky': { s: 'passed', d: 8 }, 'echo/regressed': { s: 'crashed' }, 'echo/new': { s: 'passed', d: 1 } }),
    ];
    const model = historyModel(runs);
    const byId = Object.fromEntries(model.cases.map((c) => [c.id, c]));
    expect(byId['echo/flaky']).toMatchObject({ flips: 2, flakyRuns: 0, failures: 2, ran: 4, medianMs: 5, lastMs: 8, latest: 'passed' });
    expect(byId['echo/regressed']).toMatchObject({ flips: 0, failures: 2, latest: 'crashed', medianMs: 20, lastMs: 20 });
    expect(byId['echo/rerun']).toMatchObject({ flips: 0, flakyRuns: 1, latest: 'passed' });
    expect(byId['echo/new']!.cells).toEqual([null, null, null, { s: 'passed', d: 1 }]);
    expect(model.flaky).toEqual(['echo/flaky', 'echo/rerun']);
    // Failing now first, then flaky, then the rest.
    expect(model.cases.map((c) => c.id)).toEqual(['echo/regressed', 'echo/flaky', 'echo/rerun', 'echo/new']);
    expect(model.runs.map((r) => r.runId)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect('cases' in model.runs[0]!).toBe(false);
  });

  it('does not count harness errors and skips as failures', () => {
    const model = historyModel([
      run(1, 'A', { 'echo/x': { s: 'passed' } }),
      run(2, 'A', { 'echo/x': { s: 'error', h: true } }),
      run(3, 'A', { 'echo/x': { s: 'skipped' } }),
      run(4, 'A', { 'echo/x': { s: 'passed' } }),
    ]);
    expect(model.cases[0]).toMatchObject({ flips: 0, failures: 0, ran: 2 });
    expect(model.flaky).toEqual([]);
  });
});
