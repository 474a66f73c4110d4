/**
 * report.json: the stable interface CI, gates, dashboards and `lab merge` read (schemaVersion 1).
 * Fields are only ever added; a change to the meaning of one bumps schemaVersion.
 */
import type { CaseResult, CaseStatus, GateClass } from '../verdict/case-result.js';

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
  /** Failures a live waiver covers (added in lab 0.1; absent in older reports, read as 0). */
  waived: number;
  /** Cases the target could not judge: a gap of the target, not a failure of the driver (absent in older reports, read as 0). */
  inconclusive: number;
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
  /** What the orchestrator itself cost (not the target): CPU time and peak memory of the lab process. */
  resources?: { cpuMs: number; maxRssMb: number };
  options: Record<string, unknown>;
  /** Present when the run was gated (--baseline and/or --waivers): the verdict CI acts on. */
  gate?: GateSection;
}

/** report.json's `gate`: the comparison with a baseline and the waivers applied (lab/gate/). */
export interface GateSection {
  /** `fail` makes the exit code 1. */
  verdict: 'pass' | 'fail';
  /** Why the gate fails, one sentence each; empty when it passes. */
  reasons: string[];
  baseline?: { path: string; runId: string; suite: string; startedAt: string; status: string; driverSha256?: string };
  allowNewFailures: boolean;
  /** Cases per class (only with a baseline; without one every case is `new`). */
  counts: Record<GateClass, number>;
  /** Ids, in case order. */
  regressions: string[];
  newFailures: string[];
  fixed: string[];
  /** Cases the baseline has and this run does not. */
  removed: Array<{ id: string; status: CaseStatus }>;
  waivers?: {
    file: string;
    /** Cases turned into `waived`. */
    applied: number;
    expired: Array<{ match: string; source: string; expires: string; reason: string; daysAgo: number }>;
    /** Live waivers that matched no failing case: candidates for removal. */
    unused: Array<{ match: string; source: string }>;
  };
}

/** Everything but the cases: what reporters get up front, the cases are streamed. */
export type RunHeader = Omit<RunReport, 'cases'>;

export function emptySummary(): Summary {
  return { total: 0, passed: 0, failed: 0, crashed: 0, hung: 0, skipped: 0, error: 0, flaky: 0, waived: 0, inconclusive: 0 };
}

export function countStatus(summary: Summary, status: CaseStatus): void {
  summary.total += 1;
  // `?? 0`: a summary read from an older report.json has no `waived`.
  summary[status] = (summary[status] ?? 0) + 1;
}
