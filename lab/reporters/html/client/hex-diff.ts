/**
 * The hex diff of a step's output against the expected bytes, as a grid people can read: offset, the
 * expected and the actual 16 bytes of each row with differing bytes marked, and both as ASCII. Starts a
 * couple of rows above the first difference; the rest is one click away. The rows are laid out by
 * lab/verdict/hex-rows.ts, as the verdict's text diff is.
 */
import { clear, el, plural } from '../../../page/client/dom.js';
import type { StepReport } from '../../../verdict/case-result.js';
import { firstDifference, firstRowShown, HEX_LAYOUT, hexRow, rowCount, type HexCell, type HexRow } from '../../../verdict/hex-rows.js';

const HEX_ROWS = 12;

function hexBytes(hex: unknown): number[] {
  return hex ? (String(hex).match(/../g) || []).map((h) => parseInt(h, 16)) : [];
}

export function hexDiff(s: StepReport): HTMLElement | null {
  const ex: Record<string, unknown> = s.expected || {};
  if (ex.output === undefined || s.output === undefined) return s.diff ? el('pre', { className: 'diff', text: s.diff.text }) : null;
  const want = hexBytes(ex.output);
  const got = hexBytes(s.output);
  const first = firstDifference(want, got);
  if (first < 0 && !s.diff) return null;
  const size = HEX_LAYOUT.row;
  const rows = rowCount(want, got, size);
  let from = firstRowShown(first, size, HEX_LAYOUT.context);
  const box = el('div', { className: 'hexdiff' });
  const lengths = `expected ${plural(s.diff ? s.diff.expectedLength : want.length, 'byte')}, got ${plural(s.diff ? s.diff.actualLength : got.length, 'byte')}`;
  box.appendChild(el('div', { className: 'meta', text: (first >= 0 ? `first difference at byte ${first} (0x${first.toString(16)}) \u00b7 ` : '') + lengths }));
  const table = el('table', { className: 'hex' });
  table.appendChild(
    el('thead', null, [
      el(
        'tr',
        null,
        ['offset', 'expected', 'actual', 'expected text', 'actual text'].map((t) => el('th', { text: t })),
      ),
    ]),
  );
  const body = el('tbody');
  table.appendChild(body);
  const shownTo = Math.min(rows, from + HEX_ROWS);
  const fill = (to: number) => {
    for (let r = body.childNodes.length + from; r < to; r++) body.appendChild(rowElement(hexRow(want, got, r, size)));
  };
  fill(shownTo);
  box.appendChild(table);
  if (from > 0 || shownTo < rows) {
    const more = (e: Event) => {
      clear(body);
      from = 0;
      fill(rows);
      (e.target as HTMLElement).remove();
    };
    box.appendChild(el('button', { type: 'button', className: 'more', text: `show all ${rows} rows`, onclick: more }));
  }
  return box;
}

function rowElement(row: HexRow): HTMLElement {
  const cells = (side: HexCell[]) =>
    el(
      'td',
      { className: 'bytes' },
      side.map((c) => el('span', { className: c.text === '' ? (c.differs ? 'b missing' : 'b') : c.differs ? 'b d' : 'b', text: c.hex })),
    );
  const ascii = (side: HexCell[]) =>
    el(
      'td',
      { className: 'ascii' },
      side.filter((c) => c.text !== '').map((c) => el('span', { className: c.differs ? 'd' : '', text: c.text })),
    );
  return el('tr', null, [
    el('td', { className: 'off', text: row.offset.toString(16).padStart(8, '0') }),
    cells(row.expected),
    cells(row.actual),
    ascii(row.expected),
    ascii(row.actual),
  ]);
}
