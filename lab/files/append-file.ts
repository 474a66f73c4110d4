import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { UsageError } from '../errors/lab-error.js';
import { writeError } from './write-error.js';

/**
 * Opens a file lab appends to (results.jsonl, dbgview.log, a collected driver log) without following a
 * symlink at its name: a link planted in the run folder must not make lab write somewhere else.
 */
export function openForAppend(path: string): number {
  try {
    return openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UsageError(
        'LAB_OUT_SYMLINK',
        `${path} is a symbolic link; lab writes its run files itself and never through a link. Fix: remove the link, or use a new --out folder.`,
      );
    }
    throw error;
  }
}

/** Appends to a file opened by openForAppend; a write that fails (a full disk) names the file (LAB_WRITE_FAILED). */
export function appendTo(fd: number, path: string, data: string | Uint8Array): void {
  try {
    if (typeof data === 'string') writeSync(fd, data);
    else writeSync(fd, data);
  } catch (error) {
    throw writeError(path, error);
  }
}

/** Opens, appends and closes: for a file lab appends to once in a while. */
export function appendOnce(path: string, data: string | Uint8Array): void {
  const fd = openForAppend(path);
  try {
    appendTo(fd, path, data);
  } finally {
    closeSync(fd);
  }
}
