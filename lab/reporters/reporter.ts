/**
 * The reporter interface: optional hooks, called in this order: onBegin, then onCaseBegin/onCaseEnd per
 * case as they happen, onWarning at any time, onEnd once with the final report, then onWritten. A reporter that throws
 * is reported and switched off by the multiplexer; it never breaks the run or the other reporters.
 */
import type { RunHeader } from '../report/run-report.js';
import type { Case } from '../suite/case.js';
import type { CaseResult } from '../verdict/case-result.js';

export interface RunBegin {
  runId: string;
  suite: string;
  target: string;
  outDir: string;
  /** Cases that will get a result (after filter and shard), skipped ones included. */
  total: number;
}

export interface FinalReport {
  header: RunHeader;
  /** The cases in case order, read back from results.jsonl one at a time. */
  cases(): AsyncIterable<CaseResult>;
  outDir: string;
  /** When report writing began (ms since the epoch), so report.json can include its own phase. */
  reportStartedAt: number;
}

export interface Reporter {
  readonly name: string;
  /** The file it writes into the run's folder (report.html), when it writes one. */
  readonly writes?: string;
  onBegin?(run: RunBegin): void | Promise<void>;
  onPhase?(phase: string, detail?: string): void;
  onCaseBegin?(c: Case): void;
  onCaseEnd?(result: CaseResult): void | Promise<void>;
  onWarning?(message: string): void;
  onEnd?(report: FinalReport): void | Promise<void>;
  /** After every onEnd: the files the reporters really wrote (a reporter that failed wrote none). */
  onWritten?(files: readonly string[], report: FinalReport): void | Promise<void>;
}
