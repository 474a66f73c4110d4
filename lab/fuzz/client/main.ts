/**
 * fuzz.html's script (bundled by lab/page/build-pages.mjs): the header, each finding with its minimized
 * case and evidence, what was seen once, the coverage table. Every driver-supplied string goes in as text.
 */
import type { CrashEvidence } from '../../verdict/case-result.js';
import type { FindingReport, FuzzReport, SightingReport, TargetStop } from '../fuzz-report.js';
import { byId, el, pageData, plural, type Child } from '../../page/client/dom.js';

interface FuzzPageData {
  report: FuzzReport;
  /** "0xC000000D (STATUS_INVALID_PARAMETER)", "error 87 (ERROR_INVALID_PARAMETER)" for every answer shown. */
  answerNames: Record<string, string>;
  /** One per coverage row: is it part of the attack surface (lab/fuzz/coverage.ts decides). */
  surface: boolean[];
}
type Row = FuzzReport['coverage'][number];

const data = pageData<FuzzPageData>();
const r = data.report;
/** The statuses that say "no such request here" (coverage.ts's NOT_HANDLED): drawn muted. */
const NOT_HANDLED = new Set(['0xC0000010', '0xC00000BB', '0xC0000002']);
const ROW_LIMIT = 5000;

const hex = (n: number, width: number) => `0x${(n >>> 0).toString(16).toUpperCase().padStart(width, '0')}`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en');
const batches = (n: number) => (n === 1 ? '1 batch' : `${n} batches`);

function header(): void {
  const root = byId('header');
  const e = r.exploration;
  root.appendChild(el('h1', null, [`lab fuzz: ${r.suite} on ${r.target} `, el('span', { className: `verdict ${r.status}`, text: r.status })]));
  const surface = data.surface.filter(Boolean).length;
  root.appendChild(
    el('div', {
      className: 'meta',
      text:
        `seed ${r.seed} · budget ${r.options.budget} · ${count(e.calls)} calls in ${sec(e.durationMs)} (${count(e.callsPerSecond)}/s) · ` +
        `${batches(e.batches)} · ${plural(e.codes, 'code')} called, ${surface} (code, handle) answering · ` +
        `${plural(r.findings.length, 'finding')}${r.replayOf ? ` · replay of ${r.replayOf}` : ''}`,
    }),
  );
  root.appendChild(
    el('div', {
      className: 'meta',
      text:
        `driver ${r.driver.path} (sha256 ${r.driver.sha256.slice(0, 12)}, ${r.driver.signed ? 'signed' : 'unsigned'}) ` +
        `· suite ${r.suiteFile} · started ${r.startedAt} · ${sec(r.durationMs)} in all`,
    }),
  );
  root.appendChild(el('div', { className: 'meta', text: `replay: lab fuzz ${r.suiteFile} --seed ${r.seed} --replay <this folder>` }));
  if (r.error) root.appendChild(el('div', { className: 'warn', text: `${r.error.code}: ${r.error.message}` }));
  document.title = `lab fuzz: ${r.suite} (${r.status})`;
}

function evidence(ev: CrashEvidence | undefined, title: string): HTMLElement | null {
  if (!ev) return null;
  const parts: Child[] = [el('div', { text: `${title}: ${ev.signature}` })];
  if (ev.backtrace) parts.push(el('details', null, [el('summary', { text: 'backtrace' }), el('pre', { text: ev.backtrace })]));
  if (ev.lastLines?.length) parts.push(el('details', null, [el('summary', { text: 'debug lines before it' }), el('pre', { text: ev.lastLines.join('\n') })]));
  return el('div', null, parts);
}

function finding(f: FindingReport): HTMLElement {
  const first = f.first;
  return el('div', { className: 'finding', id: f.id }, [
    el('h3', null, [
      `${f.id} `,
      el('span', { className: `kind ${f.kind}`, text: f.kind }),
      f.site ? ` at ${f.site}` : '',
      f.confirmed ? '' : ' (not confirmed)',
    ]),
    el('div', { text: f.summary }),
    el('div', {
      className: 'meta',
      text: `first seen in batch ${first.batch} after ${sec(first.atMs)} and ${count(first.afterCalls)} calls; in ${batches(f.seen)} in all · ${f.confirmation}`,
    }),
    el('div', { className: 'meta', text: `minimized to ${plural(f.minimized.calls, 'call')} in ${plural(f.minimized.trials, 'trial')}:` }),
    el(
      'ul',
      null,
      f.minimized.steps.map((s) => el('li', { text: s })),
    ),
    el('div', { text: 'The case (findings.yaml):' }),
    el('pre', { text: f.minimized.yaml }),
    f.problem ? el('div', { text: `rule broken: ${f.problem}` }) : null,
    evidence(f.minimized.evidence, 'fault of the minimized case'),
    f.minimized.evidence ? null : evidence(f.evidence, 'fault'),
  ]);
}

