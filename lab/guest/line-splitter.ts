/**
 * Chunks of the guest runner's stdout (or of any line protocol) to whole lines. Decodes UTF-8 across chunk
 * boundaries, drops empty lines, keeps a trailing "\r" for the decoder to strip. A last piece without "\n"
 * (a runner killed mid-line) comes out of `end()`, so the caller sees it and can report it. Only new text
 * is scanned, so a line of many megabytes arriving in small chunks stays linear.
 */
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending: string[] = [];

  /** The lines completed by this chunk. */
  push(chunk: string | Uint8Array): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let nl = text.indexOf('\n');
    if (nl === -1) {
      if (text !== '') this.pending.push(text);
      return [];
    }
    const lines: string[] = [];
    const first = this.pending.length > 0 ? this.pending.join('') + text.slice(0, nl) : text.slice(0, nl);
    this.pending = [];
    if (first !== '' && first !== '\r') lines.push(first);
    let start = nl + 1;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      if (nl > start && !(nl === start + 1 && text[start] === '\r')) lines.push(text.slice(start, nl));
      start = nl + 1;
    }
    if (start < text.length) this.pending.push(text.slice(start));
    return lines;
  }

  /** The unterminated last piece, if any. */
  end(): string | null {
    const last = this.pending.join('') + this.decoder.end();
    this.pending = [];
    return last === '' || last === '\r' ? null : last;
  }
}

/** Lines of a stream, e.g. `for await (const line of readLines(child.stdout))`. */
export async function* readLines(source: AsyncIterable<string | Uint8Array>): AsyncGenerator<string, void, undefined> {
  const splitter = new LineSplitter();
  for await (const chunk of source) yield* splitter.push(chunk);
  const last = splitter.end();
  if (last !== null) yield last;
}
