import { CLIENT_DOM } from '../page/client-dom.js';
import { CLIENT_CASE_GRID } from './client/case-grid.js';
import { CLIENT_TREND_CHART } from './client/trend-chart.js';

/** The history page's script: the header, the trend chart, the flaky cases and the case grid. */
export const HISTORY_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lab-data').textContent);
  var model = data.model;
  ${CLIENT_DOM}
  ${CLIENT_TREND_CHART}
  ${CLIENT_CASE_GRID}

  function header() {
    var runs = model.runs;
    var suites = Array.from(new Set(runs.map(function (r) { return r.suite; })));
    var targets = Array.from(new Set(runs.map(function (r) { return r.target; })));
    var root = document.getElementById('header');
    var last = runs[runs.length - 1];
    root.appendChild(el('h1', null, ['History: ' + suites.join(', ') + ' on ' + targets.join(', ') + ' ', el('span', { className: 'verdict ' + last.status, text: 'latest ' + last.status })]));
    var passing = runs.filter(function (r) { return r.status === 'passed'; }).length;
    root.appendChild(el('div', { className: 'meta', text: plural(runs.length, 'run') + ' from ' + runs[0].startedAt.slice(0, 10) + ' to ' + last.startedAt.slice(0, 10) + ' \u00b7 ' + passing + ' passed \u00b7 ' + plural(model.cases.length, 'case') + ' \u00b7 ' + plural(model.flaky.length, 'flaky case') + ' \u00b7 read from ' + data.root }));
    document.title = 'lab history: ' + suites.join(', ') + ' (' + plural(runs.length, 'run') + ')';
  }

  header();
  document.getElementById('chart').appendChild(trendChart(model.runs));
  flakyTable();
  gridControls();
  grid.filter = model.cases.some(function (c) { return gridMatch(c, 'changed'); }) ? 'changed' : 'all';
  renderGrid();
  document.body.setAttribute('data-ready', 'true');
})();
`;