function sighting(s: SightingReport): HTMLElement {
  return el('div', { className: 'finding' }, [
    el('h3', null, [el('span', { className: `kind ${s.kind}`, text: s.kind }), ` in batch ${s.first.batch}`]),
    el('div', { text: s.summary }),
    evidence(s.evidence, 'fault'),
  ]);
}

function targetStop(s: TargetStop): HTMLElement {
  return el('div', { className: 'finding' }, [
    el('h3', null, [`in batch ${s.first.batch}, ${batches(s.seen)}`]),
    el('div', { text: s.why }),
    el('div', { className: 'meta', text: s.summary }),
    evidence(s.evidence, 'stop'),
  ]);
}

function findings(): void {
  const root = byId('findings');
  root.appendChild(el('h2', { text: `Findings (${r.findings.length})` }));
  if (!r.findings.length)
    root.appendChild(el('div', { className: 'meta', text: r.status === 'clean' ? 'None: the budget ran out with no crash, hang or broken rule.' : 'None.' }));
  for (const f of r.findings) root.appendChild(finding(f));
  const apart = byId('unreproduced');
  if (r.notReproduced.length) {
    apart.appendChild(el('h2', { text: `Seen once, not reproduced (${r.notReproduced.length})` }));
    for (const s of r.notReproduced) apart.appendChild(sighting(s));
  }
  const stops = r.targetStops ?? [];
  if (stops.length) {
    apart.appendChild(el('h2', { text: `The target stopped in its own code, not in the driver (${stops.length})` }));
    for (const s of stops) apart.appendChild(targetStop(s));
  }
}

function row(c: Row): HTMLElement {
  const answers = Object.entries(c.answers).map(([a, n]) =>
    el('span', { className: `answer${NOT_HANDLED.has(a) ? ' bad' : ''}`, text: `${data.answerNames[a] || a} ×${n}` }),
  );
  return el('tr', null, [
    el('td', { className: 'code', text: hex(c.code, 8) }),
    el('td', { text: c.name ?? '' }),
    el('td', { className: 'code', text: hex(c.deviceType, 4) }),
    el('td', { className: 'code', text: hex(c.function, 3) }),
    el('td', { text: c.method }),
    el('td', { text: c.access }),
    el('td', { text: c.handle }),
    el('td', { className: 'num', text: count(c.calls) }),
    el('td', null, answers),
  ]);
}

function table(rows: Row[]): HTMLElement {
  const head = el(
    'tr',
    null,
    ['code', 'name', 'device type', 'function', 'method', 'access', 'handle', 'calls', 'answers'].map((h) => el('th', { text: h })),
  );
  return el('table', null, [el('thead', null, [head]), el('tbody', null, rows.slice(0, ROW_LIMIT).map(row))]);
}

function coverage(): void {
  const root = byId('coverage');
  const live = r.coverage.filter((_, i) => data.surface[i]);
  root.appendChild(el('h2', { text: 'Coverage: what answered' }));
  root.appendChild(
    el('div', {
      className: 'meta',
      text:
        `${plural(live.length, '(code, handle access) pair')} reached the driver and answered something other than "not handled" ` +
        `(invalid device request, not supported, not implemented); ` +
        `${r.coverage.length - live.length} answered only that, or were refused by the I/O manager (a handle without the access the code asks for).`,
    }),
  );
  root.appendChild(table(live));
  const shown = r.coverage.length > ROW_LIMIT ? `, the first ${ROW_LIMIT} shown` : '';
  root.appendChild(el('details', null, [el('summary', { text: `every (code, handle) called (${r.coverage.length}${shown})` }), table(r.coverage)]));
}

function notes(): void {
  const root = byId('notes');
  if (r.faults.length) {
    root.appendChild(el('h2', { text: 'Faults outside any call' }));
    root.appendChild(
      el(
        'ul',
        null,
        r.faults.map((w) => el('li', { text: w })),
      ),
    );
  }
  if (r.warnings.length) {
    root.appendChild(el('h2', { text: 'Warnings (lab or the target, not the driver)' }));
    root.appendChild(
      el(
        'ul',
        null,
        r.warnings.map((w) => el('li', { className: 'warn', text: w })),
      ),
    );
  }
}

header();
findings();
coverage();
notes();
document.body.setAttribute('data-ready', 'true');
