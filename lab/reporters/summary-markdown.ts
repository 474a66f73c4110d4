import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseResult } from '../verdict/case-result.js';
import type { FinalReport, Reporter } from './reporter.js';
import { STATUS_MARK } from './status-mark.js';
import { verdictLine } from '../gate/gate-lines.js';
import type { GateSection } from '../report/run-report.js';

const LISTED = 50;

/** summary.md: for a CI step summary ($GITHUB_STEP_SUMMARY) or a pull-request comment. */
export class SummaryMarkdownReporter implements Reporter {
  readonly name = 'summary';
  readonly writes = 'summary.md';

  async onEnd(report: FinalReport): Promise<void> {
    const h = report.header;
    const s = h.summary;
    const lines = [
      `## lab: ${h.suite} on ${h.target}: ${h.status}${h.gate ? `, gate ${h.gate.verdict}` : ''}`,
      '',
      `| total | passed | failed | crashed | hung | error | skipped | flaky | waived |`,
      `|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
      `| ${s.total} | ${s.passed} | ${s.failed} | ${s.crashed} | ${s.hung} | ${s.error} | ${s.skipped} | ${s.flaky} | ${s.waived ?? 0} |`,
      '',
      `Driver \`${cell(h.driver.path)}\` (sha256 \`${h.driver.sha256.slice(0, 16)}…\`${h.driver.signed ? ', signed' : ', not signed'}) · ${(h.durationMs / 1000).toFixed(1)} s · run \`${h.runId}\``,
    ];
    if (h.error) lines.push('', `**The lab could not run:** ${cell(h.error.message)}`);
    if (h.gate) lines.push('', ...gateMarkdown(h.gate));
    const bad: CaseResult[] = [];
    let more = 0;
    for await (const c of report.cases()) {
      if (c.status === 'passed' || c.status === 'skipped' || c.status === 'waived') continue;
      if (bad.length < LISTED) bad.push(c);
      else more++;
    }
    if (bad.length) {
      const gated = Boolean(h.gate?.baseline);
      lines.push('', `| | case |${gated ? ' baseline |' : ''} blame | why |`, `|---|---|${gated ? '---|' : ''}---|---|`);
      for (const c of bad) lines.push(`| ${STATUS_MARK[c.status]} ${c.status} | \`${cell(c.id)}\` |${gated ? ` ${c.gate?.class ?? ''} |` : ''} ${c.blame ?? ''} | ${cell((c.message ?? '').split('\n')[0] ?? '')} |`);
      if (more) lines.push('', `… and ${more} more; see report.html.`);
    }
    if (h.warnings.length) lines.push('', '**Warnings**', '', ...h.warnings.map((w) => `- ${cell(w)}`));
    await writeFile(join(report.outDir, 'summary.md'), `${lines.join('\n')}\n`);
  }
}

/** The gate: its verdict and why, the classes against the baseline, the waivers' state. */
function gateMarkdown(gate: GateSection): string[] {
  const lines = [`### Gate: ${cell(verdictLine(gate))}`];
  if (gate.reasons.length) lines.push('', ...gate.reasons.map((r) => `- ${cell(r)}`));
  if (gate.baseline) {
    const b = gate.baseline;
    lines.push('', `Against baseline run \`${cell(b.runId || b.path)}\` (${cell(b.startedAt)}, ${cell(b.status)})${gate.allowNewFailures ? ', new failures allowed' : ''}:`, '');
    lines.push('| regressions | new | fixed | still failing | removed | waived | unchanged | not run |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
    const k = gate.counts;
    lines.push(`| ${k.regression} | ${k.new} | ${k.fixed} | ${k['still-failing']} | ${k.removed} | ${k.waived} | ${k.unchanged} | ${k['not-run']} |`);
    const list = (title: string, ids: string[]) => {
      if (!ids.length) return;
      lines.push('', `**${title}:** ${ids.slice(0, LISTED).map((id) => `\`${cell(id)}\``).join(', ')}${ids.length > LISTED ? ` and ${ids.length - LISTED} more` : ''}`);
    };
    list('Regressions', gate.regressions);
    list('New failing cases', gate.newFailures);
    list('Fixed', gate.fixed);
    list('Removed', gate.removed.map((r) => r.id));
  }
  const w = gate.waivers;
  if (w) {
    lines.push('', `Waivers \`${cell(w.file)}\`: ${w.applied} case${w.applied === 1 ? '' : 's'} waived.`);
    for (const e of w.expired) lines.push(`- **expired:** \`${cell(e.match)}\` (${cell(e.source)}): its last day was ${e.expires}, ${e.daysAgo} days ago`);
    for (const u of w.unused) lines.push(`- unused: \`${cell(u.match)}\` (${cell(u.source)}) matched no failing case`);
  }
  return lines;
}

/** Markdown table cells: no pipes, no newlines, no HTML. */
function cell(text: string): string {
  return text.replace(/[|]/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;').slice(0, 300);
}
