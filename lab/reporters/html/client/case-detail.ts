/**
 * One case opened: why it did not pass, the waiver or the baseline's verdict, each step's actual values
 * against the expected ones (mismatches marked), hex diffs, crash evidence, earlier attempts, and the
 * merged timeline.
 */
import { el, link, ms } from '../../../page/client/dom.js';
import type { CrashEvidence, StepReport } from '../../../verdict/case-result.js';
import { hexDiff } from './hex-diff.js';
import { CLASS_EXPLAIN, CLASS_ONE, describeError, describeStatus, type PageCase } from './page-data.js';
import { timeline } from './timeline.js';

type Parallel = NonNullable<StepReport['parallel']>;
const NUMBER = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export function caseDetail(c: PageCase): HTMLElement {
  const box = el('div', { className: 'case-detail' });
  box.appendChild(el('h3', { text: c.name }));
  const facts = [c.id];
  if (c.source) facts.push(`defined at ${c.source}`);
  if (c.params) facts.push(`parameters ${JSON.stringify(c.params)}`);
  if (c.blame) facts.push(`blame: ${c.blame}`);
  facts.push(ms(c.durationMs));
  box.appendChild(el('div', { className: 'meta', text: facts.join(' \u00b7 ') }));
  if (c.waiver) {
    const w = c.waiver;
    box.appendChild(
      el('div', { className: 'waiver' }, [
        el('strong', { text: 'Waived: ' }),
        `really ${w.status}. ${w.reason} `,
        w.link ? link(w.link) : null,
        el('div', { className: 'meta', text: `waiver ${w.match} at ${w.source}, holds through ${w.expires}` }),
      ]),
    );
  }
  if (c.targetGap) {
    const g = c.targetGap;
    box.appendChild(
      el('div', { className: 'target-gap' }, [
        el('strong', { text: 'Inconclusive: ' }),
        `the target does not implement ${g.functions.join(', ')}. ${g.detail} `,
        el('div', {
          className: 'meta',
          text: `on this target it would have been ${g.was.status}${g.was.blame ? ` (${g.was.blame})` : ''}; run it on ${g.runOn}`,
        }),
      ]),
    );
  }
  if (c.gate)
    box.appendChild(
      el('div', {
        className: `gate-mark cls ${c.gate.class}`,
        text: `Against the baseline: ${CLASS_ONE[c.gate.class]} \u2014 ${CLASS_EXPLAIN[c.gate.class]}${c.gate.baselineStatus ? ` (was ${c.gate.baselineStatus})` : ''}`,
      }),
    );
  if (c.message) {
    box.appendChild(el('h4', { text: 'Why' }));
    box.appendChild(el('pre', { className: 'message', text: whyText(c) }));
  }
  if (c.notes?.length)
    box.appendChild(
      el(
        'ul',
        { className: 'notes' },
        c.notes.map((n) => el('li', { text: n })),
      ),
    );
  if (c.steps?.length) {
    box.appendChild(el('h4', { text: 'Steps: actual against expected' }));
    box.appendChild(stepsTable(c.steps));
  }
  for (const s of c.steps || []) {
    const diff = hexDiff(s);
    if (diff) {
      box.appendChild(el('h4', { text: `Step ${s.index}: output bytes, expected against actual` }));
      box.appendChild(diff);
    }
    if (s.parallel) {
      box.appendChild(el('h4', { text: `Step ${s.index}: ${s.parallel.threads} threads \u00d7 ${s.parallel.iterations} iterations` }));
      box.appendChild(parallelTable(s.parallel));
    }
  }
  if (c.evidence) box.appendChild(evidence(c.evidence));
  if (c.attempts?.length) {
    box.appendChild(el('h4', { text: 'Earlier attempts' }));
    box.appendChild(
      el(
        'ol',
        { className: 'attempts' },
        c.attempts.map((a) => el('li', { text: a.status + (a.blame ? ` (${a.blame})` : '') + (a.message ? `: ${a.message.split('\n')[0]}` : '') })),
      ),
    );
  }
  box.appendChild(timeline(c));
  return box;
}

/** The message without the text hex dumps it carries: the grid below shows them better. */
function whyText(c: PageCase): string {
  let text = c.message ?? '';
  for (const s of c.steps || []) {
    if (s.diff?.text && s.expected && s.expected.output !== undefined && s.output !== undefined) text = text.split(s.diff.text).join('(hex diff below)');
  }
  return text.replace(/(\n\(hex diff below\))+/g, '\n(hex diff below)');
}

function stepName(s: StepReport): string {
  if (s.parallel) return 'parallel';
  if (s.kind === 'ioctl') return (s.ioctlName || 'IOCTL') + (s.ioctl !== undefined ? ` 0x${(s.ioctl >>> 0).toString(16)}` : '');
  return s.kind + (s.implicit ? ' (implicit)' : '');
}

function shortHex(hex: unknown): string {
  if (hex === undefined || hex === null) return '';
  const bytes = String(hex).match(/../g) || [];
  return bytes.length === 0 ? '(empty)' : bytes.slice(0, 12).join(' ') + (bytes.length > 12 ? ` \u2026 (${bytes.length} bytes)` : '');
}

