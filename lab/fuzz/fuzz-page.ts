/**
 * fuzz.html: the run at a glance (verdict, seed, calls, rate), each finding with its minimized case and
 * evidence, what was seen once and not again, and the coverage table: which (code, handle access) answered
 * what. Self-contained like report.html (lab/page/): the data rides as JSON in a non-executed element and
 * the script (client/main.ts) builds the page with textContent, so whatever a driver printed stays text.
 */
import { pageScript } from '../page/page-script.js';
import { renderStaticPage } from '../page/static-page.js';
import { describeNtStatus } from '../status-codes/ntstatus.js';
import { describeWin32Error } from '../status-codes/win32-errors.js';
import { handled } from './coverage.js';
import type { FuzzReport } from './fuzz-report.js';

export function renderFuzzPage(report: FuzzReport): string {
  const answers = new Set(report.coverage.flatMap((row) => Object.keys(row.answers)));
  const answerNames: Record<string, string> = {};
  for (const a of answers)
    answerNames[a] = a.startsWith('0x') ? describeNtStatus(Number(a)) : a.startsWith('error ') ? `error ${describeWin32Error(Number(a.slice(6)))}` : a;
  // Which rows are the attack surface is decided here, once, with the rule the report's readers share.
  const surface = report.coverage.map(handled);
  return renderStaticPage({
    fallbackTitle: 'lab fuzz',
    styles: STYLES,
    skeleton: SKELETON,
    data: { report, answerNames, surface },
    script: pageScript('fuzz'),
  });
}

const SKELETON = `<header id="header"></header>
<main>
<section id="findings"></section>
<section id="unreproduced"></section>
<section id="coverage"></section>
<section id="notes"></section>
</main>`;

const STYLES = `
:root { --line:#d0d7de; --muted:#57606a; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; }
header { padding: 16px 24px 12px; border-bottom: 1px solid var(--line); background: var(--soft); }
header h1 { margin: 0 0 4px; font-size: 21px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
h3 { font-size: 14.5px; margin: 0 0 6px; }
main { padding: 12px 24px 40px; }
.meta { color: var(--muted); font-size: 13px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; font-size: 13px; vertical-align: 2px; background: #6e7781; }
.verdict.clean { background: #1a7f37; } .verdict.findings { background: #cf222e; } .verdict.error { background: #9a6700; }
.finding { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 0 0 14px; }
.kind { font-weight: 600; } .kind.crash { color: #8250df; } .kind.hang { color: #bc4c00; } .kind.divergence { color: #cf222e; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto;
  font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; margin: 6px 0; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; white-space: nowrap; }
.answer { display: inline-block; margin: 0 8px 2px 0; font-size: 12.5px; }
.answer.bad { color: #57606a; }
.warn { color: #9a6700; }
ul { margin: 4px 0; padding-left: 20px; }
details > summary { cursor: pointer; color: #0969da; }
`;
