import { close, constants, fstat, open as fsOpen, read } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';

/** What reading a file lab was pointed at gave: its bytes, no file there, or why it is refused. */
export type ReadOutcome = { bytes: Buffer } | { missing: NodeJS.ErrnoException } | { refused: string; tooBig?: true };

const CHUNK = 1024 * 1024;

/**
 * Reads at most `maxBytes` of a file lab did not write (or cannot trust), in memory bounded by the cap:
 * a regular file's size is checked before anything is read, and anything else (a pipe, `<(...)`, a
 * device) is read until its end or one byte past the cap, so /dev/zero is refused like a file that is too
 * big. A FIFO waits for its writer, as any program reading it would. `noun` names the file in the refusal:
 * "expected a suite, found 20.0 MiB (at most 4 MiB)".
 *
 * The file is opened non-blocking, and a FIFO or socket is read through the event loop, not the thread
 * pool: a thread blocked in open() or read() on a FIFO whose writer is slow keeps Node from exiting (its
 * exit joins the pool's threads), so a Ctrl-C while lab waited for `<(generate-suite)` hung until killed.
 */
export async function readBounded(path: string, maxBytes: number, noun: string): Promise<ReadOutcome> {
  let fd: number;
  try {
    fd = await openFd(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: error as NodeJS.ErrnoException };
    return { refused: `expected ${noun}, found a file lab cannot read (${code ?? (error as Error).message})` };
  }
  let owned = true;
  try {
    const info = await fstatFd(fd);
    if (info.isDirectory()) return { refused: `expected ${noun}, found a folder` };
    if (info.isFile() && info.size > maxBytes) return { refused: tooBig(noun, info.size, maxBytes), tooBig: true };
    let bytes: Buffer | undefined;
    if (info.isFIFO() || info.isSocket()) {
      owned = false;
      bytes = await readStream(fd, maxBytes);
    } else bytes = await readFd(fd, info.isFile() ? info.size + 1 : CHUNK, maxBytes);
    return bytes === undefined ? { refused: tooBig(noun, undefined, maxBytes), tooBig: true } : { bytes };
  } catch (error) {
    return { refused: `expected ${noun}, found a file lab cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  } finally {
    if (owned) await closeFd(fd);
  }
}

/**
 * A regular file in one read (one byte more, to see it grow), a device a chunk at a time, up to one byte
 * past the cap: its bytes, or undefined when it holds more (a file that grew since its size was read, or
 * a device with no size).
 */
async function readFd(fd: number, chunkSize: number, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = Math.min(chunkSize, maxBytes + 1 - total);
    const chunk = Buffer.allocUnsafe(want);
    const bytesRead = await readInto(fd, chunk, want);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) return undefined;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/**
 * A FIFO or socket read through the event loop (epoll), up to one byte past the cap: its bytes, or
 * undefined when it holds more. Until a writer has opened the FIFO, Linux reports no hang-up on it, so
 * this waits for the writer as a blocking read would. The socket owns the descriptor and closes it.
 */
function readStream(fd: number, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const socket = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    let total = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      if (total > maxBytes) {
        socket.destroy();
        resolve(undefined);
      }
    });
    socket.on('end', () => {
      socket.destroy();
      resolve(Buffer.concat(chunks, total));
    });
    socket.on('error', reject);
  });
}

const openFd = promisify(fsOpen);
const fstatFd = promisify(fstat);
const closeFd = promisify(close);
const readInto = (fd: number, buffer: Buffer, length: number) =>
  new Promise<number>((resolve, reject) => read(fd, buffer, 0, length, null, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));

function tooBig(noun: string, found: number | undefined, maxBytes: number): string {
  const [shown, max] =
    found !== undefined && formatSize(found) === `${(maxBytes / MIB).toFixed(1)} MiB`
      ? [bytes(found), bytes(maxBytes)]
      : [found === undefined ? `more than ${formatSize(maxBytes)}` : formatSize(found), formatSize(maxBytes)];
  return `expected ${noun}, found ${shown} (at most ${max})`;
}

const MIB = 1024 * 1024;

/** 4 MiB, 20.0 MiB, 300 bytes; a size that would read as the cap ("1.0 MiB, at most 1 MiB") is given in bytes. */
function formatSize(size: number): string {
  if (size < MIB) return bytes(size);
  return Number.isInteger(size / MIB) ? `${size / MIB} MiB` : `${(size / MIB).toFixed(1)} MiB`;
}

function bytes(size: number): string {
  return `${size.toLocaleString('en')} bytes`;
}
