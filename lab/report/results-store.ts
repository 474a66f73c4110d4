import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { appendTo, openForAppend } from '../files/append-file.js';
import type { CaseResult } from '../verdict/case-result.js';

/**
 * results.jsonl: one line per finished case, written the moment it finishes, so a killed orchestrator
 * loses nothing finished and `--resume` knows what is done. Reporters read the cases back from here in
 * case order, one at a time, so the run never holds every result in memory.
 */
export class ResultsStore {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  /**
   * Synchronous on purpose: when append returns, the line is in the file (the kernel's page cache), so a
   * SIGKILL right after loses nothing; and one write of a few KiB costs microseconds, far less than the
   * bookkeeping of a stream.
   */
  async append(result: CaseResult): Promise<void> {
    const { index, ...rest } = result;
    this.fd ??= openForAppend(this.path);
    appendTo(this.fd, this.path, `${JSON.stringify({ index, ...rest })}\n`);
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Every stored case in case-index order; when a case was stored twice (a resumed run) the last line
   * wins. Two passes: line offsets first (numbers only in memory), then one line at a time.
   */
  static async *read(path: string): AsyncGenerator<CaseResult> {
    const where = await lineOffsets(path);
    if (where.size === 0) return;
    const fd = openSync(path, 'r');
    try {
      for (const index of [...where.keys()].sort((a, b) => a - b)) {
        const [offset, length] = where.get(index)!;
        const buffer = Buffer.allocUnsafe(length);
        readSync(fd, buffer, 0, length, offset);
        yield JSON.parse(buffer.toString('utf8')) as CaseResult;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** index → [offset, length] of its last complete, parseable line; a torn last line is ignored. */
async function lineOffsets(path: string): Promise<Map<number, [number, number]>> {
  const where = new Map<number, [number, number]>();
  let stream;
  try {
    stream = createReadStream(path);
    let offset = 0;
    let carry: Buffer = Buffer.alloc(0);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const data: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        const head = data.subarray(start, Math.min(nl, start + 32)).toString('latin1');
        const m = /^\{"index":(\d+),/.exec(head);
        if (m) where.set(Number(m[1]), [offset + start, nl - start]);
        start = nl + 1;
      }
      carry = data.subarray(start);
      offset += start;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return where;
    throw error;
  }
  return where;
}
