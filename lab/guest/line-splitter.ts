/**
 * Chunks of the guest runner's stdout (or of any line protocol) to whole lines. Decodes UTF-8 across chunk
 * boundaries, drops empty lines, keeps a trailing "\r" for the decoder to strip. A last piece without "\n"
 * (a runner killed mid-line) comes out of `end()`, so the caller sees it and can report it. Only new text
 * is scanned, so a line of many megabytes arriving in small chunks stays linear.
 *
 * A line is held up to `maxLineChars`; past that the rest of it is counted, not kept, and the line comes
 * out cut with a mark. A program that writes hundreds of megabytes without a newline (a client on
 * stderr, a runaway driver) costs lab that much reading, never that much memory.
 */
import { StringDecoder } from 'node:string_decoder';

/** Enough for any line of the guest protocol (a step's output is at most 1 MiB, 2 MiB as hex). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending: string[] = [];
  private held = 0;
  private dropped = 0;

  constructor(private readonly maxLineChars = MAX_LINE_CHARS) {}

  /** The lines completed by this chunk. */
  push(chunk: string | Uint8Array): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.hold(text, start, nl);
      const line = this.take();
      if (line !== '' && line !== '\r') lines.push(line);
      start = nl + 1;
    }
    this.hold(text, start, text.length);
    return lines;
  }

  /** The unterminated last piece, if any. */
  end(): string | null {
    this.hold(this.decoder.end(), 0, Infinity);
    const last = this.take();
    return last === '' || last === '\r' ? null : last;
  }

  private hold(text: string, from: number, to: number): void {
    const end = Math.min(to, text.length);
    if (end <= from) return;
    const room = this.maxLineChars - this.held;
    const kept = Math.max(0, Math.min(end - from, room));
    if (kept > 0) {
      this.pending.push(from === 0 && kept === text.length ? text : text.slice(from, from + kept));
      this.held += kept;
    }
    this.dropped += end - from - kept;
  }

  private take(): string {
    const line = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    const cut = this.dropped > 0 ? `${line} [lab: line cut here; ${this.dropped} more characters not kept]` : line;
    this.pending = [];
    this.held = 0;
    this.dropped = 0;
    return cut;
  }
}

/** Lines of a stream, e.g. `for await (const line of readLines(child.stdout))`. */
export async function* readLines(source: AsyncIterable<string | Uint8Array>): AsyncGenerator<string, void, undefined> {
  const splitter = new LineSplitter();
  for await (const chunk of source) yield* splitter.push(chunk);
  const last = splitter.end();
  if (last !== null) yield last;
}
