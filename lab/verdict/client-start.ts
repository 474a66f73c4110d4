import type { Blame, StepReport } from './case-result.js';

/** The guest runner's error for a client it killed at its timeout (ERROR_TIMEOUT). */
export const CLIENT_TIMED_OUT = 1460;

/**
 * Why CreateProcess failed that say the suite's client cannot run as named: the file or its folder is not
 * there, or it is not a program for this machine (ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND,
 * ERROR_BAD_EXE_FORMAT, ERROR_EXE_MACHINE_TYPE_MISMATCH).
 */
const NOT_RUNNABLE = new Set([2, 3, 193, 216]);
/** ERROR_ACCESS_DENIED: on Windows a driver's process-creation callback can refuse a process. */
const REFUSED = 5;

/**
 * Whose fault a client that never started is, or undefined when it started (or ran into its timeout,
 * which the driver can cause by never completing a request). A client that never ran judged nothing about
 * the driver: the suite's when it names no runnable program, the driver's only when the process was refused
 * (a callback of the driver can do that on Windows), otherwise the target's, which could not start a
 * process (Wine's process start fails now and then under load: the new process ends before it has started,
 * and CreateProcess reports 1359, ERROR_INTERNAL_ERROR).
 */
export function clientStartBlame(error: number | null): Blame | undefined {
  if (error === null || error === 0 || error === CLIENT_TIMED_OUT) return undefined;
  if (NOT_RUNNABLE.has(error)) return 'test';
  if (error === REFUSED) return 'product';
  return 'harness';
}

/** The blame of a run step whose client never started, undefined for any other step. */
export function unstartedClient(step: StepReport): Blame | undefined {
  return step.kind === 'run' ? clientStartBlame(step.error) : undefined;
}
