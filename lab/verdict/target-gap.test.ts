import { describe, expect, it } from 'vitest';
import type { CaseResult } from './case-result.js';
import { applyTargetGaps, describeGaps } from './target-gap.js';
import type { TargetGap } from '../targets/target.js';
import { aCase } from '../testing/report-fixtures.js';

const failed: CaseResult = {
  index: 0,
  id: 'mdl/neither',
  name: 'neither',
  status: 'failed',
  blame: 'product',
  durationMs: 2,
  steps: [],
  message: 'step 1 NEITHER: expected error 0 (ERROR_SUCCESS), got 1450 (ERROR_NO_SYSTEM_RESOURCES)',
};
const MAP: TargetGap = { function: 'MmMapLockedPagesSpecifyCache', detail: 'fixme:ntoskrnl:MmMapLockedPagesSpecifyCache (...): stub', kind: 'stub' };
const QUOTA: TargetGap = { function: 'IoAllocateMdl', detail: 'fixme:ntoskrnl:IoAllocateMdl Charge quota is not yet supported', kind: 'stub' };

describe('applyTargetGaps', () => {
  it('makes a failure the driver hit a gap on the way to inconclusive, keeping what it was', () => {
    const r = applyTargetGaps(failed, [QUOTA, MAP], 'wine');
    expect(r.status).toBe('inconclusive');
    expect(r.blame).toBe('target');
    expect(r.message).toBe(
      "inconclusive on wine: the driver called MmMapLockedPagesSpecifyCache, which wine does not implement (Wine 8 maps no MDL: MmMapLockedPagesSpecifyCache (and MmGetSystemAddressForMdlSafe over it) returns NULL, so a driver that maps a caller's buffer (METHOD_NEITHER, direct I/O) fails with STATUS_INSUFFICIENT_RESOURCES). What it did next says nothing about the driver; run this case on a Windows target (`kind: ssh` or `kind: hyperv` in infra/targets.yaml).",
    );
    expect(r.targetGap).toEqual({
      functions: ['MmMapLockedPagesSpecifyCache'],
      detail: expect.stringContaining('Wine 8 maps no MDL'),
      runOn: 'a Windows target (`kind: ssh` or `kind: hyperv` in infra/targets.yaml)',
      was: { status: 'failed', blame: 'product', message: failed.message },
    });
  });

  it('names unknown gaps by what the target said', () => {
    expect(describeGaps([QUOTA])).toEqual({ functions: ['IoAllocateMdl'], detail: 'fixme:ntoskrnl:IoAllocateMdl Charge quota is not yet supported' });
  });

  it('leaves a pass, a harness error, a suite error and a case without gaps as they are', () => {
    expect(applyTargetGaps(aCase('echo/neither', 'passed'), [MAP], 'wine').status).toBe('passed');
    expect(applyTargetGaps({ ...failed, status: 'error', blame: 'harness' }, [MAP], 'wine').status).toBe('error');
    expect(applyTargetGaps({ ...failed, status: 'error', blame: 'test' }, [MAP], 'wine').status).toBe('error');
    expect(applyTargetGaps(failed, [], 'wine')).toBe(failed);
  });
});
