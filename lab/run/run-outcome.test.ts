import { describe, expect, it } from 'vitest';
import { runOutcomeOf } from './run-outcome.js';

const how = { interrupted: false, harnessFailure: false };

describe('runOutcomeOf (the run)', () => {
  it('inconclusive cases fail nothing: the rest of the run decides', () => {
    const r = runOutcomeOf([{ status: 'passed' }, { status: 'inconclusive', blame: 'target' }], how);
    expect(r).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(r.summary).toMatchObject({ total: 2, passed: 1, inconclusive: 1 });
    expect(
      runOutcomeOf(
        [
          { status: 'failed', blame: 'product' },
          { status: 'inconclusive', blame: 'target' },
        ],
        how,
      ),
    ).toMatchObject({ status: 'failed', exitCode: 1 });
  });

  it('a run in which the target could judge no case is not a pass: exit 3', () => {
    expect(runOutcomeOf([{ status: 'inconclusive', blame: 'target' }, { status: 'skipped' }], how)).toMatchObject({ status: 'error', exitCode: 3 });
  });
});
