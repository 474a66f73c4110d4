import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseResult } from '../verdict/case-result.js';
import type { FinalReport, Reporter } from './reporter.js';
import { STATUS_MARK } from './status-mark.js';

const LISTED = 50;

/** summary.md: for a CI step summary ($GITHUB_STEP_SUMMARY) or a pull-request comment. */
export class SummaryMarkdownReporter implements Reporter {
  readonly name = 'summary';

  async onEnd(report: FinalReport): Promise<void> {
    const h = report.header;
    const s = h.summary;
    const lines = [
      `## lab: ${h.suite} on ${h.target}: ${h.status}`,
      '',
      `| total | passed | failed | crashed | hung | error | skipped | flaky |`,
      `|---:|---:|---:|---:|---:|---:|---:|---:|`,
      `| ${s.total} | ${s.passed} | ${s.failed} | ${s.crashed} | ${s.hung} | ${s.error} | ${s.skipped} | ${s.flaky} |`,
      '',
      `Driver \`${cell(h.driver.path)}\` (sha256 \`${h.driver.sha256.slice(0, 16)}…\`${h.driver.signed ? ', signed' : ', not signed'}) · ${(h.durationMs / 1000).toFixed(1)} s · run \`${h.runId}\``,
    ];
    if (h.error) lines.push('', `**The lab could not run:** ${cell(h.error.message)}`);
    const bad: CaseResult[] = [];
    let more = 0;
    for await (const c of report.cases()) {
      if (c.status === 'passed' || c.status === 'skipped') continue;
      if (bad.length < LISTED) bad.push(c);
      else more++;
    }
    if (bad.length) {
      lines.push('', '| | case | blame | why |', '|---|---|---|---|');
      for (const c of bad) lines.push(`| ${STATUS_MARK[c.status]} ${c.status} | \`${cell(c.id)}\` | ${c.blame ?? ''} | ${cell((c.message ?? '').split('\n')[0] ?? '')} |`);
      if (more) lines.push('', `… and ${more} more; see report.html.`);
    }
    if (h.warnings.length) lines.push('', '**Warnings**', '', ...h.warnings.map((w) => `- ${cell(w)}`));
    await writeFile(join(report.outDir, 'summary.md'), `${lines.join('\n')}\n`);
  }
}

/** Markdown table cells: no pipes, no newlines, no HTML. */
function cell(text: string): string {
  return text.replace(/[|]/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;').slice(0, 300);
}
