import type {
  CancelOutcome,
  ExecOutcome,
  IoctlOutcome,
  OpenCloseOutcome,
  ParallelOutcome,
  ServiceOutcome,
  SimpleOutcome,
  StepOutcome,
} from '../guest/result.js';
import type { CaseStep } from '../suite/case.js';
import { materialize } from '../suite/payload.js';
import type { CancelStepReport, OpenStepReport, ParallelStepReport, PlainStepReport, RunStepReport, StepReport, UnrunStepReport } from './case-result.js';
import { clientStartBlame, CLIENT_TIMED_OUT } from './client-start.js';
import { diffBytes, toHex } from './hex-diff.js';
import { expectedBytes, finish, gotCall, inRange, judgeTransfer, rangeText, type Context } from './judge-transfer.js';
import { plural } from './plural.js';
import { describeNtStatus } from '../status-codes/ntstatus.js';
import { describeWin32Error } from '../status-codes/win32-errors.js';

type IoctlCaseStep = Extract<CaseStep, { kind: 'ioctl' }>;

/** Judges one executed step against its expectation; never throws on odd guest data. */
export function judgeStep(step: CaseStep, outcome: StepOutcome | undefined, index: number, context: Context): StepReport {
  if (!outcome) return noOutcome(step, index, 'the guest reported no result for this step');
  if (outcome.kind !== kindInGuest(step)) return noOutcome(step, index, `the guest reported a ${outcome.kind} result for a ${step.kind} step`);
  switch (step.kind) {
    case 'ioctl':
    case 'read':
    case 'write':
    case 'wait':
      return judgeTransfer(step, outcome as IoctlOutcome, index, context);
    case 'cancel':
      return judgeCancel(step, outcome as CancelOutcome, index);
    case 'open':
      return judgeOpen(step, outcome as OpenCloseOutcome, index);
    case 'load':
    case 'unload':
      return judgeError(step.kind, step.expect.error, outcome as ServiceOutcome, index);
    case 'close':
    case 'sleep':
      return { index, kind: step.kind, error: (outcome as SimpleOutcome).error, ok: true } satisfies PlainStepReport;
    case 'run':
      return judgeRun(step, outcome as ExecOutcome, index);
    case 'parallel':
      return judgeParallel(step, outcome as ParallelOutcome, index, context);
  }
}

function noOutcome(step: CaseStep, index: number, problem: string): UnrunStepReport {
  return { index, kind: step.kind, error: null, ok: false, problems: [problem] };
}

function kindInGuest(step: CaseStep): string {
  return step.kind === 'run' ? 'exec' : step.kind === 'parallel' ? 'par' : step.kind;
}

function judgeError(kind: 'load' | 'unload', want: number | undefined, outcome: ServiceOutcome, index: number): PlainStepReport {
  const problems: string[] = [];
  if (outcome.error === null) problems.push(`not executed: ${outcome.message ?? 'the guest refused the step'}`);
  else if (want !== undefined && outcome.error !== want) {
    problems.push(
      `expected ${kind} to end with ${describeWin32Error(want)}, got ${describeWin32Error(outcome.error)}${outcome.message ? ` (${outcome.message.trim()})` : ''}`,
    );
  }
  const report: PlainStepReport = { index, kind, error: outcome.error, ok: true };
  return finish(report, want === undefined ? {} : { error: want }, problems);
}

/** An open: its error and status against the expectation; without one it must succeed (it is `required`). */
function judgeOpen(step: Extract<CaseStep, { kind: 'open' }>, outcome: OpenCloseOutcome, index: number): OpenStepReport {
  const problems: string[] = [];
  const want = step.expect;
  const expected: Record<string, unknown> = {};
  if (outcome.error === null) problems.push('not executed: the guest refused the step');
  else {
    if (want.error !== undefined) expected.error = want.error;
    if (want.status !== undefined) expected.status = want.status;
    if (want.error !== undefined && outcome.error !== want.error)
      problems.push(`expected open to end with ${describeWin32Error(want.error)}, got ${gotCall(outcome.error, outcome.status)}`);
    else if (want.error === undefined && want.status === undefined && outcome.error !== 0)
      problems.push(`the open failed with ${gotCall(outcome.error, outcome.status)}; the case cannot go on without its handle`);
    if (want.status !== undefined && outcome.status !== want.status)
      problems.push(
        `expected open to end with status ${describeNtStatus(want.status)}, got ${outcome.status === null ? 'none (the guest runner reported no NTSTATUS)' : describeNtStatus(outcome.status)}`,
      );
  }
  const report: OpenStepReport = { index, kind: 'open', error: outcome.error, status: outcome.status, ok: true, ...(step.implicit ? { implicit: true } : {}) };
  return finish(report, expected, problems);
}

