import { CommanderError } from 'commander';
import { LabError } from '../errors/lab-error.js';
import { visible } from '../text/visible.js';

/**
 * An error that ends a command, as the user sees it: lab's own errors by their message and exit code;
 * anything else is a bug in lab, said so in one line (exit 3), with the stack only under LAB_DEBUG.
 * Returns the exit code.
 */
export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other parse problem is a usage error.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof LabError) {
    process.stderr.write(visible(`lab: ${error.message}\n`));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(visible(`lab: internal error (a bug in lab, please report it): ${message}\n`));
  if (process.env.LAB_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  else process.stderr.write('lab: set LAB_DEBUG=1 for the stack trace\n');
  return 3;
}
