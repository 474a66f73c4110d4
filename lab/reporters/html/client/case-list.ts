/**
 * The list of cases: status buttons, the gate class filter, a search box, and one row per case that
 * opens its details. The view state lives in `view`; the URL hash `#case=<id>` opens one case (links
 * from the history page and from chat), `#print` lists every case and opens those that did not pass
 * (the PDF export).
 */
export const CLIENT_CASE_LIST = String.raw`
  var ATTENTION = { failed: 1, crashed: 1, hung: 1, error: 1, flaky: 1 };
  var view = { status: 'all', gateClass: null, query: '' };
  var open = {};

  function attentionCount() {
    return data.cases.filter(needsAttention).length;
  }
  function needsAttention(c) { return ATTENTION[c.status] === 1 || (c.gate && c.gate.class === 'regression'); }

  function renderControls() {
    var root = document.getElementById('controls');
    var s = data.header.summary;
    var buttons = [['attention', '\u26a0 needs attention ' + attentionCount()], ['all', 'all ' + s.total]];
    STATUSES.forEach(function (k) { if (s[k]) buttons.push([k, MARK[k] + ' ' + k + ' ' + s[k]]); });
    buttons.forEach(function (b) {
      root.appendChild(el('button', { type: 'button', className: 'filter', 'data-status': b[0], 'aria-pressed': 'false', text: b[1], onclick: function () { setFilter({ status: b[0], gateClass: null }); } }));
    });
    root.appendChild(el('input', { type: 'search', id: 'search', placeholder: 'search id, name, message, parameters\u2026', 'aria-label': 'search cases', oninput: function (e) { view.query = e.target.value.toLowerCase(); renderRows(); } }));
  }

  function setFilter(next) {
    view.status = next.status;
    view.gateClass = next.gateClass;
    renderRows();
  }

  function matches(c) {
    if (view.gateClass && !(c.gate && c.gate.class === view.gateClass)) return false;
    if (view.status === 'attention' && !needsAttention(c)) return false;
    if (view.status !== 'all' && view.status !== 'attention' && c.status !== view.status) return false;
    if (!view.query) return true;
    var hay = [c.id, c.name, c.message || '', c.params ? JSON.stringify(c.params) : '', c.waiver ? c.waiver.reason : ''].join(' ').toLowerCase();
    return hay.indexOf(view.query) >= 0;
  }

  function renderRows() {
    Array.prototype.forEach.call(document.querySelectorAll('#controls button.filter'), function (b) {
      b.setAttribute('aria-pressed', String(!view.gateClass && b.getAttribute('data-status') === view.status));
    });
    Array.prototype.forEach.call(document.querySelectorAll('#gate-classes button'), function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-class') === view.gateClass));
    });
    var hasGate = Boolean(data.header.gate && data.header.gate.baseline);
    var body = clear(document.getElementById('rows'));
    var shown = 0;
    data.cases.forEach(function (c) {
      if (!matches(c)) return;
      shown++;
      var isOpen = Boolean(open[c.id]);
      var toggle = function () { open[c.id] = !open[c.id]; if (open[c.id]) location.hash = 'case=' + encodeURIComponent(c.id); renderRows(); };
      var cells = [
        el('td', { className: 'st ' + c.status, text: MARK[c.status] + ' ' + c.status }),
        el('td', { className: 'id' }, [el('span', { className: 'twisty', text: isOpen ? '\u25be ' : '\u25b8 ' }), c.id]),
      ];
      if (hasGate) cells.push(el('td', { className: c.gate ? 'cls ' + c.gate.class : '', text: c.gate ? CLASS_ONE[c.gate.class] : '' }));
      cells.push(el('td', { text: c.blame || '' }), el('td', { className: 'num', text: ms(c.durationMs) }), el('td', { className: 'msg', text: firstLine(c), title: c.message || '' }));
      body.appendChild(el('tr', { className: 'case', tabindex: '0', 'aria-expanded': String(isOpen), 'data-id': c.id, 'data-status': c.status, onclick: toggle, onkeydown: function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } } }, cells));
      if (isOpen) body.appendChild(el('tr', { className: 'detail', 'data-detail-for': c.id }, [el('td', { colspan: String(cells.length) }, [caseDetail(c)])]));
    });
    document.getElementById('gate-col').hidden = !hasGate;
    document.getElementById('empty').hidden = shown > 0;
    var what = view.gateClass ? 'gate: ' + CLASS_TITLE[view.gateClass] : view.status === 'attention' ? 'cases that need attention' : view.status === 'all' ? 'all cases' : view.status;
    document.getElementById('shown').textContent = shown + ' of ' + data.cases.length + ' cases \u00b7 showing ' + what + (view.query ? ' matching \u201c' + view.query + '\u201d' : '');
  }

  function firstLine(c) {
    if (c.status === 'waived' && c.waiver) return 'waived (' + c.waiver.status + '): ' + c.waiver.reason;
    return (c.message || '').split('\n')[0];
  }

  /** The first view: what needs attention when anything does, otherwise everything. */
  function initialView() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash === 'print') {
      // On paper: every case listed, the ones that did not pass (or were waived, or could not be judged) opened.
      view.status = 'all';
      data.cases.forEach(function (c) { if (needsAttention(c) || c.status === 'waived' || c.status === 'inconclusive') open[c.id] = true; });
      return;
    }
    if (hash.indexOf('case=') === 0) {
      var id = hash.slice(5);
      if (data.cases.some(function (c) { return c.id === id; })) { open[id] = true; view.status = 'all'; return; }
    }
    view.status = attentionCount() ? 'attention' : 'all';
  }

  function scrollToOpen() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash.indexOf('case=') !== 0) return;
    var row = Array.prototype.find.call(document.querySelectorAll('tr.case'), function (r) { return r.getAttribute('data-id') === hash.slice(5); });
    if (row) row.scrollIntoView({ block: 'start' });
  }
`;
