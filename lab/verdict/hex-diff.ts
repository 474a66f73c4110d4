import type { ByteDiff } from './case-result.js';
import { plural } from './plural.js';

const ROW = 16;
const CONTEXT_ROWS = 2;
const MAX_ROWS = 8;

/** Compares two byte strings; undefined when equal, else where they differ and a readable dump. */
export function diffBytes(expected: Uint8Array, actual: Uint8Array): ByteDiff | undefined {
  const shorter = Math.min(expected.length, actual.length);
  let first = -1;
  for (let i = 0; i < shorter; i++) {
    if (expected[i] !== actual[i]) {
      first = i;
      break;
    }
  }
  if (first === -1 && expected.length === actual.length) return undefined;
  const at = first === -1 ? shorter : first;
  return { firstDifference: first, expectedLength: expected.length, actualLength: actual.length, text: render(expected, actual, at) };
}

/**
 * Side by side, 16 bytes a row, from two rows before the first difference; differing bytes are marked
 * with `*` in the gutter row under them, bytes past the end show as `..`.
 */
function render(expected: Uint8Array, actual: Uint8Array, at: number): string {
  const startRow = Math.max(0, Math.floor(at / ROW) - CONTEXT_ROWS);
  const rows = Math.min(MAX_ROWS, Math.ceil(Math.max(expected.length, actual.length) / ROW) - startRow);
  const cell = (bytes: Uint8Array, i: number) => (i < bytes.length ? bytes[i]!.toString(16).padStart(2, '0') : '..');
  const lines = [`first difference at byte ${at} (expected ${plural(expected.length, 'byte')}, got ${actual.length})`, `offset    ${'expected'.padEnd(ROW * 3)}  actual`];
  for (let r = startRow; r < startRow + Math.max(rows, 1); r++) {
    const base = r * ROW;
    const left: string[] = [];
    const right: string[] = [];
    const marks: string[] = [];
    for (let i = base; i < base + ROW; i++) {
      const e = cell(expected, i);
      const a = cell(actual, i);
      left.push(e);
      right.push(a);
      marks.push(e === a ? '  ' : '**');
    }
    lines.push(`${base.toString(16).padStart(8, '0')}  ${left.join(' ')}   ${right.join(' ')}`);
    if (marks.some((m) => m !== '  ')) lines.push(`          ${marks.join(' ')}   ${marks.join(' ')}`);
  }
  return lines.join('\n');
}

export function toHex(bytes: Uint8Array, max = 4096): string {
  return Buffer.from(bytes.subarray(0, max)).toString('hex');
}
