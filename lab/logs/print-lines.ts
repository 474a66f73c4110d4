/**
 * DbgPrint calls as DbgView shows them: a call without a trailing newline continues the line, a newline
 * inside one call starts a new line, and a call longer than 512 bytes is cut there, because that is all
 * Windows hands a debugger of one DbgPrint. The cut is marked where it happened, and ends the line: the
 * newline it cut off would otherwise glue the next call's text onto it.
 */
export interface PrintPiece {
  pid: number;
  /** The call's text as the target delivered it (at most 512 bytes of it). */
  text: string;
  /** How many bytes the call printed, when known. */
  bytes?: number;
  /** Set instead of `bytes` when the target kept only this many and the call printed more. */
  atLeast?: number;
}

export interface PrintLine {
  pid: number;
  text: string;
}

/** Bytes of one DbgPrint that Windows passes on. */
export const DBGPRINT_SHOWN_BYTES = 512;

export function cutMark(piece: Pick<PrintPiece, 'bytes' | 'atLeast'>): string | undefined {
  if (piece.atLeast !== undefined) return ` [cut at ${DBGPRINT_SHOWN_BYTES} bytes, as Windows cuts a DbgPrint: it printed over ${piece.atLeast - 1} bytes]`;
  if (piece.bytes !== undefined && piece.bytes > DBGPRINT_SHOWN_BYTES)
    return ` [cut at ${DBGPRINT_SHOWN_BYTES} bytes, as Windows cuts a DbgPrint: it printed ${piece.bytes} bytes]`;
  return undefined;
}

export class PrintJoiner {
  private readonly partial = new Map<number, string>();

  /** The lines this call completes (none when it only continues a line). */
  push(piece: PrintPiece): PrintLine[] {
    const mark = cutMark(piece);
    const text = (this.partial.get(piece.pid) ?? '') + piece.text + (mark ? `${mark}\n` : '');
    const parts = text.split('\n');
    const rest = parts.pop()!;
    if (rest === '') this.partial.delete(piece.pid);
    else this.partial.set(piece.pid, rest);
    return parts.map((line) => ({ pid: piece.pid, text: line.replace(/\r$/, '') }));
  }

  /** Lines still open, as they are: before a case marker (so they stay in their case) and at the end. */
  flush(): PrintLine[] {
    const lines = [...this.partial].map(([pid, text]) => ({ pid, text: text.replace(/\r$/, '') }));
    this.partial.clear();
    return lines;
  }
}
