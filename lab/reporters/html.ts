import { join } from 'node:path';
import { writeAtomically } from '../files/atomic-file.js';
import { pageScript } from '../page/page-script.js';
import { renderStaticPage, scriptJson, staticPageAround } from '../page/static-page.js';
import type { RunHeader } from '../report/run-report.js';
import { mergeTimeline } from '../timeline/merge-timeline.js';
import type { TimelineEntry } from '../timeline/timeline-entry.js';
import type { CaseResult } from '../verdict/case-result.js';
import { describeNtStatus } from '../status-codes/ntstatus.js';
import { describeWin32Error } from '../status-codes/win32-errors.js';
import { STYLES } from './html/styles.js';
import type { FinalReport, Reporter } from './reporter.js';

/**
 * report.html: one self-contained file (no network, works as a CI artifact). `lab report` regenerates it
 * from report.json with the same function, so a report can be re-rendered by a newer lab.
 */
export class HtmlReporter implements Reporter {
  readonly name = 'html';
  readonly writes = 'report.html';

  /** Written case by case, so memory does not grow with the number of cases. */
  async onEnd(report: FinalReport): Promise<void> {
    const [before, after] = staticPageAround({ fallbackTitle: 'lab report', styles: STYLES, skeleton: SKELETON, script: pageScript('report') });
    await writeAtomically(join(report.outDir, 'report.html'), async (write) => {
      write(`${before}{"header":${scriptJson(report.header)},"cases":[`);
      const names: CodeNames = { errorNames: {}, statusNames: {} };
      let first = true;
      for await (const c of report.cases()) {
        const page = pageCase(c);
        addCodeNames(names, page);
        write(`${first ? '' : ','}${scriptJson(page)}`);
        first = false;
      }
      write(`],"errorNames":${scriptJson(names.errorNames)},"statusNames":${scriptJson(names.statusNames)}}${after}`);
    });
  }
}

/** What the page gets per case: the result with its merged timeline instead of the raw log slices. */
export type PageCase = Omit<CaseResult, 'log'> & { timeline: TimelineEntry[]; logTruncated?: boolean };

export function pageCase(c: CaseResult): PageCase {
  const { log, ...rest } = c;
  return { ...rest, timeline: mergeTimeline(c), ...(log?.truncated ? { logTruncated: true } : {}) };
}

export function renderHtml(data: { header: RunHeader; cases: CaseResult[] }): string {
  return renderPage(data.header, data.cases.map(pageCase));
}

function renderPage(header: RunHeader, cases: PageCase[]): string {
  return renderStaticPage({
    fallbackTitle: 'lab report',
    styles: STYLES,
    skeleton: SKELETON,
    data: { header, cases, ...codeNames(cases) },
    script: pageScript('report'),
  });
}

/**
 * Names for every code the page shows, so the page needs no tables of its own: "87 (ERROR_INVALID_PARAMETER)"
 * for Win32 errors, "0xC000000D (STATUS_INVALID_PARAMETER)" for NTSTATUS values.
 */
interface CodeNames {
  errorNames: Record<string, string>;
  statusNames: Record<string, string>;
}

function codeNames(cases: PageCase[]): CodeNames {
  const names: CodeNames = { errorNames: {}, statusNames: {} };
  for (const c of cases) addCodeNames(names, c);
  return names;
}

function addCodeNames(names: CodeNames, c: PageCase): void {
  for (const s of c.steps) {
    for (const code of [s.error, s.expected?.error]) if (typeof code === 'number') names.errorNames[code] ??= describeWin32Error(code);
    for (const value of [s.status, s.expected?.status]) if (typeof value === 'number') names.statusNames[value] ??= describeNtStatus(value);
  }
}

const SKELETON = `<header id="header"></header>
<main>
<section id="summary" class="summary"></section>
<section id="gate"></section>
<div id="warnings"></div>
<div class="controls" id="controls"></div>
<div class="meta" id="shown"></div>
<table class="cases">
<thead><tr><th>status</th><th>case</th><th id="gate-col">baseline</th><th>blame</th><th>time</th><th>why</th></tr></thead>
<tbody id="rows"></tbody>
</table>
<div class="empty" id="empty" hidden>No case matches the filter.</div>
</main>`;
