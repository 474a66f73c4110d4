/**
 * The few error classes lab throws on purpose. Each has a stable code from the registry (error-codes.ts),
 * an exit code from the documented set, and a message that names the file, field or host and the fix.
 * Anything else that escapes is a bug in lab and is reported as such by the CLI's one top-level catch.
 */
import type { ErrorCode, HarnessCode, UsageCode } from './error-codes.js';
import type { ExitCode } from './exit-code.js';

export type { ExitCode } from './exit-code.js';
export type { ErrorCode, HarnessCode, UsageCode } from './error-codes.js';

export abstract class LabError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line, the suite or another file the user gave is wrong (exit 2). */
export class UsageError extends LabError {
  readonly exitCode = 2 as const;
  constructor(
    readonly code: UsageCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The lab itself could not run: a tool is missing, the target is not ready (exit 3). */
export class HarnessError extends LabError {
  readonly exitCode = 3 as const;
  constructor(
    readonly code: HarnessCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
