import type { CaseStatus } from '../verdict/case-result.js';

/** One glyph per status, the same in the terminal, summary.md and the HTML report. */
export const STATUS_MARK: Record<CaseStatus, string> = {
  passed: '✓',
  failed: '✗',
  crashed: '☠',
  hung: '⧗',
  skipped: '-',
  error: '!',
  flaky: '~',
  waived: '≈',
  inconclusive: '?',
};
