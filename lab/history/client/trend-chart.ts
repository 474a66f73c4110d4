/**
 * The trend chart: one stacked bar per run (cases by status) and the run's duration as a line on its
 * own axis. Inline SVG built with createElementNS; each bar links to its run's report and says its
 * numbers in a tooltip.
 */
import { el, safeHref, svg } from '../../page/client/dom.js';
import type { Summary } from '../../report/run-report.js';
import type { PageRun } from './page-data.js';

type Counted = Exclude<keyof Summary, 'total'>;
const ORDER: Counted[] = ['passed', 'flaky', 'waived', 'inconclusive', 'skipped', 'error', 'hung', 'crashed', 'failed'];
const COLOR: Record<Counted, string> = {
  passed: '#1a7f37',
  failed: '#cf222e',
  crashed: '#8250df',
  hung: '#bc4c00',
  error: '#9a6700',
  flaky: '#0969da',
  waived: '#8c959f',
  inconclusive: '#d4a72c',
  skipped: '#d0d7de',
};

export function trendChart(runs: PageRun[]): HTMLElement {
  const W = 1100;
  const H = 270;
  const left = 48;
  const right = 56;
  const top = 24;
  const bottom = 66;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const maxCases = Math.max(1, ...runs.map((r) => r.summary.total));
  const maxMs = Math.max(1, ...runs.map((r) => r.durationMs));
  const step = plotW / runs.length;
  const barW = Math.max(4, Math.min(40, step * 0.7));
  const root = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    width: '100%',
    role: 'img',
    'aria-label': 'cases by status and run duration, oldest run on the left',
    id: 'trend',
  });
  // Axes and grid: cases on the left, duration on the right.
  for (const f of [0, 0.5, 1]) {
    const y = top + plotH * (1 - f);
    root.appendChild(svg('line', { x1: left, x2: W - right, y1: y, y2: y, stroke: '#eaeef2' }));
    root.appendChild(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#57606a', text: String(Math.round(maxCases * f)) }));
    root.appendChild(
      svg('text', { x: W - right + 6, y: y + 4, 'font-size': 11, fill: '#0969da', text: `${((maxMs * f) / 1000).toFixed(maxMs < 10000 ? 1 : 0)} s` }),
    );
  }
  root.appendChild(svg('text', { x: left, y: 12, 'text-anchor': 'end', 'font-size': 11, fill: '#57606a', text: 'cases' }));
  root.appendChild(svg('text', { x: W - right + 6, y: 12, 'font-size': 11, fill: '#0969da', text: 'duration' }));
  runs.forEach((r, i) => {
    // A new driver build starts here: changes across this line are the driver's, not flakiness.
    const before = runs[i - 1];
    if (before && r.driverSha256 && r.driverSha256 !== before.driverSha256) {
      const bx = left + step * i;
      root.appendChild(
        svg('line', { x1: bx, x2: bx, y1: top, y2: top + plotH, stroke: '#8c959f', 'stroke-dasharray': '3 3', className: 'driver-change' }, [
          svg('title', { text: `new driver build: ${r.driverSha256.slice(0, 12)}` }),
        ]),
      );
    }
    const x = left + step * i + (step - barW) / 2;
    let y = top + plotH;
    const bar = svg('g', { className: 'run-bar', 'data-run': r.runId });
    const parts: string[] = [];
    for (const k of ORDER) {
      const n = r.summary[k] || 0;
      if (!n) continue;
      const h = (plotH * n) / maxCases;
      y -= h;
      bar.appendChild(svg('rect', { x, y, width: barW, height: Math.max(h, 0.5), fill: COLOR[k] }));
      parts.push(`${n} ${k}`);
    }
    bar.appendChild(
      svg('title', {
        text: `${r.runId}\n${r.startedAt}\n${r.status}${r.gate ? `, gate ${r.gate}` : ''} \u00b7 ${(r.durationMs / 1000).toFixed(1)} s\n${parts.join(', ')}`,
      }),
    );
    const href = safeHref(r.href);
    root.appendChild(href ? svg('a', { href }, [bar]) : bar);
    if (runs.length <= 31 || i % Math.ceil(runs.length / 31) === 0) {
      const d = new Date(r.startedAt);
      const label = Number.isNaN(d.getTime())
        ? String(i + 1)
        : `${d.getMonth() + 1}/${d.getDate()} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      const lx = x + barW / 2;
      const ly = H - bottom + 14;
      root.appendChild(
        svg('text', { x: lx, y: ly, 'text-anchor': 'end', 'font-size': 10, fill: '#57606a', transform: `rotate(-35 ${lx} ${ly})`, text: label }),
      );
    }
  });
  const points = runs.map((r, i) => [(left + step * i + step / 2).toFixed(1), (top + plotH * (1 - r.durationMs / maxMs)).toFixed(1)] as const);
  root.appendChild(svg('polyline', { points: points.map((p) => p.join(',')).join(' '), fill: 'none', stroke: '#0969da', 'stroke-width': 2 }));
  points.forEach(([cx, cy], i) => {
    const r = runs[i]!;
    root.appendChild(svg('circle', { cx, cy, r: 3, fill: '#0969da' }, [svg('title', { text: `${r.runId}: ${(r.durationMs / 1000).toFixed(1)} s` })]));
  });
  const legend = el('div', { className: 'legend' });
  for (const k of [...ORDER].reverse()) {
    if (!runs.some((r) => r.summary[k])) continue;
    const sw = el('span', { className: 'swatch' });
    sw.style.background = COLOR[k];
    legend.appendChild(el('span', { className: 'key' }, [sw, k]));
  }
  legend.appendChild(el('span', { className: 'key' }, [el('span', { className: 'swatch line' }), 'run duration']));
  legend.appendChild(el('span', { className: 'key' }, [el('span', { className: 'swatch dash' }), 'new driver build']));
  return el('div', { className: 'chart' }, [root, legend]);
}

/** A case's durations over the runs; null where it did not run (or was skipped). */
export function sparkline(values: Array<number | null>): SVGSVGElement {
  const W = 90;
  const H = 18;
  const max = Math.max(0, ...values.filter((v): v is number => v !== null));
  const pts: string[] = [];
  values.forEach((v, i) => {
    if (v !== null)
      pts.push(`${(values.length === 1 ? W / 2 : (i * W) / (values.length - 1)).toFixed(1)},${(H - 2 - (max ? ((H - 4) * v) / max : 0)).toFixed(1)}`);
  });
  const s = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, className: 'spark' });
  if (pts.length > 1) s.appendChild(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: '#0969da', 'stroke-width': 1.5 }));
  else if (pts.length === 1) {
    const [cx, cy] = pts[0]!.split(',');
    s.appendChild(svg('circle', { cx, cy, r: 2, fill: '#0969da' }));
  }
  return s;
}
