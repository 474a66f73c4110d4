import { open } from 'node:fs/promises';

/** What reading a file lab was pointed at gave: its bytes, no file there, or why it is refused. */
export type ReadOutcome = { bytes: Buffer } | { missing: NodeJS.ErrnoException } | { refused: string; tooBig?: true };

const CHUNK = 1024 * 1024;

/**
 * Reads at most `maxBytes` of a file lab did not write (or cannot trust), in memory bounded by the cap:
 * a regular file's size is checked before anything is read, and anything else (a pipe, `<(...)`, a
 * device) is read until its end or one byte past the cap, so /dev/zero is refused like a file that is too
 * big. A FIFO waits for its writer, as any program reading it would. `noun` names the file in the refusal:
 * "expected a suite, found 20.0 MiB (at most 4 MiB)".
 */
export async function readBounded(path: string, maxBytes: number, noun: string): Promise<ReadOutcome> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: error as NodeJS.ErrnoException };
    return { refused: `expected ${noun}, found a file lab cannot read (${code ?? (error as Error).message})` };
  }
  try {
    const info = await file.stat();
    if (info.isDirectory()) return { refused: `expected ${noun}, found a folder` };
    if (info.isFile() && info.size > maxBytes) return { refused: tooBig(noun, info.size, maxBytes), tooBig: true };
    // A regular file in one read (one byte more, to see it grow); a stream a chunk at a time.
    const chunkSize = info.isFile() ? info.size + 1 : CHUNK;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = Math.min(chunkSize, maxBytes + 1 - total);
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await file.read(chunk, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      // A file that grew since its size was read, or a stream with no size: refused once past the cap.
      if (total > maxBytes) return { refused: tooBig(noun, undefined, maxBytes), tooBig: true };
    }
    return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
  } catch (error) {
    return { refused: `expected ${noun}, found a file lab cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  } finally {
    await file.close();
  }
}

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