function judgeCancel(step: Extract<CaseStep, { kind: 'cancel' }>, outcome: CancelOutcome, index: number): CancelStepReport {
  const problems: string[] = [];
  const want = step.expect.error;
  if (outcome.error === null) problems.push(`not executed: ${outcome.refused ?? 'the guest refused the step'}`);
  else if (want !== undefined && outcome.error !== want)
    problems.push(`expected ${outcome.via} to end with ${describeWin32Error(want)}, got ${describeWin32Error(outcome.error)}`);
  const report: CancelStepReport = { index, kind: 'cancel', error: outcome.error, async: step.async.name, ok: true };
  return finish(report, want === undefined ? {} : { error: want }, problems);
}

/** A step an earlier one kept from running. */
export function notRunStep(step: CaseStep, index: number): UnrunStepReport {
  return { index, kind: step.kind, error: null, ok: true, notRun: true, ...(step.kind === 'open' && step.implicit ? { implicit: true } : {}) };
}

function judgeRun(step: Extract<CaseStep, { kind: 'run' }>, outcome: ExecOutcome, index: number): RunStepReport {
  const stdout = Buffer.from(outcome.output).toString('utf8').replace(/\r\n/g, '\n');
  const problems: string[] = [];
  const e = step.expect;
  const report: RunStepReport = {
    index,
    kind: 'run',
    error: outcome.error,
    elapsedUs: outcome.elapsedUs,
    exitCode: outcome.exitCode,
    stdout: stdout.slice(0, 4096),
    ok: true,
  };
  const unstarted = clientStartBlame(outcome.error);
  if (unstarted) {
    // Nothing ran, so nothing the client would have printed can be held against anyone.
    const whose =
      unstarted === 'test'
        ? 'the suite names no program this target can run'
        : unstarted === 'harness'
          ? 'the target could not start a process; nothing was judged'
          : 'the process was refused';
    return finish(report, { ...e }, [`the client could not be started: ${describeWin32Error(outcome.error!)} (${whose})`]);
  }
  if (outcome.error === CLIENT_TIMED_OUT) problems.push(`the client did not finish within ${step.timeoutMs} ms`);
  if (e.exitCode !== 'any' && !outcome.error && outcome.exitCode !== e.exitCode)
    problems.push(`expected exit code ${e.exitCode}, got ${outcome.exitCode ?? 'none'}`);
  for (const text of e.stdoutContains ?? []) if (!stdout.includes(text)) problems.push(`expected the output to contain ${JSON.stringify(text)}`);
  for (const text of e.stdoutNotContains ?? []) if (stdout.includes(text)) problems.push(`expected the output not to contain ${JSON.stringify(text)}`);
  if (e.stdoutEquals !== undefined && stdout.trimEnd() !== e.stdoutEquals.trimEnd())
    problems.push(`expected the output to be ${JSON.stringify(e.stdoutEquals)}`);
  return finish(report, { ...e }, problems);
}

