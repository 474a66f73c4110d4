/**
 * The list of cases: status buttons, the gate class filter, a search box, and one row per case that
 * opens its details. The view state lives in `view`; the URL hash `#case=<id>` opens one case (links
 * from the history page and from chat), `#print` lists every case and opens those that did not pass
 * (the PDF export).
 */
import { all, byId, clear, el, ms } from '../../../page/client/dom.js';
import type { GateClass } from '../../../verdict/case-result.js';
import { caseDetail } from './case-detail.js';
import { CLASS_ONE, CLASS_TITLE, data, MARK, STATUSES, type PageCase } from './page-data.js';

const ATTENTION: Record<string, true> = { failed: true, crashed: true, hung: true, error: true, flaky: true };

/** `attention` and `all`, or one status. */
type StatusFilter = string;
const view: { status: StatusFilter; gateClass: GateClass | null; query: string } = { status: 'all', gateClass: null, query: '' };
const open: Record<string, boolean> = {};

function attentionCount(): number {
  return data.cases.filter(needsAttention).length;
}

function needsAttention(c: PageCase): boolean {
  return ATTENTION[c.status] === true || c.gate?.class === 'regression';
}

export function renderControls(): void {
  const root = byId('controls');
  const s = data.header.summary;
  const buttons: Array<[string, string]> = [
    ['attention', `\u26a0 needs attention ${attentionCount()}`],
    ['all', `all ${s.total}`],
  ];
  for (const k of STATUSES) if (s[k]) buttons.push([k, `${MARK[k]} ${k} ${s[k]}`]);
  for (const [status, text] of buttons) {
    root.appendChild(
      el('button', {
        type: 'button',
        className: 'filter',
        'data-status': status,
        'aria-pressed': 'false',
        text,
        onclick: () => setFilter({ status, gateClass: null }),
      }),
    );
  }
  root.appendChild(
    el('input', {
      type: 'search',
      id: 'search',
      placeholder: 'search id, name, message, parameters\u2026',
      'aria-label': 'search cases',
      oninput: (e: Event) => {
        view.query = (e.target as HTMLInputElement).value.toLowerCase();
        renderRows();
      },
    }),
  );
}

export function setFilter(next: { status: StatusFilter; gateClass: GateClass | null }): void {
  view.status = next.status;
  view.gateClass = next.gateClass;
  renderRows();
}

function matches(c: PageCase): boolean {
  if (view.gateClass && c.gate?.class !== view.gateClass) return false;
  if (view.status === 'attention' && !needsAttention(c)) return false;
  if (view.status !== 'all' && view.status !== 'attention' && c.status !== view.status) return false;
  if (!view.query) return true;
  const hay = [c.id, c.name, c.message || '', c.params ? JSON.stringify(c.params) : '', c.waiver ? c.waiver.reason : ''].join(' ').toLowerCase();
  return hay.includes(view.query);
}

export function renderRows(): void {
  for (const b of all('#controls button.filter')) b.setAttribute('aria-pressed', String(!view.gateClass && b.getAttribute('data-status') === view.status));
  for (const b of all('#gate-classes button')) b.setAttribute('aria-pressed', String(b.getAttribute('data-class') === view.gateClass));
  const hasGate = Boolean(data.header.gate?.baseline);
  const body = clear(byId('rows'));
  let shown = 0;
  for (const c of data.cases) {
    if (!matches(c)) continue;
    shown++;
    const isOpen = Boolean(open[c.id]);
    const toggle = () => {
      open[c.id] = !open[c.id];
      if (open[c.id]) location.hash = `case=${encodeURIComponent(c.id)}`;
      renderRows();
    };
    const cells: HTMLElement[] = [
      el('td', { className: `st ${c.status}`, text: `${MARK[c.status]} ${c.status}` }),
      el('td', { className: 'id' }, [el('span', { className: 'twisty', text: isOpen ? '\u25be ' : '\u25b8 ' }), c.id]),
    ];
    if (hasGate) cells.push(el('td', { className: c.gate ? `cls ${c.gate.class}` : '', text: c.gate ? CLASS_ONE[c.gate.class] : '' }));
    cells.push(
      el('td', { text: c.blame || '' }),
      el('td', { className: 'num', text: ms(c.durationMs) }),
      el('td', { className: 'msg', text: firstLine(c), title: c.message || '' }),
    );
    const onkeydown = (e: KeyboardEvent) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        toggle();
      }
    };
    body.appendChild(
      el(
        'tr',
        { className: 'case', tabindex: '0', 'aria-expanded': String(isOpen), 'data-id': c.id, 'data-status': c.status, onclick: toggle, onkeydown },
        cells,
      ),
    );
    if (isOpen) body.appendChild(el('tr', { className: 'detail', 'data-detail-for': c.id }, [el('td', { colspan: String(cells.length) }, [caseDetail(c)])]));
  }
  byId('gate-col').hidden = !hasGate;
  byId('empty').hidden = shown > 0;
  const what = view.gateClass
    ? `gate: ${CLASS_TITLE[view.gateClass]}`
    : view.status === 'attention'
      ? 'cases that need attention'
      : view.status === 'all'
        ? 'all cases'
        : view.status;
  byId('shown').textContent = `${shown} of ${data.cases.length} cases \u00b7 showing ${what}${view.query ? ` matching \u201c${view.query}\u201d` : ''}`;
}

function firstLine(c: PageCase): string {
  if (c.status === 'waived' && c.waiver) return `waived (${c.waiver.status}): ${c.waiver.reason}`;
  return (c.message || '').split('\n')[0] ?? '';
}

/** The first view: what needs attention when anything does, otherwise everything. */
export function initialView(): void {
  const hash = decodeURIComponent(location.hash.slice(1));
  if (hash === 'print') {
    // On paper: every case listed, the ones that did not pass (or were waived, or could not be judged) opened.
    view.status = 'all';
    for (const c of data.cases) if (needsAttention(c) || c.status === 'waived' || c.status === 'inconclusive') open[c.id] = true;
    return;
  }
  if (hash.startsWith('case=')) {
    const id = hash.slice(5);
    if (data.cases.some((c) => c.id === id)) {
      open[id] = true;
      view.status = 'all';
      return;
    }
  }
  view.status = attentionCount() ? 'attention' : 'all';
}

export function scrollToOpen(): void {
  const hash = decodeURIComponent(location.hash.slice(1));
  if (!hash.startsWith('case=')) return;
  const row = all('tr.case').find((r) => r.getAttribute('data-id') === hash.slice(5));
  if (row) row.scrollIntoView({ block: 'start' });
}
