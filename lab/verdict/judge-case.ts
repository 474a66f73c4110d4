import type { FreshLoad, GuestEvent } from '../guest/result.js';
import { GUEST_LIMITS } from '../runner-limits/limits.js';
import { describeWin32Error } from '../status-codes/win32-errors.js';
import type { Case } from '../suite/case.js';
import type { Blame, CaseResult, FailingCase, FailingStatus, PassedCase, SkippedCase, StepReport } from './case-result.js';
import { unstartedClient } from './client-start.js';
import { judgeStep, notRunStep } from './judge-steps.js';
import { plural } from './plural.js';

type CaseEvent = Extract<GuestEvent, { t: 'case' }>;
type CaseErrorEvent = Extract<GuestEvent, { t: 'case-error' }>;

/** A finished case: every step judged; `failed` (the product's fault) when any expectation does not hold. */
export function judgeCase(c: Case, event: CaseEvent | CaseErrorEvent): CaseResult {
  const base = baseResult(c);
  if (event.t === 'case-error') {
    return {
      ...base,
      status: 'error',
      blame: 'test',
      message: `the guest runner could not run this case as written (plan line ${event.line}): ${event.error}`,
    };
  }
  const durationMs = Math.round(event.elapsedUs / 1000);
  const notes = event.fresh ? [freshNote(event.fresh)] : [];
  const withNotes = notes.length ? { notes } : {};
  if (event.fresh && event.fresh.error !== 0) {
    // The driver would not load again: none of the steps ran. The driver's doing, as a failed first load is.
    const steps = c.steps.map((step, i) => notRunStep(step, i));
    const why =
      `the driver did not load again before this case: StartService failed with ${describeWin32Error(event.fresh.error)}` +
      `${event.fresh.message ? ` (${event.fresh.message.trim()})` : ''}; no step was run`;
    return { ...base, status: 'error', blame: 'product', durationMs, steps, message: why, ...withNotes };
  }
  const stopped = event.stopped;
  const steps: StepReport[] = c.steps.map((step, i) =>
    stopped !== undefined && i > stopped ? notRunStep(step, i) : judgeStep(step, event.steps[i], i, { steps: c.steps }),
  );
  const failing = steps.filter((s) => !s.ok);
  const hanging = (event.pending ?? []).map((slot) => stillPending(c, slot));
  if (failing.length === 0 && hanging.length === 0) return { ...base, status: 'passed', durationMs, steps, ...withNotes };
  let message = [failing.length ? failureMessage(failing) : '', ...hanging].filter(Boolean).join('\n');
  if (stopped !== undefined && stopped < c.steps.length - 1) message += `\n${notRunLine(stopped, c.steps.length)}`;
  // A request the driver still holds is the driver's, whatever else failed.
  const unjudged = hanging.length === 0 ? notJudged(failing) : undefined;
  return { ...base, status: unjudged ? 'error' : 'failed', blame: unjudged ?? 'product', durationMs, steps, message, ...withNotes };
}

/**
 * Whose fault a case is when none of its failing steps judged the driver: steps the guest refused (the
 * suite's), a client that never started (see client-start.ts). Undefined when the driver failed a step.
 */
function notJudged(failing: StepReport[]): Blame | undefined {
  const blames = failing.map((s) => (s.error === null && s.kind !== 'parallel' ? 'test' : unstartedClient(s)));
  if (blames.some((b) => b === undefined || b === 'product')) return undefined;
  return blames.includes('test') ? 'test' : 'harness';
}

/** A request the runner cancelled at the case's end and that still did not end: the driver keeps it. */
function stillPending(c: Case, slot: number): string {
  const index = c.steps.findIndex((s) => (s.kind === 'ioctl' || s.kind === 'read' || s.kind === 'write') && s.async?.slot === slot);
  const step = c.steps[index];
  const name = step && 'async' in step && step.async ? `\`${step.async.name}\` (step ${index})` : `in async slot ${slot}`;
  return `the request ${name} was still pending ${GUEST_LIMITS.asyncDrainMs / 1000} s after lab cancelled it at the end of the case: the driver does not complete cancelled requests`;
}

/** "steps 3 to 5 were not run: the open at step 2 failed", in the case's own step numbers. */
function notRunLine(stopped: number, count: number): string {
  const first = stopped + 1;
  const which = first === count - 1 ? `step ${first} was` : `steps ${first} to ${count - 1} were`;
  return `${which} not run: the open at step ${stopped} failed`;
}

function freshNote(fresh: FreshLoad): string {
  if (fresh.why === 'asked') return 'started on a fresh load of the driver (isolation: case)';
  const after = fresh.after ? `case ${fresh.after}` : 'the case before it';
  const open = fresh.open !== null ? ` (opening it gave ${describeWin32Error(fresh.open)})` : '';
  return `started on a fresh load of the driver: ${after} left the driver unloaded or its device gone${open}`;
}

/** A case that never got a result: cut off by a crash, hang or interruption, or never started. */
export function unfinishedCase(c: Case, status: FailingStatus, message: string, blame: Blame): FailingCase {
  return { ...baseResult(c), status, message, blame };
}

/** A case this target does not run, and why. */
export function skippedCase(c: Case, reason: string): SkippedCase {
  return { ...baseResult(c), status: 'skipped', message: reason };
}

/** The fields every result has, in report.json's order (`status` keeps its place when a result sets it). */
function baseResult(c: Case): PassedCase {
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
  if (failing.length > 3) lines.push(`... and ${plural(failing.length - 3, 'more failing step')}`);
  const diff = failing.find((s) => s.diff)?.diff;
  if (diff) lines.push(diff.text);
  return lines.join('\n');
}
