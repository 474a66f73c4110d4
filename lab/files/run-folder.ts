import { constants, lstatSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors/lab-error.js';
import { stillRunning, thisProcess, type ProcessIdentity } from './process-identity.js';
import { writeError } from './write-error.js';

const LOCK = '.lab-lock';
/** Files that only lab writes into a run folder: finding one means the folder already holds a run. */
const RUN_FILES =
  /^(run\.json|results\.jsonl|report\.(json|html)|junit\.xml|summary\.md|dbgview(\.worker-\d+)?\.log|plan(\.worker-\d+)?\.txt|collected|fuzz\.(json|html)|findings\.yaml|guest-output\.jsonl)$/;

export interface RunFolder {
  path: string;
  /** Lets go of the folder (also done on exit, however lab exits). */
  release(): void;
}

/**
 * Takes `dir` for one run (or one merge): it must be a folder (made when missing), not a file or a
 * dangling link; a folder holding another run's files is refused unless the run continues it (`resume`);
 * and a lock file made with O_EXCL keeps a second lab out while this one writes there. A lock whose lab
 * is gone (killed) is taken over.
 */
export function claimRunFolder(dir: string, options: { what: string; resume?: boolean; fix?: string }): RunFolder {
  prepareFolder(dir, options.what);
  if (!options.resume) {
    const found = readdirSync(dir).filter((name) => RUN_FILES.test(name));
    if (found.length > 0) {
      throw new UsageError(
        'LAB_OUT_NOT_EMPTY',
        `${options.what} ${dir} already holds a run (${found.slice(0, 4).join(', ')}); ` +
          `lab does not mix two runs in one folder. ` +
          `Fix: ${options.fix ?? 'give a new --out folder, delete this one, or finish that run with `lab run --resume`.'}`,
      );
    }
  }
  const lock = join(dir, LOCK);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      writeOwner(fd, lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(error, dir, lock, options.what);
      const owner = readOwner(lock);
      if (owner && stillRunning(owner)) {
        throw new UsageError(
          'LAB_OUT_IN_USE',
          `${options.what} ${dir} is in use by another lab (pid ${owner.pid}); two runs never share a folder. Fix: wait for it, or give another --out folder.`,
        );
      }
      unlinkSync(lock);
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      unlinkSync(lock);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return { path: dir, release };
}

function prepareFolder(dir: string, what: string): void {
  let link;
  try {
    link = lstatSync(dir);
  } catch {
    link = undefined;
  }
  if (link?.isSymbolicLink()) {
    let target;
    try {
      target = statSync(dir);
    } catch {
      throw new UsageError('LAB_OUT_NOT_A_FOLDER', `${what} ${dir} is a symbolic link to nothing. Fix: remove the link, or give a folder.`);
    }
    if (!target.isDirectory()) throw new UsageError('LAB_OUT_NOT_A_FOLDER', `${what} ${dir} is a link to something that is not a folder. Fix: give a folder.`);
    return;
  }
  if (link && !link.isDirectory())
    throw new UsageError('LAB_OUT_NOT_A_FOLDER', `${what} ${dir} is a file, not a folder. Fix: give a folder (it is made when missing).`);
  if (!link) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(
        'LAB_OUT_NOT_A_FOLDER',
        `${what} ${dir}: cannot make this folder (${(error as NodeJS.ErrnoException).code}). Fix: give a folder lab can write to.`,
      );
    }
  }
}

/** The lock names its lab; a lock that could not be written (a full disk) is removed, not left to block the next run. */
function writeOwner(fd: number, lock: string): void {
  try {
    writeSync(fd, JSON.stringify(thisProcess()));
  } catch (error) {
    unlinkSync(lock);
    throw writeError(lock, error);
  } finally {
    closeSync(fd);
  }
}

function readOwner(lock: string): ProcessIdentity | undefined {
  try {
    const fd = openSync(lock, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const owner = JSON.parse(readFileSync(fd, 'utf8')) as ProcessIdentity;
      return typeof owner.pid === 'number' ? owner : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function lockError(error: unknown, dir: string, lock: string, what: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST')
    return new UsageError('LAB_OUT_IN_USE', `${what} ${dir} is in use by another lab (${lock} appeared again). Fix: give another --out folder.`);
  if (code === 'ELOOP') return new UsageError('LAB_OUT_SYMLINK', `${what} ${dir}: ${LOCK} is a symbolic link. Fix: remove it.`);
  return writeError(lock, error);
}
