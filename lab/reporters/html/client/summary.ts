/**
 * The top of report.html: what a reviewer reads first. The verdict and the gate's verdict, the run's
 * facts, a bar of outcomes whose parts filter the list, and the gate panel (why it fails, each class).
 */
export const CLIENT_SUMMARY = String.raw`
  var STATUSES = ['failed', 'crashed', 'hung', 'error', 'flaky', 'waived', 'inconclusive', 'passed', 'skipped'];
  var MARK = { passed: '\u2713', failed: '\u2717', crashed: '\u2620', hung: '\u29d7', skipped: '-', error: '!', flaky: '~', waived: '\u2248', inconclusive: '?' };
  var CLASSES = ['regression', 'new', 'fixed', 'still-failing', 'removed', 'waived', 'not-run', 'unchanged'];
  var CLASS_TITLE = { regression: 'regressions', 'new': 'new', fixed: 'fixed', 'still-failing': 'still failing', removed: 'removed', waived: 'waived', 'not-run': 'not run', unchanged: 'unchanged' };
  var CLASS_ONE = { regression: 'regression', 'new': 'new', fixed: 'fixed', 'still-failing': 'still failing', removed: 'removed', waived: 'waived', 'not-run': 'not run', unchanged: 'unchanged' };

  function renderHeader() {
    var h = data.header;
    var root = document.getElementById('header');
    var title = el('h1', null, [h.suite + ' on ' + h.target + ' ', el('span', { className: 'verdict ' + h.status, id: 'verdict', text: h.status })]);
    if (h.gate) title.appendChild(el('span', { className: 'verdict gate-' + h.gate.verdict, id: 'gate-verdict', text: 'gate ' + h.gate.verdict }));
    root.appendChild(title);
    var when = new Date(h.startedAt);
    var facts = ['run ' + h.runId, isNaN(when.getTime()) ? h.startedAt : when.toLocaleString(), (h.durationMs / 1000).toFixed(1) + ' s'];
    root.appendChild(el('div', { className: 'meta', text: facts.join(' \u00b7 ') }));
    if (h.driver) root.appendChild(el('div', { className: 'meta', text: 'driver ' + h.driver.path + ' \u00b7 sha256 ' + String(h.driver.sha256 || '').slice(0, 16) + '\u2026 \u00b7 ' + (h.driver.signed ? 'test-signed' : 'not signed') }));
    var info = Object.keys(h.targetInfo || {}).map(function (k) { return k + ': ' + h.targetInfo[k]; });
    if (h.lab) info.push('lab ' + h.lab.version + ' on node ' + h.lab.node);
    if (info.length) root.appendChild(el('div', { className: 'meta', text: info.join(' \u00b7 ') }));
    if (h.error) root.appendChild(el('div', { className: 'warn', text: 'The lab could not finish the run: ' + h.error.message }));
    document.title = 'lab: ' + h.suite + ' on ' + h.target + ': ' + h.status + (h.gate ? ', gate ' + h.gate.verdict : '');
  }

  function renderSummary() {
    var s = data.header.summary;
    var root = document.getElementById('summary');
    var bar = el('div', { className: 'bar', role: 'img', 'aria-label': 'outcomes' });
    var chips = el('div', { className: 'chips' });
    STATUSES.forEach(function (k) {
      var n = s[k] || 0;
      if (!n) return;
      var seg = el('span', { className: 'seg bg-' + k, title: n + ' ' + k });
      seg.style.flexGrow = String(n);
      bar.appendChild(seg);
      chips.appendChild(el('button', { type: 'button', className: 'chip st ' + k, 'data-status': k, text: MARK[k] + ' ' + n + ' ' + k, onclick: function () { setFilter({ status: k, gateClass: null }); } }));
    });
    root.appendChild(el('div', { className: 'total', text: plural(s.total, 'case') }));
    root.appendChild(bar);
    root.appendChild(chips);
  }

  function renderGate() {
    var g = data.header.gate;
    var root = document.getElementById('gate');
    if (!g) { root.hidden = true; return; }
    root.className = 'gate gate-' + g.verdict;
    var head = g.verdict === 'pass' ? 'Gate passes' : 'Gate fails';
    root.appendChild(el('h2', { text: head + (g.baseline ? ' against the baseline' : '') }));
    if (g.baseline) {
      var b = g.baseline;
      root.appendChild(el('div', { className: 'meta', text: 'baseline run ' + (b.runId || '?') + ' (' + b.path + ') \u00b7 ' + b.startedAt + ' \u00b7 ' + b.status + (g.allowNewFailures ? ' \u00b7 new failures allowed' : '') }));
    }
    // Expired waivers get their own lines below, with the waivers.
    var reasons = g.reasons.filter(function (r) { return r.indexOf('waiver ') !== 0; });
    if (reasons.length) root.appendChild(el('ul', { className: 'reasons' }, reasons.map(function (r) { return el('li', { text: r }); })));
    if (g.baseline) {
      var chips = el('div', { className: 'chips', id: 'gate-classes' });
      CLASSES.forEach(function (k) {
        var n = g.counts[k] || 0;
        if (!n || k === 'removed') return;
        chips.appendChild(el('button', { type: 'button', className: 'chip cls ' + k, 'data-class': k, text: n + ' ' + CLASS_TITLE[k], onclick: function () { setFilter({ status: 'all', gateClass: k }); } }));
      });
      root.appendChild(chips);
      if (g.removed.length) {
        var removed = el('details', { className: 'removed' }, [el('summary', { text: plural(g.removed.length, 'case') + ' in the baseline but not in this run' })]);
        removed.appendChild(el('ul', null, g.removed.map(function (r) { return el('li', null, [el('code', { text: r.id }), ' (' + r.status + ' in the baseline)']); })));
        root.appendChild(removed);
      }
    }
    var w = g.waivers;
    if (w) {
      root.appendChild(el('div', { className: 'meta', text: 'waivers ' + w.file + ': ' + plural(w.applied, 'case') + ' waived' }));
      w.expired.forEach(function (e) {
        root.appendChild(el('div', { className: 'expired' }, ['expired waiver ', el('code', { text: e.match }), ' (' + e.source + '): its last day was ' + e.expires + ', ' + plural(e.daysAgo, 'day') + ' ago \u2014 ' + e.reason]));
      });
      w.unused.forEach(function (u) {
        root.appendChild(el('div', { className: 'meta' }, ['unused waiver ', el('code', { text: u.match }), ' (' + u.source + '): no failing case matched it']));
      });
    }
  }
`;
