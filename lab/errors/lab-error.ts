/**
 * The few error classes lab throws on purpose. Each has a stable code (tests and scripts match on it),
 * an exit code from the documented set, and a message that names the file, field or host and the fix.
 * Anything else that escapes is a bug in lab and is reported as such by the CLI's one top-level catch.
 */
export type ExitCode = 0 | 1 | 2 | 3 | 130;

export abstract class LabError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line or the suite is wrong (exit 2). */
export class UsageError extends LabError {
  readonly exitCode = 2 as const;
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The lab itself could not run: a tool is missing, the target is not ready (exit 3). */
export class HarnessError extends LabError {
  readonly exitCode = 3 as const;
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
