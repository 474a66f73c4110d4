import type { Blame, CaseStatus } from '../verdict/case-result.js';

/** What a case's status means for a gate. `not-run`: skipped, or the harness kept it from running. */
export type Outcome = 'pass' | 'fail' | 'waived' | 'not-run';

/**
 * passed and flaky pass (flaky passed on a rerun and is reported as such); failed, crashed and hung fail;
 * an `error` fails unless the harness is to blame, because then the driver was never judged. An
 * `inconclusive` case was not judged either (the target lacks what it needs): never a failure, never a
 * regression.
 */
export function outcomeOf(c: { status: CaseStatus | string; blame?: Blame }): Outcome {
  switch (c.status) {
    case 'passed':
    case 'flaky':
      return 'pass';
    case 'failed':
    case 'crashed':
    case 'hung':
      return 'fail';
    case 'error':
      return c.blame === 'harness' ? 'not-run' : 'fail';
    case 'waived':
      return 'waived';
    default:
      return 'not-run';
  }
}
