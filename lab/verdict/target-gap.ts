/**
 * A gap of the target is not a failure of the driver. When a case did not pass and, during it, the driver
 * called something the target does not implement (Wine's fixme line for a stub, a call to an unimplemented
 * export that ended the host), the result is the target's, not the driver's: the case is `inconclusive`,
 * blamed on the `target`, names the functions and says which target can run it. It keeps what it would
 * have been in `targetGap.was`. It never counts as a failure or a regression (lab/gate/outcome.ts).
 */
import type { TargetGap } from '../targets/target.js';
import { isFailing, type CaseResult, type TargetGapMark } from './case-result.js';

/** What lab knows Wine 8 does instead, for the functions its known gaps come from (README "Wine gaps"). */
const KNOWN: Record<string, string> = {
  MmMapLockedPagesSpecifyCache:
    'Wine 8 maps no MDL: MmMapLockedPagesSpecifyCache (and MmGetSystemAddressForMdlSafe over it) returns NULL, ' +
    "so a driver that maps a caller's buffer (METHOD_NEITHER, direct I/O) fails with STATUS_INSUFFICIENT_RESOURCES",
  MmBuildMdlForNonPagedPool: "Wine 8's MmBuildMdlForNonPagedPool is a stub that fills in nothing",
  'ntoskrnl.exe.ExAllocatePool2':
    'Wine 8 has no ExAllocatePool2 (the Windows 10 2004 pool API): its loader binds the import to a stub that ends the driver host when called',
};

/** Where a case the Wine target cannot judge can run. */
export const RUN_ON_WINDOWS = 'a Windows target (`kind: ssh` or `kind: hyperv` in infra/targets.yaml)';

/** The functions and what the target does instead; when a known gap is among them, it alone explains. */
export function describeGaps(gaps: TargetGap[]): { functions: string[]; detail: string } {
  const known = gaps.filter((g) => KNOWN[g.function] !== undefined);
  const shown = known.length > 0 ? known : gaps;
  const functions = [...new Set(shown.map((g) => g.function))];
  const details = [...new Set(shown.map((g) => KNOWN[g.function] ?? g.detail))];
  return { functions, detail: details.join('; ') };
}

/**
 * The case as the verdict should stand, given the target's gaps seen during it: a gap explains a wrong
 * answer or a dead host (a failing status) the driver's, when the driver hit the gap on the way.
 */
export function applyTargetGaps(result: CaseResult, gaps: TargetGap[], targetName: string): CaseResult {
  if (gaps.length === 0 || !isFailing(result) || result.blame === 'harness' || result.blame === 'test') return result;
  const { functions, detail } = describeGaps(gaps);
  const mark: TargetGapMark = {
    functions,
    detail,
    runOn: RUN_ON_WINDOWS,
    was: { status: result.status, blame: result.blame, ...(result.message ? { message: result.message } : {}) },
  };
  return {
    ...result,
    status: 'inconclusive',
    blame: 'target',
    message:
      `inconclusive on ${targetName}: the driver called ${functions.join(', ')}, which ${targetName} does not implement (${detail}). ` +
      `What it did next says nothing about the driver; run this case on ${RUN_ON_WINDOWS}.`,
    targetGap: mark,
  };
}
