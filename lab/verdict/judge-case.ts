import type { GuestEvent } from '../guest/result.js';
import type { Case } from '../suite/case.js';
import type { CaseResult, StepReport } from './case-result.js';
import { judgeStep } from './judge-steps.js';

type CaseEvent = Extract<GuestEvent, { t: 'case' }>;
type CaseErrorEvent = Extract<GuestEvent, { t: 'case-error' }>;

/** A finished case: every step judged; `failed` (the product's fault) when any expectation does not hold. */
export function judgeCase(c: Case, event: CaseEvent | CaseErrorEvent): CaseResult {
  const base = baseResult(c);
  if (event.t === 'case-error') {
    return { ...base, status: 'error', blame: 'test', message: `the guest runner could not run this case as written (plan line ${event.line}): ${event.error}` };
  }
  const steps: StepReport[] = c.steps.map((step, i) => judgeStep(step, event.steps[i], i, { steps: c.steps }));
  const durationMs = Math.round(event.elapsedUs / 1000);
  const failing = steps.filter((s) => !s.ok);
  if (failing.length === 0) return { ...base, status: 'passed', durationMs, steps };
  const refused = failing.every((s) => s.error === null && s.kind !== 'parallel');
  return { ...base, status: refused ? 'error' : 'failed', blame: refused ? 'test' : 'product', durationMs, steps, message: failureMessage(failing) };
}

/** A case that never got a result: skipped on this target, or cut off by a crash, hang or interruption. */
export function unfinishedCase(c: Case, status: CaseResult['status'], message: string, blame?: CaseResult['blame']): CaseResult {
  return { ...baseResult(c), status, message, ...(blame ? { blame } : {}) };
}

function baseResult(c: Case): CaseResult {
  return {
    index: c.index,
    id: c.id,
    name: c.name,
    status: 'passed',
    durationMs: 0,
    steps: [],
    ...(Object.keys(c.params).length ? { params: { ...c.params } } : {}),
    source: c.source,
  };
}

/** One line per failing step (the first three), then the first byte diff in full. */
function failureMessage(failing: StepReport[]): string {
  const lines = failing.slice(0, 3).map((s) => `step ${s.index} ${s.ioctlName ?? s.kind}: ${(s.problems ?? []).join('; ')}`);
  if (failing.length > 3) lines.push(`... and ${failing.length - 3} more failing steps`);
  const diff = failing.find((s) => s.diff)?.diff;
  if (diff) lines.push(diff.text);
  return lines.join('\n');
}
