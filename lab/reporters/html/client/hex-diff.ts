/**
 * The hex diff of a step's output against the expected bytes, as a grid people can read: offset, the
 * expected and the actual 16 bytes of each row with differing bytes marked, and both as ASCII. Starts a
 * couple of rows above the first difference; the rest is one click away.
 */
import { clear, el, plural } from '../../../page/client/dom.js';
import type { StepReport } from '../../../verdict/case-result.js';

const HEX_ROWS = 12;

function hexBytes(hex: unknown): string[] {
  return hex ? String(hex).match(/../g) || [] : [];
}

export function hexDiff(s: StepReport): HTMLElement | null {
  const ex: Record<string, unknown> = s.expected || {};
  if (ex.output === undefined || s.output === undefined) return s.diff ? el('pre', { className: 'diff', text: s.diff.text }) : null;
  const want = hexBytes(ex.output);
  const got = hexBytes(s.output);
  let first = -1;
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    if (want[i] !== got[i]) {
      first = i;
      break;
    }
  }
  if (first < 0 && !s.diff) return null;
  const rows = Math.max(1, Math.ceil(Math.max(want.length, got.length) / 16));
  let from = Math.max(0, Math.floor(Math.max(first, 0) / 16) - 2);
  const box = el('div', { className: 'hexdiff' });
  const lengths = `expected ${plural(s.diff ? s.diff.expectedLength : want.length, 'byte')}, got ${plural(s.diff ? s.diff.actualLength : got.length, 'byte')}`;
  box.appendChild(el('div', { className: 'meta', text: (first >= 0 ? `first difference at byte ${first} (0x${first.toString(16)}) \u00b7 ` : '') + lengths }));
  const table = el('table', { className: 'hex' });
  table.appendChild(el('thead', null, [el('tr', null, ['offset', 'expected', 'actual', 'expected text', 'actual text'].map((t) => el('th', { text: t })))]));
  const body = el('tbody');
  table.appendChild(body);
  const shownTo = Math.min(rows, from + HEX_ROWS);
  const fill = (to: number) => {
    for (let r = body.childNodes.length + from; r < to; r++) body.appendChild(hexRow(r, want, got));
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

function hexRow(r: number, want: string[], got: string[]): HTMLElement {
  const cells = (bytes: string[], other: string[]) => {
    const td = el('td', { className: 'bytes' });
    for (let i = r * 16; i < r * 16 + 16; i++) {
      const b = bytes[i];
      const differs = b !== other[i];
      td.appendChild(el('span', { className: b === undefined ? (differs ? 'b missing' : 'b') : differs ? 'b d' : 'b', text: b === undefined ? '..' : b }));
    }
    return td;
  };
  const ascii = (bytes: string[], other: string[]) => {
    const td = el('td', { className: 'ascii' });
    for (let i = r * 16; i < r * 16 + 16 && i < bytes.length; i++) {
      const code = parseInt(bytes[i]!, 16);
      td.appendChild(el('span', { className: bytes[i] !== other[i] ? 'd' : '', text: code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '.' }));
    }
    return td;
  };
  return el('tr', null, [el('td', { className: 'off', text: (r * 16).toString(16).padStart(8, '0') }), cells(want, got), cells(got, want), ascii(want, got), ascii(got, want)]);
}
