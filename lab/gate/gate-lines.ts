import type { GateSection } from '../report/run-report.js';
import type { GateClass } from '../verdict/case-result.js';

/** A case named in the gate's text: its status now and the first line of why. */
export interface NamedCase {
  status: string;
  message?: string;
}

const LISTED = 10;

/**
 * The gate as plain lines, for the terminal and `lab gate`: the verdict first, the cases that decide it
 * (regressions, new failures) with their first line of why, then the counts, then the waivers' state.
 */
export function gateLines(gate: GateSection, details: ReadonlyMap<string, NamedCase> = new Map()): string[] {
  const lines: string[] = [];
  const b = gate.baseline;
  lines.push(b ? `Gate against ${b.runId || b.path} (${b.path}, ${b.startedAt.slice(0, 16).replace('T', ' ')}):` : 'Gate (waivers only, no baseline):');
  const list = (mark: string, title: string, ids: string[]) => {
    if (!ids.length) return;
    lines.push(`  ${mark} ${title}:`);
    for (const id of ids.slice(0, LISTED)) {
      const d = details.get(id);
      lines.push(`      ${id}${d ? `  ${d.status}${d.message ? `: ${firstLine(d.message)}` : ''}` : ''}`);
    }
    if (ids.length > LISTED) lines.push(`      ... and ${ids.length - LISTED} more (see report.html)`);
  };
  if (b) {
    list('✗', count(gate.regressions.length, 'regression', 'passed in the baseline, failing now'), gate.regressions);
    list(
      gate.allowNewFailures ? '·' : '✗',
      count(gate.newFailures.length, 'new failing case', gate.allowNewFailures ? 'allowed by --allow-new-failures' : 'no baseline result'),
      gate.newFailures,
    );
    list('✓', count(gate.fixed.length, 'fixed case', 'failing in the baseline, passing now'), gate.fixed);
    const rest = (['still-failing', 'removed', 'waived', 'new', 'unchanged', 'not-run'] as GateClass[])
      .filter((k) => gate.counts[k] > 0)
      .map((k) => `${gate.counts[k]} ${k.replace('-', ' ')}`);
    if (rest.length) lines.push(`  · ${rest.join(', ')}`);
  }
  const w = gate.waivers;
  if (w) {
    lines.push(`  ≈ ${w.file}: ${w.applied} case${w.applied === 1 ? '' : 's'} waived`);
    for (const e of w.expired)
      lines.push(`  ✗ waiver \`${e.match}\` (${e.source}) expired: its last day was ${e.expires}, ${e.daysAgo} day${e.daysAgo === 1 ? '' : 's'} ago`);
    for (const u of w.unused) lines.push(`  · waiver \`${u.match}\` (${u.source}) matched no failing case: remove it once the fix is in`);
  }
  if (!b && gate.reasons.length && !w?.expired.length) lines.push(...gate.reasons.map((r) => `  ✗ ${r}`));
  lines.push(`gate: ${verdictLine(gate)}`);
  return lines;
}

/** `FAIL: 2 regressions, 1 expired waiver` or `PASS`: one line for a terminal, a title or a table. */
export function verdictLine(gate: GateSection): string {
  if (gate.verdict === 'pass') return 'PASS';
  const parts: string[] = [];
  if (gate.baseline) {
    if (gate.regressions.length) parts.push(plural(gate.regressions.length, 'regression'));
    if (gate.newFailures.length && !gate.allowNewFailures) parts.push(plural(gate.newFailures.length, 'new failing case'));
  } else {
    const failing = gate.reasons.find((r) => !r.startsWith('waiver '));
    if (failing) parts.push(failing.replace(/ and no waiver.*$/s, ' without a waiver').replace(/ \(.*$/s, ''));
  }
  const expired = gate.waivers?.expired.length ?? 0;
  if (expired) parts.push(plural(expired, 'expired waiver'));
  return `FAIL: ${parts.join(', ')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function count(n: number, what: string, why: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'} (${why})`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 140 ? `${line.slice(0, 137)}...` : line;
}
