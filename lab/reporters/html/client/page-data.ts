/**
 * What report.html carries as data (lab/reporters/html.ts writes it), read once from the page's JSON
 * element, and the words the page uses for statuses and gate classes.
 */
import type { GateSection, RunHeader } from '../../../report/run-report.js';
import type { TimelineEntry } from '../../../timeline/timeline-entry.js';
import type { CaseResult, CaseStatus, GateClass } from '../../../verdict/case-result.js';
import { pageData } from '../../../page/client/dom.js';

/** A case as the page gets it: the result with its merged timeline instead of the raw log slices. */
export type PageCase = Omit<CaseResult, 'log'> & { timeline?: TimelineEntry[]; logTruncated?: boolean };

export interface ReportPageData {
  header: RunHeader;
  cases: PageCase[];
  /** "87 (ERROR_INVALID_PARAMETER)" for every Win32 code the page shows. */
  errorNames?: Record<string, string>;
  /** "0xC000000D (STATUS_INVALID_PARAMETER)" for every NTSTATUS value the page shows. */
  statusNames?: Record<string, string>;
}

export type { GateSection };

export const data = pageData<ReportPageData>();

export function describeError(code: unknown): string {
  return data.errorNames?.[String(code)] || String(code);
}

export function describeStatus(value: unknown): string {
  return data.statusNames?.[String(value)] || `0x${(Number(value) >>> 0).toString(16).toUpperCase()}`;
}

export const STATUSES: CaseStatus[] = ['failed', 'crashed', 'hung', 'error', 'flaky', 'waived', 'inconclusive', 'passed', 'skipped'];
export const MARK: Record<CaseStatus, string> = {
  passed: '\u2713',
  failed: '\u2717',
  crashed: '\u2620',
  hung: '\u29d7',
  skipped: '-',
  error: '!',
  flaky: '~',
  waived: '\u2248',
  inconclusive: '?',
};
export const CLASSES: GateClass[] = ['regression', 'new', 'fixed', 'still-failing', 'removed', 'waived', 'not-run', 'unchanged'];
export const CLASS_TITLE: Record<GateClass, string> = {
  regression: 'regressions',
  new: 'new',
  fixed: 'fixed',
  'still-failing': 'still failing',
  removed: 'removed',
  waived: 'waived',
  'not-run': 'not run',
  unchanged: 'unchanged',
};
/** One case's class: the titles, where only "regressions" is a plural. */
export const CLASS_ONE: Record<GateClass, string> = { ...CLASS_TITLE, regression: 'regression' };
export const CLASS_EXPLAIN: Record<GateClass, string> = {
  regression: 'passed in the baseline, fails now',
  fixed: 'failed in the baseline, passes now',
  'still-failing': 'failed in the baseline and fails now',
  new: 'not in the baseline (or not run there)',
  waived: 'a known failure, covered by a waiver',
  unchanged: 'passed in the baseline and passes now',
  'not-run': 'not run in this run (skipped, or the harness could not run it)',
  removed: 'in the baseline, not in this run',
};
