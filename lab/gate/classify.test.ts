import { describe, expect, it } from 'vitest';
import { classify } from './classify.js';
import { gateOutcomeOf } from './outcome.js';

describe('one case against the baseline', () => {
  it('follows the table: regression, fixed, still failing, new, waived, unchanged, not run', () => {
    const table: Array<[Parameters<typeof classify>[0], Parameters<typeof classify>[1], string]> = [
      ['pass', 'pass', 'unchanged'],
      ['fail', 'pass', 'regression'],
      ['pass', 'fail', 'fixed'],
      ['fail', 'fail', 'still-failing'],
      ['waived', 'pass', 'waived'],
      ['waived', undefined, 'waived'],
      ['not-run', 'pass', 'not-run'],
      ['pass', undefined, 'new'],
      ['fail', undefined, 'new'],
      ['fail', 'not-run', 'new'],
      ['pass', 'not-run', 'new'],
    ];
    for (const [now, before, expected] of table) expect(classify(now, before), `${before} → ${now}`).toBe(expected);
  });

  it('reads statuses as outcomes: flaky passes, harness errors were not run, product errors fail', () => {
    expect(['passed', 'flaky', 'failed', 'crashed', 'hung', 'skipped', 'waived'].map((status) => gateOutcomeOf({ status }))).toEqual([
      'pass',
      'pass',
      'fail',
      'fail',
      'fail',
      'not-run',
      'waived',
    ]);
    expect(gateOutcomeOf({ status: 'error', blame: 'harness' })).toBe('not-run');
    expect(gateOutcomeOf({ status: 'error', blame: 'test' })).toBe('fail');
    expect(gateOutcomeOf({ status: 'some-future-status' })).toBe('not-run');
  });
});
