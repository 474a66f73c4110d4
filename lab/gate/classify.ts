import type { GateClass } from '../verdict/case-result.js';
import type { GateOutcome } from './outcome.js';

/**
 * One case against the baseline. `before` is the baseline's outcome seen through any waiver (a waived
 * case failed all the same); undefined when the baseline has no such case id.
 *
 * | before \ now | pass      | fail          | waived | not-run |
 * | pass         | unchanged | regression    | waived | not-run |
 * | fail         | fixed     | still-failing | waived | not-run |
 * | not-run      | new       | new           | waived | not-run |
 * | (absent)     | new       | new           | waived | new     |
 *
 * A baseline that did not run a case is no evidence either way, so the case counts as new.
 */
export function classify(now: GateOutcome, before: Exclude<GateOutcome, 'waived'> | undefined): GateClass {
  if (now === 'waived') return 'waived';
  if (before === undefined) return 'new';
  if (now === 'not-run') return 'not-run';
  if (before === 'not-run') return 'new';
  if (before === 'pass') return now === 'pass' ? 'unchanged' : 'regression';
  return now === 'pass' ? 'fixed' : 'still-failing';
}
