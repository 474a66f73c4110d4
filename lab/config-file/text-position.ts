/** A place in a file as editors count it: line and column from 1. */
export interface Position {
  line: number;
  column: number;
}

/** The position of a character offset in decoded text (JSON.parse's "at position N"). */
export function positionInText(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) {
    line += 1;
    lineStart = at + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The position of a byte offset in text that may not decode (a bad UTF-8 sequence, a NUL): lines are
 * counted in bytes, the column in characters of what decodes before it on that line.
 */
export function positionInBytes(bytes: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1 && at < offset; at = bytes.indexOf(0x0a, at + 1)) {
    line += 1;
    lineStart = at + 1;
  }
  const before = Buffer.from(bytes.subarray(lineStart, offset)).toString('utf8');
  // A byte-order mark is not a column.
  return { line, column: before.replace(/^\uFEFF/, '').length + 1 };
}