/** A cell showing the actual value, and the expected one under it when the step expected something. */
function versus(actual: unknown, expected: unknown, show: (v: unknown) => string = NUMBER): HTMLElement {
  const has = expected !== undefined;
  const same = !has || String(actual) === String(expected);
  if (same)
    return el('td', { className: 'vs', title: has ? 'as expected' : 'nothing expected' }, [
      el('span', { className: 'actual', text: show(actual) }),
      has ? el('span', { className: 'as-expected', text: ' \u2713' }) : null,
    ]);
  return el('td', { className: 'vs mismatch' }, [
    el('div', { className: 'actual', text: show(actual) }),
    el('div', { className: 'expected', text: `expected ${show(expected)}` }),
  ]);
}

function stepsTable(steps: StepReport[]): HTMLElement {
  const head = el(
    'tr',
    null,
    ['#', 'step', 'in', 'out', 'error', 'status', 'bytes returned', 'output', 'time', 'problems'].map((t) => el('th', { text: t })),
  );
  const rows = steps.map((s) => {
    const ex: Record<string, unknown> = s.expected || {};
    const error = s.error === null ? 'not run' : s.error;
    const statusCell =
      s.status === undefined || s.status === null
        ? el('td', { className: 'vs', text: ex.status !== undefined ? `expected ${describeStatus(ex.status)}` : '' })
        : versus(s.status, ex.status, describeStatus);
    const exitCell =
      s.kind === 'run'
        ? versus(s.exitCode, ex.exitCode, (v) => (v === undefined || v === null ? '' : `exit ${v}`))
        : versus(error, ex.error, (v) => (v === undefined || v === null ? '' : v === 'not run' ? v : describeError(v)));
    const outCell =
      s.kind === 'run'
        ? el('td', { className: 'vs' }, [
            el('div', { className: 'actual', text: (s.stdout || '').split('\n')[0] }),
            ex.stdoutContains ? el('div', { className: 'expected', text: `expected to contain ${JSON.stringify(ex.stdoutContains)}` }) : null,
          ])
        : versus(s.output, ex.output, shortHex);
    const elapsed = s.elapsedUs === undefined ? '' : s.elapsedUs >= 1000 ? `${(s.elapsedUs / 1000).toFixed(1)} ms` : `${Math.round(s.elapsedUs)} \u00b5s`;
    return el('tr', { className: s.notRun ? 'not-run' : s.ok ? 'ok' : 'bad', 'data-step': String(s.index) }, [
      el('td', { text: String(s.index) }),
      el('td', { text: stepName(s) }),
      el('td', { className: 'num', text: s.inLength === undefined ? '' : String(s.inLength) }),
      el('td', { className: 'num', text: s.outLength === undefined ? '' : String(s.outLength) }),
      exitCell,
      statusCell,
      versus(s.bytesReturned, ex.bytesReturned),
      outCell,
      el('td', { className: 'num', text: elapsed }),
      el('td', { className: 'problems', text: (s.problems || []).join('; ') }),
    ]);
  });
  return el('table', { className: 'steps' }, [el('thead', null, [head]), el('tbody', null, rows)]);
}

function parallelTable(p: Parallel): HTMLElement {
  const head = el(
    'tr',
    null,
    ['inner step', 'calls', 'errors', 'bytes returned', 'distinct outputs', 'p50', 'p99'].map((t) => el('th', { text: t })),
  );
  const dist = (m: Record<string, number> | undefined) =>
    Object.entries(m || {})
      .map(([k, n]) => `${k} \u00d7${n}`)
      .join(', ');
  const rows = p.sub.map((x) =>
    el('tr', null, [
      el('td', { text: x.ioctlName || x.kind }),
      el('td', { className: 'num', text: String(x.calls) }),
      el('td', { text: dist(x.errors) }),
      el('td', { text: dist(x.returned) }),
      el('td', { className: 'num', text: String(x.distinctOutputs) }),
      el('td', { className: 'num', text: `${Math.round(x.p50Us)} \u00b5s` }),
      el('td', { className: 'num', text: `${Math.round(x.p99Us)} \u00b5s` }),
    ]),
  );
  return el('table', { className: 'steps' }, [el('thead', null, [head]), el('tbody', null, rows)]);
}

function evidence(e: CrashEvidence): HTMLElement {
  const box = el('div', { className: 'evidence' }, [el('h4', { text: 'Crash evidence' }), el('pre', { className: 'signature', text: e.signature })]);
  if (e.backtrace) {
    const lines = e.backtrace.split('\n');
    const at = lines.findIndex((l) => /^Backtrace:/.test(l));
    if (at >= 0) box.appendChild(el('pre', { className: 'backtrace', text: lines.slice(at).join('\n') }));
    const rest = at >= 0 ? lines.slice(0, at) : lines;
    if (rest.join('').trim())
      box.appendChild(el('details', null, [el('summary', { text: at >= 0 ? 'registers and stack dump' : 'analysis' }), el('pre', { text: rest.join('\n') })]));
  }
  if (e.dumpPath) box.appendChild(el('div', { className: 'meta', text: `dump: ${e.dumpPath}` }));
  if (e.lastLines?.length)
    box.appendChild(el('details', null, [el('summary', { text: 'the last debug lines before it' }), el('pre', { text: e.lastLines.join('\n') })]));
  return box;
}
