import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-file.js';
import type { CaseResult } from '../verdict/case-result.js';
import type { FinalReport, Reporter } from './reporter.js';
import { STATUS_MARK } from './status-mark.js';
import { verdictLine } from '../gate/gate-lines.js';
import type { GateSection } from '../report/run-report.js';
import { visible } from '../text/visible.js';

const LISTED = 50;

/** summary.md: for a CI step summary ($GITHUB_STEP_SUMMARY) or a pull-request comment. */
export class SummaryMarkdownReporter implements Reporter {
  readonly name = 'summary';
  readonly writes = 'summary.md';

  async onEnd(report: FinalReport): Promise<void> {
    const h = report.header;
    const s = h.summary;
    const lines = [
      `## lab: ${code(h.suite)} on ${code(h.target)}: ${h.status}${h.gate ? `, gate ${h.gate.verdict}` : ''}`,
      '',
      `| total | passed | failed | crashed | hung | error | skipped | flaky | waived | inconclusive |`,
      `|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
      `| ${s.total} | ${s.passed} | ${s.failed} | ${s.crashed} | ${s.hung} | ${s.error} | ${s.skipped} | ${s.flaky} | ${s.waived ?? 0} | ${s.inconclusive ?? 0} |`,
      '',
      `Driver ${code(h.driver.path)} (sha256 ${code(`${h.driver.sha256.slice(0, 16)}…`)}${h.driver.signed ? ', signed' : ', not signed'}) ` +
        `· ${(h.durationMs / 1000).toFixed(1)} s · run ${code(h.runId)}`,
    ];
    if (h.error) lines.push('', `**The lab could not run:** ${code(h.error.message)}`);
    if (h.gate) lines.push('', ...gateMarkdown(h.gate));
    const bad: CaseResult[] = [];
    const unjudged: CaseResult[] = [];
    let more = 0;
    for await (const c of report.cases()) {
      if (c.status === 'passed' || c.status === 'skipped' || c.status === 'waived') continue;
      if (c.status === 'inconclusive') {
        if (unjudged.length < LISTED) unjudged.push(c);
      } else if (bad.length < LISTED) bad.push(c);
      else more++;
    }
    if (bad.length) {
      const gated = Boolean(h.gate?.baseline);
      lines.push('', `| | case |${gated ? ' baseline |' : ''} blame | why |`, `|---|---|${gated ? '---|' : ''}---|---|`);
      for (const c of bad)
        lines.push(
          `| ${STATUS_MARK[c.status]} ${c.status} | ${code(c.id, true)} |${gated ? ` ${c.gate?.class ?? ''} |` : ''} ${c.blame ?? ''} | ${code((c.message ?? '').split('\n')[0] ?? '', true)} |`,
        );
      if (more) lines.push('', `… and ${more} more; see report.html.`);
    }
    if (unjudged.length) {
      lines.push('', `**Inconclusive on ${code(h.target)}** (a gap of the target, not a failure of the driver):`, '');
      for (const c of unjudged)
        lines.push(
          `- ${code(c.id)}: ${code(c.targetGap?.functions.join(', ') || (c.message ?? '').split('\n')[0] || '')}; run it on ${code(c.targetGap?.runOn ?? 'another target')}`,
        );
    }
    if (h.warnings.length) lines.push('', '**Warnings**', '', ...h.warnings.map((w) => `- ${code(w)}`));
    writeFileAtomic(join(report.outDir, 'summary.md'), `${lines.join('\n')}\n`);
  }
}

/** The gate: its verdict and why, the classes against the baseline, the waivers' state. */
function gateMarkdown(gate: GateSection): string[] {
  // The verdict line is lab's own words and counts; the reasons below may quote case ids and waivers.
  const lines = [`### Gate: ${visible(verdictLine(gate), { oneLine: true })}`];
  if (gate.reasons.length) lines.push('', ...gate.reasons.map((r) => `- ${code(r)}`));
  if (gate.baseline) {
    const b = gate.baseline;
    lines.push(
      '',
      `Against baseline run ${code(b.runId || b.path)} (${code(b.startedAt)}, ${code(b.status)})${gate.allowNewFailures ? ', new failures allowed' : ''}:`,
      '',
    );
    lines.push('| regressions | new | fixed | still failing | removed | waived | unchanged | not run |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
    const k = gate.counts;
    lines.push(`| ${k.regression} | ${k.new} | ${k.fixed} | ${k['still-failing']} | ${k.removed} | ${k.waived} | ${k.unchanged} | ${k['not-run']} |`);
    const list = (title: string, ids: string[]) => {
      if (!ids.length) return;
      lines.push(
        '',
        `**${title}:** ${ids
          .slice(0, LISTED)
          .map((id) => code(id))
          .join(', ')}${ids.length > LISTED ? ` and ${ids.length - LISTED} more` : ''}`,
      );
    };
    list('Regressions', gate.regressions);
    list('New failing cases', gate.newFailures);
    list('Fixed', gate.fixed);
    list(
      'Removed',
      gate.removed.map((r) => r.id),
    );
  }
  const w = gate.waivers;
  if (w) {
    lines.push('', `Waivers ${code(w.file)}: ${w.applied} case${w.applied === 1 ? '' : 's'} waived.`);
    for (const e of w.expired) lines.push(`- **expired:** ${code(e.match)} (${code(e.source)}): its last day was ${code(e.expires)}, ${e.daysAgo} days ago`);
    for (const u of w.unused) lines.push(`- unused: ${code(u.match)} (${code(u.source)}) matched no failing case`);
  }
  return lines;
}

/**
 * Text from drivers, suites and reports as an inline code span: Markdown, links, images and HTML inside
 * are shown as written, never rendered (CI shows summary.md as the step summary). One line; control
 * characters visible; pipes escaped in table cells; the fence longer than any backtick run inside.
 */
export function code(text: string, inTable = false): string {
  if (text === '') return '';
  const flat = visible(text.length > 300 ? `${text.slice(0, 299)}…` : text, { oneLine: true });
  const cell = inTable ? flat.replace(/\|/g, '\\|') : flat;
  const fence = '`'.repeat(Math.max(0, ...(cell.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = cell.startsWith('`') || cell.endsWith('`') || /^ .* $/.test(cell) ? ' ' : '';
  return `${fence}${pad}${cell}${pad}${fence}`;
}
