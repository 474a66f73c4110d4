import { HarnessError, LabError } from '../errors/lab-error.js';

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EIO: 'the disk reported an I/O error',
};

/**
 * A file lab writes that could not be written (a full disk on CI, a lost mount): a harness error that
 * names the file and why, instead of a bare `ENOSPC: no space left on device, write` or a crash.
 */
export function writeError(path: string, error: unknown): LabError {
  if (error instanceof LabError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const why = WHY[code] ?? (error as Error).message;
  return new HarnessError(
    'LAB_WRITE_FAILED',
    `${path} could not be written: ${why}. Fix: make room on that disk (or write elsewhere with --out), then run again.`,
    { cause: error },
  );
}
