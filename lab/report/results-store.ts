import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { CaseResult } from '../verdict/case-result.js';

/**
 * results.jsonl: one line per finished case, written the moment it finishes, so a killed orchestrator
 * loses nothing finished and `--resume` knows what is done. Reporters read the cases back from here in
 * case order, one at a time, so the run never holds every result in memory.
 */
export class ResultsStore {
  private readonly out: WriteStream;

  constructor(readonly path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
  }

  append(result: CaseResult): Promise<void> {
    // `index` first, so read() can find it without parsing the line.
    const { index, ...rest } = result;
    const line = `${JSON.stringify({ index, ...rest })}\n`;
    return new Promise((resolve, reject) => {
      if (this.out.write(line)) resolve();
      else this.out.once('drain', resolve).once('error', reject);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }

  /**
   * Every stored case in case-index order; when a case was stored twice (a resumed run) the last line
   * wins. Two passes: line offsets first (numbers only in memory), then one line at a time.
   */
  static async *read(path: string): AsyncGenerator<CaseResult> {
    const where = await lineOffsets(path);
    if (where.size === 0) return;
    const file = await open(path, 'r');
    try {
      for (const index of [...where.keys()].sort((a, b) => a - b)) {
        const [offset, length] = where.get(index)!;
        const buffer = Buffer.alloc(length);
        await file.read(buffer, 0, length, offset);
        yield JSON.parse(buffer.toString('utf8')) as CaseResult;
      }
    } finally {
      await file.close();
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
