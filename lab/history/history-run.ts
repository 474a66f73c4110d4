import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ReadReport } from '../report/read-report.js';
import type { HistoryRun, RunCell } from './history-model.js';

const MESSAGE_CHARS = 200;

export async function historyRun({ file, report }: ReadReport): Promise<HistoryRun> {
  const cases: Record<string, RunCell> = {};
  for (const c of report.cases) {
    const why = c.status === 'waived' ? `waived (${c.waiver.status}): ${c.waiver.reason}` : c.message;
    cases[c.id] = {
      s: c.status,
      ...(typeof c.durationMs === 'number' ? { d: c.durationMs } : {}),
      ...(c.status !== 'passed' && why ? { m: (why.split('\n')[0] ?? '').slice(0, MESSAGE_CHARS) } : {}),
      ...(c.status === 'error' && c.blame === 'harness' ? { h: true as const } : {}),
    };
  }
  const html = join(dirname(file), 'report.html');
  const hasHtml = Boolean((await stat(html).catch(() => undefined))?.isFile());
  return {
    runId: report.runId ?? dirname(file),
    suite: report.suite,
    target: report.target ?? '',
    startedAt: report.startedAt,
    durationMs: report.durationMs ?? 0,
    status: report.status,
    summary: report.summary,
    ...(report.driver?.sha256 ? { driverSha256: report.driver.sha256 } : {}),
    ...(report.gate ? { gate: report.gate.verdict } : {}),
    ...(hasHtml ? { reportHtml: html } : {}),
    cases,
  };
}
