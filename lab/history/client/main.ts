/**
 * The history page's script (bundled by lab/page/build-pages.mjs and inlined into history.html): the
 * header, the trend chart, the flaky cases and the case grid. Tested in Chromium (history.browser.test.ts).
 */
import { byId, el, plural } from '../../page/client/dom.js';
import { flakyTable, gridControls, initialFilter, renderGrid } from './case-grid.js';
import { data, model } from './page-data.js';
import { trendChart } from './trend-chart.js';

function header(): void {
  const runs = model.runs;
  const suites = [...new Set(runs.map((r) => r.suite))];
  const targets = [...new Set(runs.map((r) => r.target))];
  const root = byId('header');
  const first = runs[0]!;
  const last = runs[runs.length - 1]!;
  root.appendChild(
    el('h1', null, [
      `History: ${suites.join(', ')} on ${targets.join(', ')} `,
      el('span', { className: `verdict ${last.status}`, text: `latest ${last.status}` }),
    ]),
  );
  const passing = runs.filter((r) => r.status === 'passed').length;
  const facts = [
    `${plural(runs.length, 'run')} from ${first.startedAt.slice(0, 10)} to ${last.startedAt.slice(0, 10)}`,
    `${passing} passed`,
    plural(model.cases.length, 'case'),
    plural(model.flaky.length, 'flaky case'),
    `read from ${data.root}`,
  ];
  root.appendChild(el('div', { className: 'meta', text: facts.join(' \u00b7 ') }));
  document.title = `lab history: ${suites.join(', ')} (${plural(runs.length, 'run')})`;
}

header();
byId('chart').appendChild(trendChart(model.runs));
flakyTable();
gridControls();
initialFilter();
renderGrid();
document.body.setAttribute('data-ready', 'true');
