/**
 * A concrete case: what expansion makes of the suite's templates for one combination of parameters.
 * Everything is resolved: numbers are numbers, payloads are bytes, labels are step indexes.
 */
import type { Access, GuestPayload, Pointer } from '../guest/plan.js';

/** A number, or a range of them (either bound may be missing). */
export type Range = number | { min?: number; max?: number };

/** Bytes an output is compared with: given literally, or what an earlier step sent. */
export type ExpectedBytes = { bytes: Uint8Array; from?: string } | { sameAsStep: number; from: string };

export interface IoctlExpectation {
  error?: number;
  /** The NTSTATUS (unsigned 32-bit) the call must return. */
  status?: number;
  bytesReturned?: Range;
  output?: {
    /** The bytes the output must equal. */
    equals?: ExpectedBytes;
    /** The bytes the output must start with. */
    prefix?: ExpectedBytes;
    /** How many output bytes came back (min(bytesReturned, outLength)). */
    length?: Range;
  };
}

export interface ErrorExpectation {
  error?: number;
  /** Opens only: the NTSTATUS behind the error (unsigned 32-bit). */
  status?: number;
}

export interface RunExpectation {
  /** 0 unless the suite says another code, or `any` (none checked). */
  exitCode: number | 'any';
  stdoutContains?: string[];
  stdoutNotContains?: string[];
  stdoutEquals?: string;
}

/** A request started with `async`: its name in the suite and the runner's async slot for it. */
export interface AsyncRef {
  name: string;
  slot: number;
}

export type ShareMode = 'read' | 'write' | 'delete';
export type Disposition = 'open-existing' | 'create-new' | 'open-always' | 'create-always' | 'truncate-existing';

export interface IoctlStep {
  kind: 'ioctl';
  slot: number;
  ioctl: IoctlRef;
  input: GuestPayload;
  outLength: number;
  /** The output buffer's bytes before the call, repeated to outLength; absent: zeros. */
  outFill?: Uint8Array;
  inPointer: Pointer;
  outPointer: Pointer;
  async?: AsyncRef;
  expect: IoctlExpectation;
}

export interface OpenStep {
  kind: 'open';
  slot: number;
  access: Access;
  share: ShareMode[];
  disposition: Disposition;
  overlapped: boolean;
  /** Appended to the device path. */
  path?: string;
  /** Another device path than the suite's. */
  device?: string;
  expect: ErrorExpectation;
  /** The open is expected to succeed, so its failure ends the case (not inside `parallel`). */
  required: boolean;
  implicit?: boolean;
}

export type ThreadStep = IoctlStep | OpenStep | { kind: 'close'; slot: number } | { kind: 'sleep'; ms: number };

export interface ReadStep {
  kind: 'read';
  slot: number;
  length: number;
  offset?: number;
  outFill?: Uint8Array;
  outPointer: Pointer;
  async?: AsyncRef;
  expect: IoctlExpectation;
}

export interface WriteStep {
  kind: 'write';
  slot: number;
  input: GuestPayload;
  offset?: number;
  inPointer: Pointer;
  async?: AsyncRef;
  expect: IoctlExpectation;
}

export interface RunStep {
  kind: 'run';
  args: string[];
  /** A deployed file's name; absent: the suite's client. */
  program?: string;
  /** Under the deploy folder, or an absolute guest path; absent: the deploy folder. */
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  expect: RunExpectation;
}

export type CaseStep =
  | ThreadStep
  | ReadStep
  | WriteStep
  /** `of`: the index of the step that started the request (its buffers, its output length). */
  | { kind: 'wait'; async: AsyncRef; of: number; timeoutMs: number; expect: IoctlExpectation }
  | { kind: 'cancel'; async: AsyncRef; expect: ErrorExpectation }
  | { kind: 'parallel'; threads: number; iterations: number; steps: ThreadStep[] }
  | RunStep
  /** `image`: a deployed file's name; absent: the suite's driver image. */
  | { kind: 'load'; service: string; image?: string; expect: ErrorExpectation }
  | { kind: 'unload'; service: string; expect: ErrorExpectation };

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
  /** `isolation: vm`: the target is reverted to its clean state before this case, which runs alone. */
  cleanTarget?: boolean;
  steps: CaseStep[];
  /** Where the case is written, for messages: `suites/echo.yaml:42`. */
  source: string;
  /** Its template in the suite file (`cases[template]`), to locate problems found after expansion. */
  template: number;
}

/** A file a suite deploys beside the driver: its local path and its name in the guest folder. */
export interface DeployedFile {
  path: string;
  name: string;
}

export interface ExpandedSuite {
  name: string;
  file: string;
  driver: { image: string; service: string; device: string; log?: string };
  client?: string;
  /** `files`: deployed beside the driver, in the same folder. */
  files: DeployedFile[];
  cases: Case[];
}
