import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeError } from './write-error.js';

/** Temp files not yet renamed into place: a forced exit (a second Ctrl-C) removes them on its way out. */
const pending = new Set<string>();
const FLUSH_BYTES = 64 * 1024;
let exitHook = false;

/**
 * A file written complete or not at all: the text goes to a new temp file beside it (created with
 * O_EXCL, so a planted symlink or file is never followed or reused), then `commit` renames it over the
 * final name. rename(2) replaces a symlink at the final name, never the file it points to. A reader sees
 * the old file or the whole new one; an interrupted writer leaves neither half a file nor its temp file.
 * A write that fails (a full disk) throws LAB_WRITE_FAILED naming the file; `abandon` then removes the temp file.
 */
export class AtomicFile {
  private fd: number | undefined;
  private buffered: Uint8Array[] = [];
  private size = 0;
  readonly temp: string;

  constructor(readonly path: string) {
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(3).toString('hex')}.tmp`);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const temp of pending) tryUnlink(temp);
      });
    }
    try {
      this.fd = openSync(this.temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (error) {
      throw writeError(path, error);
    }
    pending.add(this.temp);
  }

  /**
   * Synchronous and buffered: a report comes in pieces of a few hundred bytes (a case each); they are
   * written 64 KiB at a time, far cheaper than a trip through the thread pool per piece.
   */
  write(text: string | Uint8Array): void {
    if (this.fd === undefined) throw new Error(`${this.path}: written after it was committed or abandoned`);
    const data = typeof text === 'string' ? Buffer.from(text) : text;
    this.buffered.push(data);
    this.size += data.length;
    if (this.size >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    const data = Buffer.concat(this.buffered);
    this.buffered = [];
    this.size = 0;
    try {
      for (let at = 0; at < data.length; ) at += writeSync(this.fd!, data, at, data.length - at);
    } catch (error) {
      throw writeError(this.path, error);
    }
  }

  /** Makes the file what was written (flushed to disk first, so a power cut cannot leave it empty). */
  commit(): void {
    if (this.fd === undefined) throw new Error(`${this.path}: committed twice`);
    this.flush();
    const fd = this.fd;
    try {
      fsyncSync(fd);
      // Forgotten before it is closed: Linux frees the descriptor even when close fails, so `abandon` must not close it again.
      this.fd = undefined;
      closeSync(fd);
      renameSync(this.temp, this.path);
    } catch (error) {
      throw writeError(this.path, error);
    }
    pending.delete(this.temp);
  }

  /** Leaves the final name as it was. Safe to call after commit (then it does nothing). */
  abandon(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (pending.delete(this.temp)) tryUnlink(this.temp);
  }
}

/** The whole of `data` as `path`, atomically (see AtomicFile). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const file = new AtomicFile(path);
  try {
    file.write(data);
    file.commit();
  } finally {
    file.abandon();
  }
}

/** Streams pieces into `path` atomically: `fill` writes, and throwing (or an interruption) leaves the old file. */
export async function writeAtomically(path: string, fill: (write: (text: string) => void) => Promise<void> | void): Promise<void> {
  const file = new AtomicFile(path);
  try {
    await fill((text) => file.write(text));
    file.commit();
  } finally {
    file.abandon();
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
