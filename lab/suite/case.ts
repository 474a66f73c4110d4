/**
 * A concrete case: what expansion makes of the suite's templates for one combination of parameters.
 * Everything is resolved: numbers are numbers, payloads are bytes, labels are step indexes.
 */
export type Access = 'rw' | 'r' | 'w' | 'none';

/** Input bytes: a pattern repeated (and cut) to `length`; `perThread` adds the thread index to each byte. */
export interface GuestPayload {
  pattern: Uint8Array;
  length: number;
  perThread?: boolean;
  /** Pass a NULL input pointer. Meant for length 0; with a length the I/O manager fails the call (998). */
  nullPointer?: boolean;
}

export interface IoctlExpectation {
  error?: number;
  /** The NTSTATUS (unsigned 32-bit) the call must return. */
  status?: number;
  bytesReturned?: number;
  /** The bytes the output must equal: given literally, or what an earlier step sent. */
  output?: { bytes: Uint8Array; from?: string } | { sameAsStep: number; from: string };
}

export interface ErrorExpectation {
  error?: number;
  /** Opens only: the NTSTATUS behind the error (unsigned 32-bit). */
  status?: number;
}

export interface RunExpectation {
  exitCode?: number;
  stdoutContains?: string[];
  stdoutNotContains?: string[];
  stdoutEquals?: string;
}

export type ThreadStep =
  | { kind: 'ioctl'; slot: number; ioctl: IoctlRef; input: GuestPayload; outLength: number; expect: IoctlExpectation }
  /** `required`: the open is expected to succeed, so its failure ends the case (not inside `parallel`). */
  | { kind: 'open'; slot: number; access: Access; expect: ErrorExpectation; required: boolean; implicit?: boolean }
  | { kind: 'close'; slot: number }
  | { kind: 'sleep'; ms: number };

export type CaseStep =
  | ThreadStep
  | { kind: 'parallel'; threads: number; iterations: number; steps: ThreadStep[] }
  | { kind: 'run'; args: string[]; timeoutMs: number; expect: RunExpectation }
  | { kind: 'load' | 'unload'; service: string; expect: ErrorExpectation };

export interface IoctlRef {
  /** The suite's name for it, or the hex code for raw codes. */
  name: string;
  code: number;
}

export interface Case {
  /** Position in the expanded suite (0-based); the guest echoes it back. */
  index: number;
  /** Stable across runs: suite + case name (or pinned id) + parameters. */
  id: string;
  name: string;
  params: Readonly<Record<string, unknown>>;
  timeoutMs: number;
  /** Why this case does not run on the chosen target; absent when it runs. */
  skip?: string;
  tags: string[];
  /** `isolation: case`: the driver is loaded again before this case. */
  fresh?: boolean;
  steps: CaseStep[];
  /** Where the case is written, for messages: `suites/echo.yaml:42`. */
  source: string;
  /** Its template in the suite file (`cases[template]`), to locate problems found after expansion. */
  template: number;
}

export interface ExpandedSuite {
  name: string;
  file: string;
  driver: { image: string; service: string; device: string; log?: string };
  client?: string;
  cases: Case[];
}
