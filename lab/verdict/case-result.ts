/**
 * The result of one case, as every reporter and report.json sees it. A tagged union on `status`, the
 * way vitest and Playwright model results: reporters switch on it and never guess.
 */
export type CaseStatus = 'passed' | 'failed' | 'crashed' | 'hung' | 'skipped' | 'error' | 'flaky' | 'waived' | 'inconclusive';

/**
 * Whose fault a result that is not `passed` is (KernelCI's culprit, LAVA's error classes). `target`: the
 * target does not do what the driver asked (a Wine stub), so the result says nothing about the driver.
 */
export type Blame = 'product' | 'test' | 'harness' | 'target';

export interface ByteDiff {
  /** Where the bytes first differ; -1 when they agree up to the shorter length but lengths differ. */
  firstDifference: number;
  expectedLength: number;
  actualLength: number;
  /** A side-by-side hex dump around the first difference, for people. */
  text: string;
}

export interface StepReport {
  index: number;
  kind: string;
  /** For IOCTL steps: the code and the suite's name for it. */
  ioctl?: number;
  ioctlName?: string;
  inLength?: number;
  outLength?: number;
  /** Win32 error (0 = success); null when the step was not executed. */
  error: number | null;
  /** The NTSTATUS behind it (unsigned 32-bit), for IOCTLs and opens; null when the guest runner gave none. */
  status?: number | null;
  /** Set when the step was not run because an earlier one ended the case (a failed open, a failed fresh load). */
  notRun?: true;
  bytesReturned?: number;
  elapsedUs?: number;
  /** Output bytes (hex), cut to 4 KiB in reports. */
  output?: string;
  implicit?: boolean;
  expected?: Record<string, unknown>;
  ok: boolean;
  problems?: string[];
  diff?: ByteDiff;
  /** For parallel steps: calls and their outcomes per inner step. */
  parallel?: { threads: number; iterations: number; sub: Array<{ kind: string; ioctlName?: string; calls: number; errors: Record<string, number>; statuses?: Record<string, number>; returned: Record<string, number>; distinctOutputs: number; p50Us: number; p99Us: number }> };
  /** For steps that start, wait for or cancel an asynchronous request: its `async` name. */
  async?: string;
  /** For run steps: the client's exit code and output. */
  exitCode?: number | null;
  stdout?: string;
}

export interface CrashEvidence {
  /** The line that says what happened, e.g. a page fault at module+offset, KeBugCheckEx, a bugcheck code. */
  signature: string;
  /** The driver host's exit code, when the target hosts drivers in a process (Wine). */
  exitCode?: number;
  /** Backtrace or analysis text, when the target could get one. */
  backtrace?: string;
  /** Debug-stream lines just before the crash. */
  lastLines: string[];
  dumpPath?: string;
}

export interface LogSlice {
  /** DbgView-format lines (seq, time, text) between the case's markers. */
  debug: string[];
  /** The driver's log file lines written during the case. */
  driverLog: string[];
  /** Set when the slice was cut to stay readable. */
  truncated?: boolean;
}

export interface CaseResult {
  index: number;
  id: string;
  name: string;
  status: CaseStatus;
  blame?: Blame;
  durationMs: number;
  message?: string;
  steps: StepReport[];
  params?: Record<string, unknown>;
  source?: string;
  log?: LogSlice;
  evidence?: CrashEvidence;
  /** What a reader should know that is not a failure: e.g. that the case started on a fresh load of the driver. */
  notes?: string[];
  /** Earlier attempts when the case was rerun (flakiness, harness retries). */
  attempts?: Array<{ status: CaseStatus; message?: string; blame?: Blame }>;
  /** Set when status is `waived`: the known failure and the waiver that covered it (lab/waivers/). */
  waiver?: WaiverMark;
  /** Set when the run was compared with a baseline: how this case changed (lab/gate/). */
  gate?: CaseGateMark;
  /** Set when status is `inconclusive`: what the target lacks, and what the case would otherwise have been. */
  targetGap?: TargetGapMark;
}

/** An inconclusive case keeps what the target made of it, so nobody has to guess (lab/verdict/target-gap.ts). */
export interface TargetGapMark {
  /** The functions the target does not implement (or only stubs) that the driver called. */
  functions: string[];
  /** What the target does instead, one sentence. */
  detail: string;
  /** Which target can run the case. */
  runOn: string;
  /** The verdict the target's result would have given. */
  was: { status: CaseStatus; blame?: Blame; message?: string };
}

/**
 * A waived case keeps what it really was: `status` is the outcome the waiver covered (failed, crashed...),
 * so a gate or a dashboard can always see through the waiver.
 */
export interface WaiverMark {
  status: CaseStatus;
  reason: string;
  link?: string;
  /** The waiver's last day (YYYY-MM-DD, UTC). */
  expires: string;
  /** The waiver's `case` id or `pattern`, as written. */
  match: string;
  /** Where the waiver is written: file:line:column. */
  source: string;
}

/** How a case compares with the baseline (stable case ids match them). */
export type GateClass = 'regression' | 'fixed' | 'still-failing' | 'new' | 'removed' | 'waived' | 'unchanged' | 'not-run';

export interface CaseGateMark {
  class: GateClass;
  /** The case's status in the baseline; absent for new cases. */
  baselineStatus?: CaseStatus;
}