/** Aggregates from many threads: every call must meet the step's expectation. */
function judgeParallel(step: Extract<CaseStep, { kind: 'parallel' }>, outcome: ParallelOutcome, index: number, outer: Context): ParallelStepReport {
  const problems: string[] = [];
  const calls = step.threads * step.iterations;
  step.steps.forEach((inner, i) => {
    const sub = outcome.sub[i];
    const label = `thread step ${i} (${inner.kind === 'ioctl' ? inner.ioctl.name : inner.kind})`;
    if (!sub) {
      problems.push(`${label}: no result from the guest`);
      return;
    }
    if (sub.calls !== calls) problems.push(`${label}: expected ${calls} calls, the guest made ${sub.calls}`);
    const want = inner.kind === 'ioctl' || inner.kind === 'open' ? inner.expect.error : undefined;
    if (want !== undefined) {
      const wrong = Object.entries(sub.errors).filter(([code]) => Number(code) !== want);
      if (wrong.length)
        problems.push(
          `${label}: expected every call to end with ${describeWin32Error(want)}, got ${wrong.map(([code, n]) => `${describeWin32Error(Number(code))} ×${n}`).join(', ')}`,
        );
    }
    const wantStatus = inner.kind === 'ioctl' || inner.kind === 'open' ? inner.expect.status : undefined;
    if (wantStatus !== undefined) {
      const wrong = Object.entries(sub.statuses).filter(([value]) => Number(value) !== wantStatus);
      const got = wrong.length
        ? wrong.map(([value, n]) => `${describeNtStatus(Number(value))} ×${n}`).join(', ')
        : 'none (the guest runner reported no NTSTATUS)';
      if (wrong.length || (sub.calls > 0 && Object.keys(sub.statuses).length === 0))
        problems.push(`${label}: expected every call to end with status ${describeNtStatus(wantStatus)}, got ${got}`);
    }
    if (inner.kind !== 'ioctl') return;
    const wantBytes = inner.expect.bytesReturned;
    if (wantBytes !== undefined) {
      const wrong = Object.entries(sub.returned).filter(([n]) => !inRange(Number(n), wantBytes));
      if (wrong.length)
        problems.push(`${label}: expected ${rangeText(wantBytes, 'byte')} returned by every call, got ${wrong.map(([n, c]) => `${n} ×${c}`).join(', ')}`);
    }
    if (sub.guardDamaged) problems.push(`${label}: the driver wrote past the output buffer in ${plural(sub.guardDamaged, 'call')}`);
    const out = inner.expect.output;
    if (!out) return;
    if (out.equals) {
      const equals = out.equals;
      const allowed = allowedOutputs(equals, step, outer);
      for (const { bytes, count } of sub.outputs) {
        if (!allowed.some((a) => diffBytes(a, bytes) === undefined)) {
          problems.push(
            `${label}: ${plural(count, 'call')} returned a message no ${'sameAsStep' in equals ? `\`${equals.from}\` step` : 'expectation'} ` +
              `sent (${plural(bytes.length, 'byte')}, starting ${toHex(bytes.subarray(0, 16))}): a torn or foreign message`,
          );
        }
      }
      if (sub.outputsMore > 0)
        problems.push(`${label}: ${plural(sub.outputsMore, 'call')} returned more distinct messages than the ${allowed.length} that were sent`);
    }
    if (out.prefix) {
      const prefix = expectedBytes(out.prefix, outer);
      const wrong = sub.outputs.filter(({ bytes }) => diffBytes(prefix, bytes.subarray(0, prefix.length)) !== undefined);
      if (wrong.length)
        problems.push(
          `${label}: ${plural(
            wrong.reduce((n, w) => n + w.count, 0),
            'call',
          )} returned an output that does not start with ${toHex(prefix.subarray(0, 16))}`,
        );
    }
    if (out.length !== undefined) {
      const want = out.length;
      const wrong = sub.outputs.filter(({ bytes }) => !inRange(bytes.length, want));
      if (wrong.length)
        problems.push(
          `${label}: ${plural(
            wrong.reduce((n, w) => n + w.count, 0),
            'call',
          )} returned other than ${rangeText(want, 'output byte')}`,
        );
    }
  });
  const report: ParallelStepReport = {
    index,
    kind: 'parallel',
    error: problems.length ? null : 0,
    elapsedUs: outcome.elapsedUs,
    ok: true,
    parallel: {
      threads: step.threads,
      iterations: step.iterations,
      sub: outcome.sub.map((s, i) => {
        const inner = step.steps[i];
        return {
          kind: s.kind,
          ...(inner?.kind === 'ioctl' ? { ioctlName: inner.ioctl.name } : {}),
          calls: s.calls,
          errors: s.errors,
          statuses: s.statuses,
          returned: s.returned,
          distinctOutputs: s.outputs.length + (s.outputsMore ? 1 : 0),
          p50Us: s.p50Us,
          p99Us: s.p99Us,
        };
      }),
    },
  };
  return finish(report, {}, problems);
}

/** In a parallel block, `sameAs` a thread step means "what any thread sent in that step". */
function allowedOutputs(
  out: NonNullable<NonNullable<IoctlCaseStep['expect']['output']>['equals']>,
  step: Extract<CaseStep, { kind: 'parallel' }>,
  outer: Context,
): Uint8Array[] {
  if ('bytes' in out) return [out.bytes];
  const source = step.steps[out.sameAsStep];
  if (source?.kind === 'ioctl') {
    if (!source.input.perThread) return [materialize(source.input)];
    return Array.from({ length: step.threads }, (_, t) => materialize(source.input, t));
  }
  return [expectedBytes(out, outer)];
}
