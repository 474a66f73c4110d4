import { hexRowsSource } from '../../../verdict/hex-rows.js';

/**
 * The hex diff of a step's output against the expected bytes, as a grid people can read: offset, the
 * expected and the actual 16 bytes of each row with differing bytes marked, and both as ASCII. Starts a
 * couple of rows above the first difference; the rest is one click away. The rows are laid out by
 * lab/verdict/hex-rows.ts, the same functions as the verdict's text diff, inlined here.
 */
export const CLIENT_HEX_DIFF = `
  ${hexRowsSource()}
  ${String.raw`
  var HEX_ROWS = 12;

  function hexBytes(hex) { return hex ? (String(hex).match(/../g) || []).map(function (h) { return parseInt(h, 16); }) : []; }

  function hexDiff(s) {
    var ex = s.expected || {};
    if (ex.output === undefined || s.output === undefined) return s.diff ? el('pre', { className: 'diff', text: s.diff.text }) : null;
    var want = hexBytes(ex.output);
    var got = hexBytes(s.output);
    var first = firstDifference(want, got);
    if (first < 0 && !s.diff) return null;
    var size = HEX_LAYOUT.row;
    var rows = rowCount(want, got, size);
    var from = firstRowShown(first, size, HEX_LAYOUT.context);
    var box = el('div', { className: 'hexdiff' });
    var lengths = 'expected ' + plural(s.diff ? s.diff.expectedLength : want.length, 'byte') + ', got ' + plural(s.diff ? s.diff.actualLength : got.length, 'byte');
    box.appendChild(el('div', { className: 'meta', text: (first >= 0 ? 'first difference at byte ' + first + ' (0x' + first.toString(16) + ') \u00b7 ' : '') + lengths }));
    var table = el('table', { className: 'hex' });
    table.appendChild(el('thead', null, [el('tr', null, ['offset', 'expected', 'actual', 'expected text', 'actual text'].map(function (t) { return el('th', { text: t }); }))]));
    var body = el('tbody');
    table.appendChild(body);
    var shownTo = Math.min(rows, from + HEX_ROWS);
    var fill = function (to) { for (var r = body.childNodes.length + from; r < to; r++) body.appendChild(hexRowElement(hexRow(want, got, r, size))); };
    fill(shownTo);
    box.appendChild(table);
    if (from > 0 || shownTo < rows) {
      box.appendChild(el('button', { type: 'button', className: 'more', text: 'show all ' + rows + ' rows', onclick: function (e) { clear(body); from = 0; fill(rows); e.target.remove(); } }));
    }
    return box;
  }

  function hexRowElement(row) {
    var cells = function (side) {
      return el('td', { className: 'bytes' }, side.map(function (c) { return el('span', { className: c.text === '' ? (c.differs ? 'b missing' : 'b') : c.differs ? 'b d' : 'b', text: c.hex }); }));
    };
    var ascii = function (side) {
      return el('td', { className: 'ascii' }, side.filter(function (c) { return c.text !== ''; }).map(function (c) { return el('span', { className: c.differs ? 'd' : '', text: c.text }); }));
    };
    return el('tr', null, [el('td', { className: 'off', text: row.offset.toString(16).padStart(8, '0') }), cells(row.expected), cells(row.actual), ascii(row.expected), ascii(row.actual)]);
  }
`}
`;
