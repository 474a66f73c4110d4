/**
 * What the guest runner reports: the typed form of driver/guest/PROTOCOL.md's result lines, as decoded
 * by result-decoder.ts. Byte strings are decoded from hex.
 */
/** An ioctl, read or write, or the `wait` that saw an async one end: the same fields. */
export interface IoctlOutcome {
  kind: 'ioctl' | 'read' | 'write' | 'wait';
  /** Win32 error (0 = success); null when the runner did not run the step. */
  error: number | null;
  /** The NTSTATUS the call returned (unsigned); null when the step was not run or the runner did not say. */
  status: number | null;
  bytesReturned: number;
  elapsedUs: number;
  output: Uint8Array;
  outputTruncated: boolean;
  guardDamaged: boolean;
  /** Why the step was not run. */
  refused?: string;
}

export interface SimpleOutcome {
  kind: 'open' | 'close' | 'sleep' | 'load' | 'unload';
  error: number | null;
  /** open and close: the NTSTATUS behind the error (0 for an open that succeeded); null otherwise. */
  status: number | null;
  message?: string;
  service?: string;
}

export interface CancelOutcome {
  kind: 'cancel';
  /** CancelIoEx's (or CancelIo's) Win32 error; null when the step was not run. */
  error: number | null;
  status: null;
  /** Which call cancelled: CancelIoEx, or CancelIo where Windows has none (NT 5.2). */
  via?: string;
  refused?: string;
}

export interface ExecOutcome {
  kind: 'exec';
  /** 0, 1460 (ERROR_TIMEOUT) when it was killed on timeout, or why CreateProcess failed. */
  error: number | null;
  /** null when it was killed or never started. */
  exitCode: number | null;
  /** stdout and stderr together, at most 64 KiB. */
  output: Uint8Array;
  outputTruncated: boolean;
  elapsedUs: number;
}

export interface ParallelSubOutcome {
  kind: 'ioctl' | 'open' | 'close' | 'sleep';
  calls: number;
  errors: Record<string, number>;
  /** NTSTATUS (unsigned, decimal) → calls, as `errors` is for Win32 errors. */
  statuses: Record<string, number>;
  returned: Record<string, number>;
  /** The first distinct outputs, each with how often it came back. */
  outputs: Array<{ bytes: Uint8Array; count: number }>;
  outputsMore: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  guardDamaged: number;
  /** Why the inner step was not run (an ioctl length over the limit). */
  refused?: string;
}

export interface ParallelOutcome {
  kind: 'par';
  threads: number;
  iterations: number;
  elapsedUs: number;
  sub: ParallelSubOutcome[];
  /** Why no thread ran (no memory for the buffers, no threads); the sub entries then count nothing. */
  refused?: string;
}

export type StepOutcome = IoctlOutcome | SimpleOutcome | ExecOutcome | ParallelOutcome | CancelOutcome;

/** Why and how the runner loaded the driver again before a case. */
export interface FreshLoad {
  /** `asked`: the case wanted one (isolation: case); `device-gone`: the case before left no device to open. */
  why: 'asked' | 'device-gone' | (string & {});
  /** The Win32 error of the open that found the device gone; null when the case asked. */
  open: number | null;
  /** The id of the case that ran before and left the device gone; null when the case asked. */
  after: string | null;
  /** The load's Win32 error (0 = loaded): when it is not 0 the case ran no step. */
  error: number;
  message: string;
  elapsedUs: number;
}

export type GuestEvent =
  | { t: 'hello'; version: number; pid: number; qpcHz: number }
  | { t: 'load'; service: string; error: number; message: string; elapsedUs: number }
  | { t: 'begin'; index: number; id: string }
  | {
      t: 'case';
      index: number;
      id: string;
      elapsedUs: number;
      log: [number, number] | null;
      steps: StepOutcome[];
      /** Set when the driver was loaded again before the case's steps. */
      fresh?: FreshLoad;
      /** The index of a required open that failed: the steps after it were not run. */
      stopped?: number;
      /** Async slots whose requests were still pending after the runner cancelled them at the case's end. */
      pending?: number[];
    }
  /** A case the runner could not run as written; index -1 and id '' for a line outside any case. */
  | { t: 'case-error'; index: number; id: string; error: string; line: number }
  | { t: 'unload'; service: string; error: number; message: string; openAfter: number | null }
  | { t: 'plan-error'; error: string; line: number }
  | { t: 'end'; cases: number }
  /** A well-formed line of a type this decoder does not know (a newer runner): kept, never an error. */
  | { t: 'unknown'; type: string; raw: string };
