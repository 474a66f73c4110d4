/**
 * The flaky cases and the case grid: each case's status in every run as a row of cells, its durations as
 * a sparkline, filters (failing now, flaky, changed, all) and search; a row opens the case's runs, each
 * linking to that run's report opened at the case.
 */
import { all, byId, clear, el, link, ms, plural } from '../../page/client/dom.js';
import type { HistoryCase } from '../history-model.js';
import { model } from './page-data.js';
import { sparkline } from './trend-chart.js';

type Filter = 'failing' | 'flaky' | 'changed' | 'all';
const FAILING: Record<string, true> = { failed: true, crashed: true, hung: true, error: true };
const grid: { filter: Filter; query: string } = { filter: 'changed', query: '' };
const openCase: Record<string, boolean> = {};
const LIMIT = 500;

export function flakyTable(): void {
  const root = byId('flaky');
  root.appendChild(el('h2', { text: 'Flaky cases' }));
  const byCaseId = new Map(model.cases.map((c) => [c.id, c]));
  if (!model.flaky.length) {
    root.appendChild(
      el('div', {
        className: 'meta',
        text: 'None in these runs: no case changed between passing and failing more than once with the same driver build, and no rerun passed after a failure.',
      }),
    );
    return;
  }
  const rows = model.flaky.map((id) => {
    const c = byCaseId.get(id)!;
    return el('tr', { 'data-id': id }, [
      el('td', { className: 'id', text: id }),
      el('td', null, [strip(c)]),
      el('td', { className: 'num', text: String(c.flips) }),
      el('td', { className: 'num', text: String(c.flakyRuns) }),
      el('td', { className: 'num', text: `${c.failures} of ${c.ran}` }),
      el('td', { className: `st ${c.latest || ''}`, text: c.latest || '' }),
    ]);
  });
  const head = el(
    'tr',
    null,
    ['case', 'runs (oldest \u2192 newest)', 'changes, same driver', 'flaky runs', 'failed', 'latest'].map((t) => el('th', { text: t })),
  );
  root.appendChild(el('table', { className: 'flaky' }, [el('thead', null, [head]), el('tbody', null, rows)]));
}

function strip(c: HistoryCase): HTMLElement {
  const s = el('span', { className: 'strip' });
  c.cells.forEach((cell, i) => {
    const run = model.runs[i]!;
    const what = cell ? cell.s + (cell.d !== undefined ? ` \u00b7 ${ms(cell.d)}` : '') + (cell.m ? `\n${cell.m}` : '') : 'not in this run';
    s.appendChild(el('span', { className: `cell ${cell ? cell.s : 'absent'}`, title: `${run.runId} \u00b7 ${run.startedAt}\n${what}`, 'data-run': String(i) }));
  });
  return s;
}

export function gridControls(): void {
  const root = byId('grid-controls');
  const filters: Array<[Filter, string]> = [
    ['failing', 'failing now'],
    ['flaky', 'flaky'],
    ['changed', 'not always passing'],
    ['all', 'all cases'],
  ];
  for (const [filter, text] of filters) {
    const count = model.cases.filter((c) => gridMatch(c, filter)).length;
    const onclick = () => {
      grid.filter = filter;
      renderGrid();
    };
    root.appendChild(el('button', { type: 'button', 'data-filter': filter, 'aria-pressed': 'false', text: `${text} ${count}`, onclick }));
  }
  const oninput = (e: Event) => {
    grid.query = (e.target as HTMLInputElement).value.toLowerCase();
    renderGrid();
  };
  root.appendChild(el('input', { type: 'search', id: 'grid-search', placeholder: 'search case ids\u2026', 'aria-label': 'search cases', oninput }));
}

export function gridMatch(c: HistoryCase, filter: Filter): boolean {
  if (filter === 'failing') return c.latest !== null && FAILING[c.latest] === true;
  if (filter === 'flaky') return model.flaky.includes(c.id);
  if (filter === 'changed') return c.failures > 0 || c.flakyRuns > 0 || c.cells.some((x) => x?.s !== 'passed');
  return true;
}

/** The first filter: the cases that were not always passing, when there are any. */
export function initialFilter(): void {
  grid.filter = model.cases.some((c) => gridMatch(c, 'changed')) ? 'changed' : 'all';
}

export function renderGrid(): void {
  for (const b of all('#grid-controls button')) b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === grid.filter));
  const body = clear(byId('grid-rows'));
  let shown = 0;
  let total = 0;
  for (const c of model.cases) {
    if (!gridMatch(c, grid.filter) || (grid.query && !c.id.toLowerCase().includes(grid.query))) continue;
    total++;
    if (shown >= LIMIT) continue;
    shown++;
    const toggle = () => {
      openCase[c.id] = !openCase[c.id];
      renderGrid();
    };
    const onkeydown = (e: KeyboardEvent) => {
      if (e.key === 'Enter') toggle();
    };
    const durations = c.cells.map((x) => (x && x.d !== undefined && x.s !== 'skipped' ? x.d : null));
    body.appendChild(
      el('tr', { className: 'case', tabindex: '0', 'data-id': c.id, 'aria-expanded': String(Boolean(openCase[c.id])), onclick: toggle, onkeydown }, [
        el('td', { className: 'id', text: c.id }),
        el('td', null, [strip(c)]),
        el('td', { className: 'num', text: c.medianMs === null ? '' : ms(c.medianMs) }),
        el('td', { className: 'num', text: c.lastMs === null ? '' : ms(c.lastMs) }),
        el('td', null, [sparkline(durations)]),
      ]),
    );
    if (openCase[c.id]) body.appendChild(el('tr', { className: 'detail', 'data-detail-for': c.id }, [el('td', { colspan: '5' }, [caseRuns(c)])]));
  }
  byId('grid-shown').textContent = `${total > shown ? `first ${shown} of ` : ''}${plural(total, 'case')} of ${model.cases.length}`;
  byId('grid-empty').hidden = total > 0;
}

/** The case in each run, newest first, each linking to that run's report opened at the case. */
function caseRuns(c: HistoryCase): HTMLElement {
  const rows: HTMLElement[] = [];
  for (let i = c.cells.length - 1; i >= 0; i--) {
    const cell = c.cells[i];
    const run = model.runs[i]!;
    const href = run.href ? `${run.href}#case=${encodeURIComponent(c.id)}` : null;
    rows.push(
      el('tr', null, [
        el('td', { text: run.startedAt.replace('T', ' ').slice(0, 19) }),
        el('td', null, [href ? link(href, run.runId) : run.runId]),
        el('td', { className: `st ${cell ? cell.s : ''}`, text: cell ? cell.s : 'not in this run' }),
        el('td', { className: 'num', text: cell && cell.d !== undefined ? ms(cell.d) : '' }),
        el('td', { className: 'msg', text: cell?.m ? cell.m : '' }),
      ]),
    );
  }
  const head = el(
    'tr',
    null,
    ['started', 'run', 'status', 'time', 'why'].map((t) => el('th', { text: t })),
  );
  return el('table', { className: 'runs' }, [el('thead', null, [head]), el('tbody', null, rows)]);
}
