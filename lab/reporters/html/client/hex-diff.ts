/**
 * The hex diff of a step's output against the expected bytes, as a grid people can read: offset, the
 * expected and the actual 16 bytes of each row with differing bytes marked, and both as ASCII. Starts a
 * couple of rows above the first difference; the rest is one click away.
 */
export const CLIENT_HEX_DIFF = String.raw`
  var HEX_ROWS = 12;

  function hexBytes(hex) { return hex ? String(hex).match(/../g) || [] : []; }

  function hexDiff(s) {
    var ex = s.expected || {};
    if (ex.output === undefined || s.output === undefined) return s.diff ? el('pre', { className: 'diff', text: s.diff.text }) : null;
    var want = hexBytes(ex.output);
    var got = hexBytes(s.output);
    var first = -1;
    for (var i = 0; i < Math.max(want.length, got.length); i++) if (want[i] !== got[i]) { first = i; break; }
    if (first < 0 && !s.diff) return null;
    var rows = Math.max(1, Math.ceil(Math.max(want.length, got.length) / 16));
    var from = Math.max(0, Math.floor(Math.max(first, 0) / 16) - 2);
    var box = el('div', { className: 'hexdiff' });
    var lengths = 'expected ' + plural(s.diff ? s.diff.expectedLength : want.length, 'byte') + ', got ' + plural(s.diff ? s.diff.actualLength : got.length, 'byte');
    box.appendChild(el('div', { className: 'meta', text: (first >= 0 ? 'first difference at byte ' + first + ' (0x' + first.toString(16) + ') \u00b7 ' : '') + lengths }));
    var table = el('table', { className: 'hex' });
    table.appendChild(el('thead', null, [el('tr', null, ['offset', 'expected', 'actual', 'expected text', 'actual text'].map(function (t) { return el('th', { text: t }); }))]));
    var body = el('tbody');
    table.appendChild(body);
    var shownTo = Math.min(rows, from + HEX_ROWS);
    var fill = function (to) { for (var r = body.childNodes.length + from; r < to; r++) body.appendChild(hexRow(r, want, got)); };
    fill(shownTo);
    box.appendChild(table);
    if (from > 0 || shownTo < rows) {
      box.appendChild(el('button', { type: 'button', className: 'more', text: 'show all ' + rows + ' rows', onclick: function (e) { clear(body); from = 0; fill(rows); e.target.remove(); } }));
    }
    return box;
  }

  function hexRow(r, want, got) {
    var cells = function (bytes, other) {
      var td = el('td', { className: 'bytes' });
      for (var i = r * 16; i < r * 16 + 16; i++) {
        var b = bytes[i];
        var differs = b !== other[i];
        td.appendChild(el('span', { className: b === undefined ? (differs ? 'b missing' : 'b') : differs ? 'b d' : 'b', text: b === undefined ? '..' : b }));
      }
      return td;
    };
    var ascii = function (bytes, other) {
      var td = el('td', { className: 'ascii' });
      for (var i = r * 16; i < r * 16 + 16 && i < bytes.length; i++) {
        var code = parseInt(bytes[i], 16);
        td.appendChild(el('span', { className: bytes[i] !== other[i] ? 'd' : '', text: code >= 0x20 && code < 0x7f ? String.fromCharCode(code) : '.' }));
      }
      return td;
    };
    return el('tr', null, [el('td', { className: 'off', text: (r * 16).toString(16).padStart(8, '0') }), cells(want, got), cells(got, want), ascii(want, got), ascii(got, want)]);
  }
`;
