import { createWriteStream, type WriteStream } from 'node:fs';
import { CaseDebugBuffer } from './case-debug-buffer.js';
import { parseMarker } from './case-markers.js';
import { toDbgView, type DebugLine } from './debug-line.js';

/**
 * The run's debug stream: numbers every line, appends it to dbgview.log (DbgView's format, the whole run
 * across sessions) and hands it to the case whose markers enclose it. Lines outside any case (driver load
 * and unload) go to the session buffer, which load failures and crashes between cases quote.
 */
export class DebugStream {
  private seq = 0;
  private current: number | undefined;
  private readonly cases = new Map<number, CaseDebugBuffer>();
  private session = new CaseDebugBuffer();
  private readonly file: WriteStream | undefined;

  /** Lines not yet written: one write per batch instead of one per line (a noisy driver prints thousands). */
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(logPath?: string) {
    this.file = logPath ? createWriteStream(logPath, { flags: 'a', highWaterMark: 1 << 20 }) : undefined;
  }

  push(partial: Omit<DebugLine, 'seq'>): DebugLine {
    const line: DebugLine = { ...partial, seq: ++this.seq };
    const text = toDbgView(line);
    if (this.file) {
      this.pending.push(text);
      if (this.pending.length >= 512) this.flush();
      else this.flushTimer ??= setTimeout(() => this.flush(), 100);
    }
    const marker = line.source === 'user' ? parseMarker(line.text) : undefined;
    if (marker?.edge === 'begin') {
      this.current = marker.index;
      // A case run again (after a crash cut its session short) keeps only the attempt that counts.
      this.cases.set(marker.index, new CaseDebugBuffer());
    }
    const bucket = this.current === undefined ? this.session : this.bufferOf(this.current);
    bucket.push(text);
    if (marker?.edge === 'end' && this.current === marker.index) this.current = undefined;
    return line;
  }

  /** The case currently between its begin and end markers in the stream, if any. */
  get openCase(): number | undefined {
    return this.current;
  }

  bufferOf(index: number): CaseDebugBuffer {
    let buffer = this.cases.get(index);
    if (!buffer) {
      buffer = new CaseDebugBuffer();
      this.cases.set(index, buffer);
    }
    return buffer;
  }

  /** Hands over (and forgets) a case's lines, so memory stays flat over long runs. */
  take(index: number): CaseDebugBuffer {
    const buffer = this.bufferOf(index);
    this.cases.delete(index);
    return buffer;
  }

  sessionLines(): CaseDebugBuffer {
    return this.session;
  }

  /** A new guest session starts outside any case. */
  newSession(): void {
    this.current = undefined;
    this.session = new CaseDebugBuffer();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    this.file?.write(`${this.pending.join('\n')}\n`);
    this.pending = [];
  }

  async close(): Promise<void> {
    if (!this.file) return;
    this.flush();
    await new Promise<void>((resolve) => this.file!.end(resolve));
  }
}
