import { forceStopRun } from './signals.js';
import { reportError } from './report-error.js';

let installed = false;

/**
 * Errors no code path caught: an exception thrown from a callback, a promise nobody awaited. Node's default
 * prints a stack and exits 1, which lab's exit codes keep for a driver that failed. Here they end lab as
 * the top-level catch would: lab's own errors with their message and exit code, anything else as a bug in
 * lab (exit 3, the stack only with LAB_DEBUG set). A run under way has its target's processes killed
 * first, as a second Ctrl-C does; what it already wrote (results.jsonl) stays for `lab run --resume`.
 */
export function installUncaughtHandling(): void {
  if (installed) return;
  installed = true;
  const end = (error: unknown) => {
    const exitCode = reportError(error);
    try {
      forceStopRun();
    } finally {
      process.exit(exitCode);
    }
  };
  process.on('uncaughtException', end);
  process.on('unhandledRejection', end);
}
