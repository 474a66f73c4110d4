import { gateOutcomeOf } from '../gate/outcome.js';
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

export interface HistoryCase {
  id: string;
  /** One cell per run, oldest first; null where the run did not have the case. */
  cells: Array<RunCell | null>;
  /**
   * pass↔fail changes between consecutive runs that ran it with the same driver build (sha256): a change
   * that comes with a new driver is a regression or a fix, a change without one is the case changing its
   * mind. Two or more make it flaky.
   */
  flips: number;
  /** Runs in which a rerun passed after a failure (status `flaky`). */
  flakyRuns: number;
  /** Runs in which it failed, crashed, hung or errored (waived ones included: they failed all the same). */
  failures: number;
  ran: number;
  medianMs: number | null;
  lastMs: number | null;
  /** Its status in the newest run that has it. */
  latest: string | null;
}

export interface HistoryModel {
  runs: Array<Omit<HistoryRun, 'cases'>>;
  cases: HistoryCase[];
  /** Ids of the flaky cases, most flaky first. */
  flaky: string[];
}

/**
 * The history page's data from the runs alone (oldest first): per case its cells over time, how often
 * it changed its mind, and its durations. Cases are ordered by what a reader should look at first:
 * failing now, then flaky, then by id.
 */
export function historyModel(runs: HistoryRun[]): HistoryModel {
  const ids = new Set<string>();
  for (const r of runs) for (const id of Object.keys(r.cases)) ids.add(id);
  const cases = [...ids].map((id) => historyCase(id, runs));
  const rank = (c: HistoryCase) => (isFailing(c.latest) ? 0 : c.flakyRuns > 0 || c.flips >= 2 ? 1 : c.failures > 0 ? 2 : 3);
  cases.sort((a, b) => rank(a) - rank(b) || b.flips + b.flakyRuns - (a.flips + a.flakyRuns) || a.id.localeCompare(b.id));
  const flaky = cases
    .filter((c) => c.flakyRuns > 0 || c.flips >= 2)
    .sort((a, b) => b.flips + b.flakyRuns - (a.flips + a.flakyRuns) || a.id.localeCompare(b.id))
    .map((c) => c.id);
  return { runs: runs.map(({ cases: _cases, ...run }) => run), cases, flaky };
}

function historyCase(id: string, runs: HistoryRun[]): HistoryCase {
  const cells = runs.map((r) => r.cases[id] ?? null);
  let flips = 0;
  let previous: { outcome: 'pass' | 'fail'; driver: string | undefined } | undefined;
  let flakyRuns = 0;
  let failures = 0;
  let ran = 0;
  const durations: number[] = [];
  let lastMs: number | null = null;
  let latest: string | null = null;
  cells.forEach((cell, i) => {
    if (!cell) return;
    const driver = runs[i]!.driverSha256;
    latest = cell.s;
    if (cell.s === 'flaky') flakyRuns += 1;
    const outcome = gateOutcomeOf({ status: cell.s, ...(cell.h ? { blame: 'harness' as const } : {}) });
    const passFail = outcome === 'pass' ? 'pass' : outcome === 'fail' || outcome === 'waived' ? 'fail' : undefined;
    if (passFail === 'fail') failures += 1;
    if (passFail) {
      ran += 1;
      if (previous && previous.outcome !== passFail && previous.driver === driver) flips += 1;
      previous = { outcome: passFail, driver };
    }
    if (cell.d !== undefined && cell.s !== 'skipped') {
      durations.push(cell.d);
      lastMs = cell.d;
    }
  });
  return { id, cells, flips, flakyRuns, failures, ran, medianMs: median(durations), lastMs, latest };
}

function isFailing(status: string | null): boolean {
  return status !== null && gateOutcomeOf({ status }) === 'fail';
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
