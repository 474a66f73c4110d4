import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseResult } from '../verdict/case-result.js';
import { CLIENT_SCRIPT } from './html/client-script.js';
import { STYLES } from './html/styles.js';
import type { FinalReport, Reporter } from './reporter.js';

/**
 * report.html: one self-contained file (no network, works as a CI artifact). The run's data rides along as
 * JSON in a non-executed script element, with `<` escaped so no driver output can close that element;
 * the page script renders it with textContent only.
 */
export class HtmlReporter implements Reporter {
  readonly name = 'html';

  async onEnd(report: FinalReport): Promise<void> {
    const cases: CaseResult[] = [];
    for await (const c of report.cases()) cases.push(c);
    await writeFile(join(report.outDir, 'report.html'), renderHtml({ header: report.header, cases }));
  }
}

export function renderHtml(data: { header: FinalReport['header']; cases: CaseResult[] }): string {
  const h = data.header;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${text(`lab: ${h.suite} on ${h.target}: ${h.status}`)}</title>
<style>${STYLES}</style>
</head>
<body>
<header id="header"></header>
<main>
<div id="warnings"></div>
<div class="controls" id="controls"></div>
<div class="meta" id="shown"></div>
<table>
<thead><tr><th>status</th><th>case</th><th>blame</th><th>time</th><th>message</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<div class="empty" id="empty" hidden>No case matches the filter.</div>
</main>
<script type="application/json" id="lab-data">${scriptJson(data)}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** JSON that is safe inside <script>: no `<` (so no `</script>`), no line separators JS chokes on. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
