import { dirname, join, relative } from 'node:path';
import { exportPage } from '../../browser/export-page.js';
import { readReport } from '../../report/read-report.js';
import { renderHtml } from '../../reporters/html.js';
import { writeFileAtomic } from '../../files/atomic-file.js';

export interface ReportFlags {
  /** true: next to the report; a string: that file. */
  pdf?: string | boolean;
  png?: string | boolean;
}

/**
 * `lab report <dir>`: report.html again from report.json alone (so an old run gets the current page), and
 * with --pdf / --png an export through the same headless Chromium the tests use.
 */
export async function reportCommand(dirOrFile: string, flags: ReportFlags): Promise<void> {
  const { file, report } = await readReport(dirOrFile, 'lab report');
  const dir = dirname(file);
  const { cases, ...header } = report;
  const html = join(dir, 'report.html');
  writeFileAtomic(html, renderHtml({ header, cases }));
  const pdf = flags.pdf === undefined || flags.pdf === false ? undefined : typeof flags.pdf === 'string' ? flags.pdf : join(dir, 'report.pdf');
  const png = flags.png === undefined || flags.png === false ? undefined : typeof flags.png === 'string' ? flags.png : join(dir, 'report.png');
  if (pdf || png) await exportPage(html, { ...(pdf ? { pdf } : {}), ...(png ? { png } : {}) });
  for (const written of [html, pdf, png]) if (written) process.stdout.write(`${shown(written)}\n`);
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
