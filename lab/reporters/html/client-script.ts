/**
 * The report page's script, inlined into report.html. It renders from the embedded JSON with DOM calls and
 * textContent only, never innerHTML, so whatever a driver prints (`<script>`, `<img onerror>`) is shown
 * as text and cannot run. Plain ES2020 for any browser; tested in Chromium (report-html.test.ts).
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lab-data').textContent);
  var STATUSES = ['passed', 'failed', 'crashed', 'hung', 'error', 'flaky', 'skipped'];
  var MARK = { passed: '\u2713', failed: '\u2717', crashed: '\u2620', hung: '\u29d7', skipped: '-', error: '!', flaky: '~' };
  var state = { status: 'all', query: '' };
  var open = {};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else if (k.indexOf('on') === 0) node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }

  function header() {
    var h = data.header;
    var s = h.summary;
    var root = document.getElementById('header');
    root.appendChild(el('h1', null, [h.suite + ' on ' + h.target, el('span', { className: 'verdict ' + h.status, text: h.status })]));
    var when = new Date(h.startedAt);
    root.appendChild(el('div', { className: 'meta', text: 'run ' + h.runId + ' \u00b7 ' + when.toLocaleString() + ' \u00b7 ' + (h.durationMs / 1000).toFixed(1) + ' s \u00b7 driver ' + h.driver.path + ' (sha256 ' + h.driver.sha256.slice(0, 16) + '\u2026, ' + (h.driver.signed ? 'signed' : 'not signed') + ')' }));
    var counts = el('div', { className: 'meta summary-counts' });
    STATUSES.forEach(function (k) { if (s[k]) counts.appendChild(el('span', { className: 'st ' + k, text: MARK[k] + ' ' + s[k] + ' ' + k })); });
    root.appendChild(counts);
    var facts = Object.keys(h.targetInfo || {}).map(function (k) { return k + ': ' + h.targetInfo[k]; });
    if (facts.length) root.appendChild(el('div', { className: 'meta', text: facts.join(' \u00b7 ') }));
  }

  function controls() {
    var root = document.getElementById('controls');
    var counts = data.header.summary;
    ['all'].concat(STATUSES).forEach(function (k) {
      if (k !== 'all' && !counts[k]) return;
      var b = el('button', { type: 'button', 'data-status': k, 'aria-pressed': String(state.status === k), text: k === 'all' ? 'all ' + counts.total : MARK[k] + ' ' + k + ' ' + counts[k], onclick: function () { state.status = k; render(); } });
      root.appendChild(b);
    });
    var input = el('input', { type: 'search', id: 'search', placeholder: 'filter by id, name, message\u2026', 'aria-label': 'filter cases', oninput: function (e) { state.query = e.target.value.toLowerCase(); render(); } });
    root.appendChild(input);
  }

  function matches(c) {
    if (state.status !== 'all' && c.status !== state.status) return false;
    if (!state.query) return true;
    return (c.id + ' ' + c.name + ' ' + (c.message || '')).toLowerCase().indexOf(state.query) >= 0;
  }

  function render() {
    Array.prototype.forEach.call(document.querySelectorAll('#controls button'), function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-status') === state.status)); });
    var body = document.getElementById('rows');
    body.textContent = '';
    var shown = 0;
    data.cases.forEach(function (c) {
      if (!matches(c)) return;
      shown++;
      var row = el('tr', { className: 'case', 'data-id': c.id, 'data-status': c.status, onclick: function () { open[c.id] = !open[c.id]; render(); } }, [
        el('td', { className: 'st ' + c.status, text: MARK[c.status] + ' ' + c.status }),
        el('td', { className: 'id', text: c.id }),
        el('td', { text: c.blame || '' }),
        el('td', { text: c.durationMs + ' ms' }),
        el('td', { className: 'msg', text: (c.message || '').split('\n')[0], title: c.message || '' }),
      ]);
      body.appendChild(row);
      if (open[c.id]) body.appendChild(el('tr', { className: 'detail', 'data-detail-for': c.id }, [el('td', { colspan: '5' }, [detail(c)])]));
    });
    document.getElementById('empty').hidden = shown > 0;
    document.getElementById('shown').textContent = shown + ' of ' + data.cases.length + ' cases';
  }

  function pre(text, cls) { return el('pre', { className: cls || '', text: text }); }

  function detail(c) {
    var box = el('div', { className: 'detail' });
    box.appendChild(el('h3', { text: c.name }));
    if (c.source) box.appendChild(el('div', { className: 'meta', text: 'defined at ' + c.source + (c.params ? ' \u00b7 parameters ' + JSON.stringify(c.params) : '') }));
    if (c.message) { box.appendChild(el('h3', { text: 'Why' })); box.appendChild(pre(c.message, 'message')); }
    if (c.steps && c.steps.length) box.appendChild(stepsTable(c.steps));
    c.steps.forEach(function (s) { if (s.diff) { box.appendChild(el('h3', { text: 'Step ' + s.index + ': output against expectation' })); box.appendChild(pre(s.diff.text, 'diff')); } });
    if (c.evidence) {
      box.appendChild(el('h3', { text: 'Crash evidence' }));
      box.appendChild(pre([c.evidence.signature].concat(c.evidence.backtrace ? ['', c.evidence.backtrace] : []).concat(c.evidence.lastLines && c.evidence.lastLines.length ? ['', 'last lines before it:'].concat(c.evidence.lastLines) : []).join('\n'), 'evidence'));
    }
    if (c.attempts && c.attempts.length) {
      box.appendChild(el('h3', { text: 'Attempts' }));
      box.appendChild(pre(c.attempts.map(function (a, i) { return (i + 1) + '. ' + a.status + (a.message ? ': ' + a.message.split('\n')[0] : ''); }).join('\n')));
    }
    if (c.log) {
      box.appendChild(el('h3', { text: 'Debug stream (DbgView format)' }));
      box.appendChild(pre(c.log.debug.length ? c.log.debug.join('\n') : '(nothing)', 'log-debug'));
      box.appendChild(el('h3', { text: 'Driver log' }));
      box.appendChild(pre(c.log.driverLog.length ? c.log.driverLog.join('\n') : '(nothing)', 'log-driver'));
    }
    return box;
  }

  function stepsTable(steps) {
    var head = el('tr', null, ['#', 'step', 'in', 'out', 'error (expected)', 'returned (expected)', '\u00b5s', 'problems'].map(function (t) { return el('th', { text: t }); }));
    var rows = steps.map(function (s) {
      var ex = s.expected || {};
      var name = s.kind === 'ioctl' ? s.ioctlName + ' 0x' + (s.ioctl >>> 0).toString(16) : s.kind + (s.implicit ? ' (implicit)' : '');
      if (s.parallel) name = 'parallel ' + s.parallel.threads + '\u00d7' + s.parallel.iterations;
      return el('tr', { className: s.ok ? '' : 'bad' }, [
        el('td', { text: String(s.index) }), el('td', { text: name }),
        el('td', { text: s.inLength === undefined ? '' : String(s.inLength) }), el('td', { text: s.outLength === undefined ? '' : String(s.outLength) }),
        el('td', { text: (s.error === null ? 'not run' : String(s.error)) + (ex.error !== undefined ? ' (' + ex.error + ')' : '') }),
        el('td', { text: (s.bytesReturned === undefined ? '' : String(s.bytesReturned)) + (ex.bytesReturned !== undefined ? ' (' + ex.bytesReturned + ')' : '') }),
        el('td', { text: s.elapsedUs === undefined ? '' : String(Math.round(s.elapsedUs)) }),
        el('td', { text: (s.problems || []).join('; ') }),
      ]);
    });
    return el('table', { className: 'steps' }, [el('thead', null, [head]), el('tbody', null, rows)]);
  }

  header();
  controls();
  if (data.header.warnings && data.header.warnings.length) {
    var w = document.getElementById('warnings');
    data.header.warnings.forEach(function (t) { w.appendChild(el('div', { className: 'warn', text: t })); });
  }
  render();
  document.body.setAttribute('data-ready', 'true');
})();
`;
