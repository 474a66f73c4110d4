/**
 * The result of one case, as every reporter and report.json sees it: tagged unions on `status` (the case)
 * and on `kind` (its steps), the way vitest and Playwright model results, so reporters switch on them and
 * never guess, and a result without what its status needs (a failure without a blame) does not compile.
 */
import type { CaseStep } from '../suite/case.js';

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

/** What every step's report has. */
interface StepCommon {
  index: number;
  /** False when an expectation did not hold; `problems` says which. */
  ok: boolean;
  /** What the suite expected, by field, for the actual-against-expected view. */
  expected?: Record<string, unknown>;
  problems?: string[];
}

/** ioctl, read, write, and the `wait` that saw an asynchronous one end: what moved, and how it ended. */
export interface TransferStepReport extends StepCommon {
  kind: 'ioctl' | 'read' | 'write' | 'wait';
  /** When the request is an IOCTL (also a wait's): its code and the suite's name for it. */
  ioctl?: number;
  ioctlName?: string;
  inLength: number;
  outLength: number;
  /** Win32 error (0 = success); null when the guest refused the step. */
  error: number | null;
  /** The NTSTATUS behind it (unsigned 32-bit); null when the guest runner gave none. */
  status: number | null;
  bytesReturned: number;
  elapsedUs: number;
  /** Output bytes (hex), cut to 4 KiB in reports. */
  output: string;
  /** For a request started, or waited for, asynchronously: its `async` name. */
  async?: string;
  diff?: ByteDiff;
}

export interface OpenStepReport extends StepCommon {
  kind: 'open';
  error: number | null;
  status: number | null;
  /** An open the suite did not write (lab/suite/implicit-opens.ts). */
  implicit?: true;
}

export interface CancelStepReport extends StepCommon {
  kind: 'cancel';
  error: number | null;
  async: string;
}

/** close, sleep, load and unload: only how they ended. */
export interface PlainStepReport extends StepCommon {
  kind: 'close' | 'sleep' | 'load' | 'unload';
  error: number | null;
}

/** A `run` step: the client's exit code and output. */
export interface RunStepReport extends StepCommon {
  kind: 'run';
  error: number | null;
  elapsedUs: number;
  exitCode: number | null;
  stdout: string;
}

export interface ParallelStepReport extends StepCommon {
  kind: 'parallel';
  /** 0 when every call met its expectation, else null. */
  error: 0 | null;
  elapsedUs: number;
  /** Calls and their outcomes per inner step. */
  parallel: {
    threads: number;
    iterations: number;
    sub: Array<{
      kind: 'ioctl' | 'open' | 'close' | 'sleep';
      ioctlName?: string;
      calls: number;
      errors: Record<string, number>;
      statuses?: Record<string, number>;
      returned: Record<string, number>;
      distinctOutputs: number;
      p50Us: number;
      p99Us: number;
    }>;
  };
}

/**
 * A step of any kind with no outcome to show: an earlier step ended the case (`notRun`: a failed open, a
 * failed fresh load), or the guest reported no result for it, or one of another kind.
 */
export interface UnrunStepReport extends StepCommon {
  kind: CaseStep['kind'];
  error: null;
  notRun?: true;
  implicit?: true;
}

/** One step's report, a union on `kind`: each kind has its own fields, and a step without an outcome has none of them. */
export type StepReport = Exclusive<
  TransferStepReport | OpenStepReport | CancelStepReport | PlainStepReport | RunStepReport | ParallelStepReport | UnrunStepReport
>;

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

/** What every case's result has. */
export interface CaseCommon {
  index: number;
  id: string;
  name: string;
  durationMs: number;
  steps: StepReport[];
  params?: Record<string, unknown>;
  source?: string;
  log?: LogSlice;
  evidence?: CrashEvidence;
  /** What a reader should know that is not a failure: e.g. that the case started on a fresh load of the driver. */
  notes?: string[];
  /** Set when the run was compared with a baseline: how this case changed (lab/gate/). */
  gate?: CaseGateMark;
}

/** The statuses of a case the driver (or the suite, lab, the target) failed: each says whose fault it is. */
export type FailingStatus = 'failed' | 'crashed' | 'hung' | 'error';

export interface PassedCase extends CaseCommon {
  status: 'passed';
}

export interface FailingCase extends CaseCommon {
  status: FailingStatus;
  blame: Blame;
  message: string;
  /** Earlier attempts when the case was rerun (`--repeat-failures`). */
  attempts?: Attempt[];
}

/** The target cannot judge the case: a gap of the target, not a failure of the driver (lab/verdict/target-gap.ts). */
export interface InconclusiveCase extends CaseCommon {
  status: 'inconclusive';
  blame: 'target';
  message: string;
  targetGap: TargetGapMark;
  attempts?: Attempt[];
}

/** Not run on this target; `message` says why. */
export interface SkippedCase extends CaseCommon {
  status: 'skipped';
  message: string;
}

/** Passed on a rerun after attempts that did not. */
export interface FlakyCase extends CaseCommon {
  status: 'flaky';
  message: string;
  attempts: Attempt[];
}

/** A failure a live waiver covers; `waiver.status` is what it really was (lab/waivers/). */
export interface WaivedCase extends CaseCommon {
  status: 'waived';
  blame: Blame;
  message: string;
  waiver: WaiverMark;
  attempts?: Attempt[];
}

/** The result of one case, a union on `status`: a passed case has no blame and no message, every other has its why. */
export type CaseResult = Exclusive<PassedCase | FailingCase | InconclusiveCase | SkippedCase | FlakyCase | WaivedCase>;

/** A result that says whose fault it is: every status but passed, skipped and flaky. */
export type BlamedCase = Extract<CaseResult, { blame: Blame }>;

/** An earlier attempt of a rerun case. */
export type Attempt = Pick<BlamedCase, 'status' | 'blame'> & { message?: string };

const FAILING: ReadonlySet<CaseStatus> = new Set<FailingStatus>(['failed', 'crashed', 'hung', 'error']);

/** A result the driver (or the suite, lab, the target) failed: what a waiver or a gap of the target can explain. */
export function isFailing(result: CaseResult): result is Extract<CaseResult, { status: FailingStatus }> {
  return FAILING.has(result.status);
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
  was: { status: FailingStatus; blame: Blame; message?: string };
}

/**
 * A waived case keeps what it really was: `status` is the outcome the waiver covered (failed, crashed...),
 * so a gate or a dashboard can always see through the waiver.
 */
export interface WaiverMark {
  status: FailingStatus;
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

/**
 * Each member of a union with the fields only other members have declared absent, so any field can be
 * read from the union (undefined where a member has none) and none can be set on a member without it.
 */
type Exclusive<U, All = U> = U extends unknown ? U & { [K in Exclude<KeysOfAny<All>, keyof U>]?: never } : never;
type KeysOfAny<U> = U extends unknown ? keyof U : never;
