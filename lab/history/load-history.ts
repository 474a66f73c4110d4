import { relative } from 'node:path';
import { LabError, UsageError } from '../errors/lab-error.js';
import { readReport } from '../report/read-report.js';
import { findReports } from './find-reports.js';
import type { HistoryRun } from './history-model.js';
import { historyRun } from './history-run.js';

export interface HistorySelection {
  last: number;
  suite?: string;
}

/**
 * The last N runs under a reports folder, oldest first, read from their report.json files alone. A file
 * that is not a lab report (or half written by a run still going) is skipped with a warning, not fatal:
 * one broken folder must not hide a month of history.
 */
export async function loadHistory(root: string, selection: HistorySelection, warn: (message: string) => void): Promise<HistoryRun[]> {
  const files = await findReports(root);
  if (files.length === 0)
    throw new UsageError(
      'LAB_HISTORY_EMPTY',
      `lab history ${root}: no report.json found in it or its subfolders. Fix: point at the folder \`lab run\` writes to (reports/ by default).`,
    );
  const runs: HistoryRun[] = [];
  for (const file of files) {
    try {
      const run = await historyRun(await readReport(file, 'lab history'));
      if (!selection.suite || run.suite === selection.suite) runs.push(run);
    } catch (error) {
      if (!(error instanceof LabError)) throw error;
      warn(`skipped ${relative(process.cwd(), file) || file}: ${error.message.split('\n')[0]}`);
    }
  }
  if (runs.length === 0)
    throw new UsageError(
      'LAB_HISTORY_EMPTY',
      `lab history ${root}: no usable report${selection.suite ? ` of suite \`${selection.suite}\`` : ''} among ${files.length} report.json file${files.length === 1 ? '' : 's'}.`,
    );
  runs.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.runId.localeCompare(b.runId));
  return runs.slice(-selection.last);
}
