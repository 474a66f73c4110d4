import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ReadReport } from '../report/read-report.js';
import type { Summary } from '../report/run-report.js';

/** One case in one run, as small as the page can afford for every case of every run. */
export interface RunCell {
  /** Status. */
  s: string;
  /** Duration, ms. */
  d?: number;
  /** First line of why, for cases that did not pass. */
  m?: string;
  /** Set for an `error` the harness is to blame for: the driver was not judged. */
  h?: true;
}

/** One run as the history page sees it: its facts and a cell per case. */
export interface HistoryRun {
  runId: string;
  suite: string;
  target: string;
  startedAt: string;
  durationMs: number;
  status: string;
  summary: Summary;
  driverSha256?: string;
  gate?: 'pass' | 'fail';
  /** The run folder's report.html, when it has one (made relative to the page later). */
  reportHtml?: string;
  cases: Record<string, RunCell>;
}

const MESSAGE_CHARS = 200;

export async function historyRun({ file, report }: ReadReport): Promise<HistoryRun> {
  const cases: Record<string, RunCell> = {};
  for (const c of report.cases) {
    const why = c.status === 'waived' && c.waiver ? `waived (${c.waiver.status}): ${c.waiver.reason}` : c.message;
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
