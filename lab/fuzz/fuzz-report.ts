/**
 * fuzz.json: what a fuzz run did and found, for machines (CI, dashboards) and for the HTML page. Stable in
 * the way report.json is: fields are added, never renamed.
 */
import type { Access } from '../suite/case.js';
import type { CrashEvidence } from '../verdict/case-result.js';

export const FUZZ_SCHEMA_VERSION = 1;

// The report's own types are defined here, with no code, so the page's script (client/) can import them.
export type FindingKind = 'crash' | 'hang' | 'divergence';

/** The batches one session of one worker ran, in order: what --replay runs again. */
export interface Chunk {
  worker: number;
  batches: number[];
}

/** One (code, handle access) pair: how many calls, and what they answered. */
export interface CoverageRow {
  code: number;
  /** The access of the handle the calls were made on. */
  handle: Access;
  calls: number;
  /** NTSTATUS (as 0xXXXXXXXX) or `error <n>` → calls. */
  answers: Record<string, number>;
}

export interface FuzzReport {
  schemaVersion: typeof FUZZ_SCHEMA_VERSION;
  kind: 'lab-fuzz';
  runId: string;
  suite: string;
  suiteFile: string;
  driver: { path: string; sha256: string; signed: boolean };
  target: string;
  targetKind: string;
  targetInfo: Record<string, string>;
  /** Every call of the run follows from it (with the options below). */
  seed: number;
  /** sha256 of what every batch depends on besides its number (seed, generator, the suite's share): --replay checks it. */
  planDigest: string;
  /** The run this one replayed (its folder), with --replay. */
  replayOf?: string;
  options: FuzzOptionsRecord;
  /** `findings`: at least one finding (exit 1); `clean`: the budget ran out with none (exit 0). */
  status: 'clean' | 'findings' | 'interrupted' | 'error';
  error?: { code: string; message: string };
  startedAt: string;
  durationMs: number;
  exploration: {
    batches: number;
    /** Calls in batches that finished (a crashed or hung batch's calls are not counted). */
    calls: number;
    callsPerSecond: number;
    /** Distinct IOCTL codes called. */
    codes: number;
    durationMs: number;
    /** Which batches ran in which session of which worker: what --replay runs again. */
    chunks: Chunk[];
  };
  findings: FindingReport[];
  /** Seen once, but not again from a fresh load of the driver: listed, never made into a case. */
  notReproduced: SightingReport[];
  /** The target stopped in its own code (its kernel's assertion, a stack without the driver): never the driver's. */
  targetStops: TargetStop[];
  coverage: Array<CoverageRow & { name?: string; deviceType: number; function: number; method: string; access: string }>;
  /** Problems of lab or the target (never the driver's): retries, a batch the runner refused. */
  warnings: string[];
  /** Faults of the driver outside any call (a crash while unloading, an unload that hangs). */
  faults: string[];
  timings: Record<string, number>;
}

export interface FuzzOptionsRecord {
  budget: string;
  workers: number;
  hangMs: number;
  batchCalls: number;
  threads: boolean;
  /** Bad pointer kinds were sent (not on a target where they never reach the driver). */
  badPointers: boolean;
  functions: string[];
  deviceTypes: string[];
  maxLength: number;
}

export interface SightingReport {
  kind: FindingKind;
  summary: string;
  /** The first time it was seen: batch, worker, when (ms after the search began) and after how many calls. */
  first: { batch: number; worker: number; atMs: number; afterCalls: number };
  /** How many batches showed it. */
  seen: number;
  evidence?: CrashEvidence;
  problem?: string;
}

export interface TargetStop extends SightingReport {
  /** Why it is the target's and not the driver's. */
  why: string;
}

export interface FindingReport extends SightingReport {
  /** F1, F2, ...: the case's name in findings.yaml starts with it. */
  id: string;
  /** Crashes: the innermost frame in the driver. */
  site?: string;
  minimized: {
    /** Calls the minimized case makes (opens included). */
    calls: number;
    /** The case as it stands in findings.yaml. */
    yaml: string;
    /** How it was shrunk, step by step. */
    steps: string[];
    /** Trials run to shrink it (each at least one guest session). */
    trials: number;
    /** The minimized case's own evidence: the crash of that one call, not of the batch. */
    evidence?: CrashEvidence;
  };
  /** Run again from findings.yaml by the run pipeline: did it fail as the finding says? */
  confirmed: boolean;
  confirmation: string;
}
