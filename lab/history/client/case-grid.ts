/**
 * The flaky cases and the case grid: each case's status in every run as a row of cells, its durations as
 * a sparkline, filters (failing now, flaky, changed, all) and search; a row opens the case's runs, each
 * linking to that run's report opened at the case.
 */
export const CLIENT_CASE_GRID = String.raw`
  var FAILING = { failed: 1, crashed: 1, hung: 1, error: 1 };
  var grid = { filter: 'changed', query: '' };
  var openCase = {};
  var LIMIT = 500;

  function flakyTable() {
    var root = document.getElementById('flaky');
    root.appendChild(el('h2', { text: 'Flaky cases' }));
    var byId = {};
    model.cases.forEach(function (c) { byId[c.id] = c; });
    if (!model.flaky.length) { root.appendChild(el('div', { className: 'meta', text: 'None in these runs: no case changed between passing and failing more than once with the same driver build, and no rerun passed after a failure.' })); return; }
    var rows = model.flaky.map(function (id) {
      var c = byId[id];
      return el('tr', { 'data-id': id }, [el('td', { className: 'id', text: id }), el('td', null, [strip(c)]), el('td', { className: 'num', text: String(c.flips) }), el('td', { className: 'num', text: String(c.flakyRuns) }), el('td', { className: 'num', text: c.failures + ' of ' + c.ran }), el('td', { className: 'st ' + (c.latest || ''), text: c.latest || '' })]);
    });
    root.appendChild(el('table', { className: 'flaky' }, [el('thead', null, [el('tr', null, ['case', 'runs (oldest \u2192 newest)', 'changes, same driver', 'flaky runs', 'failed', 'latest'].map(function (t) { return el('th', { text: t }); }))]), el('tbody', null, rows)]));
  }

  function strip(c) {
    var s = el('span', { className: 'strip' });
    c.cells.forEach(function (cell, i) {
      var run = model.runs[i];
      var title = run.runId + ' \u00b7 ' + run.startedAt + '\n' + (cell ? cell.s + (cell.d !== undefined ? ' \u00b7 ' + ms(cell.d) : '') + (cell.m ? '\n' + cell.m : '') : 'not in this run');
      s.appendChild(el('span', { className: 'cell ' + (cell ? cell.s : 'absent'), title: title, 'data-run': String(i) }));
    });
    return s;
  }

  function gridControls() {
    var root = document.getElementById('grid-controls');
    [['failing', 'failing now'], ['flaky', 'flaky'], ['changed', 'not always passing'], ['all', 'all cases']].forEach(function (f) {
      root.appendChild(el('button', { type: 'button', 'data-filter': f[0], 'aria-pressed': 'false', text: f[1] + ' ' + model.cases.filter(function (c) { return gridMatch(c, f[0]); }).length, onclick: function () { grid.filter = f[0]; renderGrid(); } }));
    });
    root.appendChild(el('input', { type: 'search', id: 'grid-search', placeholder: 'search case ids\u2026', 'aria-label': 'search cases', oninput: function (e) { grid.query = e.target.value.toLowerCase(); renderGrid(); } }));
  }

  function gridMatch(c, filter) {
    if (filter === 'failing') return Boolean(FAILING[c.latest]);
    if (filter === 'flaky') return model.flaky.indexOf(c.id) >= 0;
    if (filter === 'changed') return c.failures > 0 || c.flakyRuns > 0 || c.cells.some(function (x) { return !x || x.s !== 'passed'; });
    return true;
  }

  function renderGrid() {
    Array.prototype.forEach.call(document.querySelectorAll('#grid-controls button'), function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === grid.filter)); });
    var body = clear(document.getElementById('grid-rows'));
    var shown = 0, total = 0;
    model.cases.forEach(function (c) {
      if (!gridMatch(c, grid.filter) || (grid.query && c.id.toLowerCase().indexOf(grid.query) < 0)) return;
      total++;
      if (shown >= LIMIT) return;
      shown++;
      var toggle = function () { openCase[c.id] = !openCase[c.id]; renderGrid(); };
      body.appendChild(el('tr', { className: 'case', tabindex: '0', 'data-id': c.id, 'aria-expanded': String(Boolean(openCase[c.id])), onclick: toggle, onkeydown: function (e) { if (e.key === 'Enter') toggle(); } }, [
        el('td', { className: 'id', text: c.id }),
        el('td', null, [strip(c)]),
        el('td', { className: 'num', text: c.medianMs === null ? '' : ms(c.medianMs) }),
        el('td', { className: 'num', text: c.lastMs === null ? '' : ms(c.lastMs) }),
        el('td', null, [sparkline(c.cells.map(function (x) { return x && x.d !== undefined && x.s !== 'skipped' ? x.d : null; }))]),
      ]));
      if (openCase[c.id]) body.appendChild(el('tr', { className: 'detail', 'data-detail-for': c.id }, [el('td', { colspan: '5' }, [caseRuns(c)])]));
    });
    document.getElementById('grid-shown').textContent = (total > shown ? 'first ' + shown + ' of ' : '') + plural(total, 'case') + ' of ' + model.cases.length;
    document.getElementById('grid-empty').hidden = total > 0;
  }

  function caseRuns(c) {
    var rows = [];
    for (var i = c.cells.length - 1; i >= 0; i--) {
      var cell = c.cells[i];
      var run = model.runs[i];
      var href = run.href ? run.href + '#case=' + encodeURIComponent(c.id) : null;
      rows.push(el('tr', null, [
        el('td', { text: run.startedAt.replace('T', ' ').slice(0, 19) }),
        el('td', null, [href ? link(href, run.runId) : run.runId]),
        el('td', { className: 'st ' + (cell ? cell.s : ''), text: cell ? cell.s : 'not in this run' }),
        el('td', { className: 'num', text: cell && cell.d !== undefined ? ms(cell.d) : '' }),
        el('td', { className: 'msg', text: cell && cell.m ? cell.m : '' }),
      ]));
    }
    return el('table', { className: 'runs' }, [el('thead', null, [el('tr', null, ['started', 'run', 'status', 'time', 'why'].map(function (t) { return el('th', { text: t }); }))]), el('tbody', null, rows)]);
  }
`;
