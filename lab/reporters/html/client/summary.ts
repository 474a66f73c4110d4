/**
 * The top of report.html: what a reviewer reads first. The verdict and the gate's verdict, the run's
 * facts, a bar of outcomes whose parts filter the list, and the gate panel (why it fails, each class).
 */
import { byId, el, plural } from '../../../page/client/dom.js';
import { setFilter } from './case-list.js';
import { CLASS_TITLE, CLASSES, data, MARK, STATUSES } from './page-data.js';

export function renderHeader(): void {
  const h = data.header;
  const root = byId('header');
  const title = el('h1', null, [`${h.suite} on ${h.target} `, el('span', { className: `verdict ${h.status}`, id: 'verdict', text: h.status })]);
  if (h.gate) title.appendChild(el('span', { className: `verdict gate-${h.gate.verdict}`, id: 'gate-verdict', text: `gate ${h.gate.verdict}` }));
  root.appendChild(title);
  const when = new Date(h.startedAt);
  const facts = [`run ${h.runId}`, Number.isNaN(when.getTime()) ? h.startedAt : when.toLocaleString(), `${(h.durationMs / 1000).toFixed(1)} s`];
  root.appendChild(el('div', { className: 'meta', text: facts.join(' \u00b7 ') }));
  if (h.driver)
    root.appendChild(
      el('div', {
        className: 'meta',
        text: `driver ${h.driver.path} \u00b7 sha256 ${String(h.driver.sha256 || '').slice(0, 16)}\u2026 \u00b7 ${h.driver.signed ? 'test-signed' : 'not signed'}`,
      }),
    );
  const info = Object.entries(h.targetInfo || {}).map(([k, v]) => `${k}: ${v}`);
  if (h.lab) info.push(`lab ${h.lab.version} on node ${h.lab.node}`);
  if (info.length) root.appendChild(el('div', { className: 'meta', text: info.join(' \u00b7 ') }));
  if (h.error) root.appendChild(el('div', { className: 'warn', text: `The lab could not finish the run: ${h.error.message}` }));
  document.title = `lab: ${h.suite} on ${h.target}: ${h.status}${h.gate ? `, gate ${h.gate.verdict}` : ''}`;
}

export function renderSummary(): void {
  const s = data.header.summary;
  const root = byId('summary');
  const bar = el('div', { className: 'bar', role: 'img', 'aria-label': 'outcomes' });
  const chips = el('div', { className: 'chips' });
  for (const k of STATUSES) {
    const n = s[k] || 0;
    if (!n) continue;
    const seg = el('span', { className: `seg bg-${k}`, title: `${n} ${k}` });
    seg.style.flexGrow = String(n);
    bar.appendChild(seg);
    chips.appendChild(
      el('button', {
        type: 'button',
        className: `chip st ${k}`,
        'data-status': k,
        text: `${MARK[k]} ${n} ${k}`,
        onclick: () => setFilter({ status: k, gateClass: null }),
      }),
    );
  }
  root.appendChild(el('div', { className: 'total', text: plural(s.total, 'case') }));
  root.appendChild(bar);
  root.appendChild(chips);
}

export function renderGate(): void {
  const g = data.header.gate;
  const root = byId('gate');
  if (!g) {
    root.hidden = true;
    return;
  }
  root.className = `gate gate-${g.verdict}`;
  const head = g.verdict === 'pass' ? 'Gate passes' : 'Gate fails';
  root.appendChild(el('h2', { text: head + (g.baseline ? ' against the baseline' : '') }));
  if (g.baseline) {
    const b = g.baseline;
    root.appendChild(
      el('div', {
        className: 'meta',
        text: `baseline run ${b.runId || '?'} (${b.path}) \u00b7 ${b.startedAt} \u00b7 ${b.status}${g.allowNewFailures ? ' \u00b7 new failures allowed' : ''}`,
      }),
    );
  }
  // Expired waivers get their own lines below, with the waivers.
  const reasons = g.reasons.filter((r) => !r.startsWith('waiver '));
  if (reasons.length)
    root.appendChild(
      el(
        'ul',
        { className: 'reasons' },
        reasons.map((r) => el('li', { text: r })),
      ),
    );
  if (g.baseline) {
    const chips = el('div', { className: 'chips', id: 'gate-classes' });
    for (const k of CLASSES) {
      const n = g.counts[k] || 0;
      if (!n || k === 'removed') continue;
      chips.appendChild(
        el('button', {
          type: 'button',
          className: `chip cls ${k}`,
          'data-class': k,
          text: `${n} ${CLASS_TITLE[k]}`,
          onclick: () => setFilter({ status: 'all', gateClass: k }),
        }),
      );
    }
    root.appendChild(chips);
    if (g.removed.length) {
      const removed = el('details', { className: 'removed' }, [
        el('summary', { text: `${plural(g.removed.length, 'case')} in the baseline but not in this run` }),
      ]);
      removed.appendChild(
        el(
          'ul',
          null,
          g.removed.map((r) => el('li', null, [el('code', { text: r.id }), ` (${r.status} in the baseline)`])),
        ),
      );
      root.appendChild(removed);
    }
  }
  const w = g.waivers;
  if (w) {
    root.appendChild(el('div', { className: 'meta', text: `waivers ${w.file}: ${plural(w.applied, 'case')} waived` }));
    for (const e of w.expired) {
      root.appendChild(
        el('div', { className: 'expired' }, [
          'expired waiver ',
          el('code', { text: e.match }),
          ` (${e.source}): its last day was ${e.expires}, ${plural(e.daysAgo, 'day')} ago \u2014 ${e.reason}`,
        ]),
      );
    }
    for (const u of w.unused)
      root.appendChild(el('div', { className: 'meta' }, ['unused waiver ', el('code', { text: u.match }), ` (${u.source}): no failing case matched it`]));
  }
}
