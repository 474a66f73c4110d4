import { createWriteStream, type WriteStream } from 'node:fs';
import { openForAppend } from '../files/append-file.js';
import { CaseDebugBuffer } from './case-debug-buffer.js';
import { parseMarker } from './case-markers.js';
import { toDbgView, type DebugLine } from './debug-line.js';

/** dbgview.log keeps at most this much of a run, like the driver log's copy (collect-driver-log.ts). */
export const MAX_DBGVIEW_FILE_BYTES = 64 * 1024 * 1024;

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
  /** Bytes left before the file is cut (the in-memory slices per case go on). */
  private room: number;
  private readonly cutMark: string;

  constructor(logPath?: string, options: { maxFileBytes?: number } = {}) {
    // Never through a link planted at the name; appended to, so a resumed run keeps the first part.
    this.file = logPath ? createWriteStream('', { fd: openForAppend(logPath), highWaterMark: 1 << 20 }) : undefined;
    this.room = options.maxFileBytes ?? MAX_DBGVIEW_FILE_BYTES;
    this.cutMark = `---- lab: cut here, at ${this.room} bytes; each case keeps its own slice in the report ----\n`;
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
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    if (this.room <= 0) return;
    const bytes = Buffer.from(text);
    if (bytes.length <= this.room) {
      this.file?.write(bytes);
      this.room -= bytes.length;
      return;
    }
    // A runaway driver can print gigabytes: the file keeps the first part, cut at a line, and says so.
    const cut = bytes.lastIndexOf(10, this.room - 1);
    this.file?.write(Buffer.concat([bytes.subarray(0, cut + 1), Buffer.from(this.cutMark)]));
    this.room = 0;
  }

  async close(): Promise<void> {
    if (!this.file) return;
    this.flush();
    await new Promise<void>((resolve) => this.file!.end(resolve));
  }
}
