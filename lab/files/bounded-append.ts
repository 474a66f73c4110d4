import { createWriteStream } from 'node:fs';
import { openForAppend } from './append-file.js';

/**
 * Lines appended to a file (never through a link planted at its name) until it holds `cap` bytes, then one
 * marker line and nothing more: a runaway guest cannot fill the disk.
 */
export function boundedAppender(path: string, cap: number): { write(line: string): void; close(): Promise<void> } {
  const stream = createWriteStream('', { fd: openForAppend(path), highWaterMark: 1 << 20 });
  let room = cap;
  return {
    write(line: string) {
      if (room <= 0) return;
      room -= Buffer.byteLength(line) + 1;
      stream.write(room >= 0 ? `${line}\n` : `---- lab: cut here, at ${cap} bytes ----\n`);
    },
    close: () => new Promise<void>((resolve) => stream.end(resolve)),
  };
}
