/**
 * report.json: the stable interface CI, gates, dashboards and `lab merge` read (schemaVersion 1).
 * Fields are only ever added; a change to the meaning of one bumps schemaVersion.
 */
import type { CaseResult, CaseStatus } from '../verdict/case-result.js';

export const REPORT_SCHEMA_VERSION = 1;

export type RunStatus = 'passed' | 'failed' | 'error' | 'interrupted';

export interface Summary {
  total: number;
  passed: number;
  failed: number;
  crashed: number;
  hung: number;
  skipped: number;
  error: number;
  flaky: number;
}

export interface RunReport {
  schemaVersion: number;
  runId: string;
  suite: string;
  suiteFile: string;
  target: string;
  targetKind: string;
  targetInfo: Record<string, string>;
  status: RunStatus;
  /** Why the lab itself could not run, when status is `error`. */
  error?: { code: string; message: string };
  startedAt: string;
  durationMs: number;
  driver: { path: string; sha256: string; signed: boolean };
  client?: { path: string; sha256: string };
  summary: Summary;
  cases: CaseResult[];
  timings: Record<string, number>;
  warnings: string[];
  lab: { version: string; node: string };
  options: Record<string, unknown>;
}

/** Everything but the cases: what reporters get up front, the cases are streamed. */
export type RunHeader = Omit<RunReport, 'cases'>;

export function emptySummary(): Summary {
  return { total: 0, passed: 0, failed: 0, crashed: 0, hung: 0, skipped: 0, error: 0, flaky: 0 };
}

export function countStatus(summary: Summary, status: CaseStatus): void {
  summary.total += 1;
  summary[status] += 1;
}

/** passed only when nothing failed, crashed, hung or errored (flaky and skipped do not fail a run). */
export function runStatusOf(summary: Summary): RunStatus {
  return summary.failed + summary.crashed + summary.hung + summary.error > 0 ? 'failed' : 'passed';
}
