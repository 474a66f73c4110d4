const HEAD = 100;
const TAIL = 400;

/**
 * The debug lines of one case, bounded: a noisy driver printing a million lines keeps the first 100 and
 * the last 400 (the ones nearest a failure) plus a count of what was dropped. The full stream is in the
 * run's dbgview.log.
 */
export class CaseDebugBuffer {
  private readonly head: string[] = [];
  private tail: string[] = [];
  private dropped = 0;

  /** `text` is the line already in DbgView form (the stream formats each line once, for file and buffer). */
  push(text: string): void {
    if (this.head.length < HEAD) {
      this.head.push(text);
      return;
    }
    this.tail.push(text);
    if (this.tail.length > TAIL * 2) {
      this.dropped += this.tail.length - TAIL;
      this.tail = this.tail.slice(-TAIL);
    }
  }

  lines(): { lines: string[]; truncated: boolean } {
    const extra = Math.max(0, this.tail.length - TAIL);
    const dropped = this.dropped + extra;
    const tail = this.tail.slice(-TAIL);
    if (dropped === 0) return { lines: [...this.head, ...tail], truncated: false };
    return { lines: [...this.head, `... ${dropped} lines not shown (see dbgview.log) ...`, ...tail], truncated: true };
  }

  /** The last lines seen, for crash and hang evidence. */
  last(n: number): string[] {
    return [...this.head, ...this.tail].slice(-n);
  }
}
