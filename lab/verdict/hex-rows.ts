/**
 * The one layout of a hex diff: where two byte strings first differ, which rows show it, and each row's
 * cells, expected beside actual. The verdict's text diff (hex-diff.ts, in messages and report.json) and
 * the report page's grid (reporters/html/client/hex-diff.ts, bundled into report.html) both draw these
 * rows, so this file imports nothing and uses nothing of Node's.
 */
export const HEX_LAYOUT = {
  /** Bytes in a row. */
  row: 16,
  /** Rows shown above the row of the first difference. */
  context: 2,
} as const;

export interface HexCell {
  /** Two hex digits, or `..` past the end. */
  hex: string;
  /** The byte as a character when it is printable ASCII, else `.`; empty past the end. */
  text: string;
  /** The other side has another byte here, or none. */
  differs: boolean;
}

export interface HexRow {
  offset: number;
  expected: HexCell[];
  actual: HexCell[];
}

/** The first offset where the bytes differ (the shorter one's end when one is a prefix of the other); -1 when equal. */
export function firstDifference(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  const shorter = Math.min(expected.length, actual.length);
  for (let i = 0; i < shorter; i++) if (expected[i] !== actual[i]) return i;
  return expected.length === actual.length ? -1 : shorter;
}

/** The first row to show: a couple of rows of context above the first difference. */
export function firstRowShown(first: number, rowBytes: number, context: number): number {
  return Math.max(0, Math.floor(Math.max(first, 0) / rowBytes) - context);
}

/** How many rows the longer side fills (at least one). */
export function rowCount(expected: ArrayLike<number>, actual: ArrayLike<number>, rowBytes: number): number {
  return Math.max(1, Math.ceil(Math.max(expected.length, actual.length) / rowBytes));
}

/** Row `row` of the diff: both sides' cells, each marked where the other side differs. */
export function hexRow(expected: ArrayLike<number>, actual: ArrayLike<number>, row: number, rowBytes: number): HexRow {
  const cells = (bytes: ArrayLike<number>, other: ArrayLike<number>) => {
    const out: HexCell[] = [];
    for (let i = row * rowBytes; i < (row + 1) * rowBytes; i++) {
      const b = i < bytes.length ? bytes[i] : undefined;
      const o = i < other.length ? other[i] : undefined;
      out.push({
        hex: b === undefined ? '..' : b.toString(16).padStart(2, '0'),
        text: b === undefined ? '' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.',
        differs: b !== o,
      });
    }
    return out;
  };
  return { offset: row * rowBytes, expected: cells(expected, actual), actual: cells(actual, expected) };
}
