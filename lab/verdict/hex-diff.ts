import type { ByteDiff } from './case-result.js';
import { plural } from './plural.js';
import { firstDifference, firstRowShown, HEX_LAYOUT, hexRow, rowCount } from './hex-rows.js';

/** The text diff shows at most this many rows; the report page shows them all. */
const MAX_ROWS = 8;

/** Compares two byte strings; undefined when equal, else where they differ and a readable dump. */
export function diffBytes(expected: Uint8Array, actual: Uint8Array): ByteDiff | undefined {
  const at = firstDifference(expected, actual);
  if (at === -1) return undefined;
  const first = at < Math.min(expected.length, actual.length) ? at : -1;
  return { firstDifference: first, expectedLength: expected.length, actualLength: actual.length, text: render(expected, actual, at) };
}

/**
 * Side by side, 16 bytes a row (hex-rows.ts's layout), from two rows before the first difference;
 * differing bytes are marked with `*` in the gutter row under them, bytes past the end show as `..`.
 */
function render(expected: Uint8Array, actual: Uint8Array, at: number): string {
  const { row: ROW, context } = HEX_LAYOUT;
  const startRow = firstRowShown(at, ROW, context);
  const rows = Math.min(MAX_ROWS, rowCount(expected, actual, ROW) - startRow);
  const lines = [
    `first difference at byte ${at} (expected ${plural(expected.length, 'byte')}, got ${actual.length})`,
    `offset    ${'expected'.padEnd(ROW * 3)}  actual`,
  ];
  for (let r = startRow; r < startRow + Math.max(rows, 1); r++) {
    const row = hexRow(expected, actual, r, ROW);
    const marks = row.expected.map((c) => (c.differs ? '**' : '  '));
    lines.push(`${row.offset.toString(16).padStart(8, '0')}  ${row.expected.map((c) => c.hex).join(' ')}   ${row.actual.map((c) => c.hex).join(' ')}`);
    if (marks.some((m) => m !== '  ')) lines.push(`          ${marks.join(' ')}   ${marks.join(' ')}`);
  }
  return lines.join('\n');
}

export function toHex(bytes: Uint8Array, max = 4096): string {
  return Buffer.from(bytes.subarray(0, max)).toString('hex');
}
