/**
 * A step that moves bytes (ioctl, read, write, and the `wait` that sees an async one end) against its
 * expectation: error, status, bytes returned (a number or a range), output (equal, a prefix, a length),
 * and the rules every such call is held to without being asked.
 */
import type { IoctlOutcome } from '../guest/result.js';
import type { CaseStep, ExpectedBytes, IoctlExpectation, Range, ThreadStep } from '../suite/case.js';
import { materialize } from '../suite/payload.js';
import { describeNtStatus } from '../status-codes/ntstatus.js';
import { describeWin32Error } from '../status-codes/win32-errors.js';
import type { StepReport, TransferStepReport } from './case-result.js';
import { diffBytes, toHex } from './hex-diff.js';
import { plural } from './plural.js';

/** What the steps of a case sent, so `sameAs` can be checked: for case steps and for thread steps. */
export interface Context {
  steps: ReadonlyArray<CaseStep | ThreadStep>;
}

type Transfer = Extract<CaseStep, { kind: 'ioctl' | 'read' | 'write' }>;

/** The step that made the request: the step itself, or for a `wait` the step that started it. */
export function requestOf(step: Transfer | Extract<CaseStep, { kind: 'wait' }>, context: Context): Transfer | undefined {
  if (step.kind !== 'wait') return step;
  const source = context.steps[step.of];
  return source && (source.kind === 'ioctl' || source.kind === 'read' || source.kind === 'write') ? source : undefined;
}

export function judgeTransfer(
  step: Transfer | Extract<CaseStep, { kind: 'wait' }>,
  outcome: IoctlOutcome,
  index: number,
  context: Context,
): TransferStepReport {
  const request = requestOf(step, context);
  const outLength = request?.kind === 'ioctl' ? request.outLength : request?.kind === 'read' ? request.length : 0;
  const inLength = request?.kind === 'ioctl' || request?.kind === 'write' ? request.input.length : 0;
  const problems: string[] = [];
  const report: TransferStepReport = {
    index,
    kind: step.kind,
    ...(request?.kind === 'ioctl' ? { ioctl: request.ioctl.code, ioctlName: request.ioctl.name } : {}),
    inLength,
    outLength,
    error: outcome.error,
    status: outcome.status,
    bytesReturned: outcome.bytesReturned,
    elapsedUs: outcome.elapsedUs,
    output: toHex(outcome.output),
    ...(step.kind === 'wait' || (request && 'async' in request && request.async)
      ? { async: step.kind === 'wait' ? step.async.name : request!.async!.name }
      : {}),
    ok: true,
  };
  const expected: Record<string, unknown> = {};
  if (outcome.error === null) {
    problems.push(`not executed: ${outcome.refused ?? 'the guest refused the step'}`);
    return finish(report, expected, problems);
  }
  const e = step.expect;
  if (e.error !== undefined) {
    expected.error = e.error;
    if (outcome.error !== e.error) problems.push(`expected error ${describeWin32Error(e.error)}, got ${gotCall(outcome.error, outcome.status)}`);
  }
  if (e.status !== undefined) {
    expected.status = e.status;
    if (outcome.status !== e.status)
      problems.push(
        `expected status ${describeNtStatus(e.status)}, got ${outcome.status === null ? 'none (the guest runner reported no NTSTATUS)' : describeNtStatus(outcome.status)}`,
      );
  }
  if (e.bytesReturned !== undefined) {
    expected.bytesReturned = e.bytesReturned;
    if (!inRange(outcome.bytesReturned, e.bytesReturned))
      problems.push(`expected ${rangeText(e.bytesReturned, 'byte')} returned, got ${outcome.bytesReturned}`);
  }
  // Contract rules that hold for every call that fills a buffer, whatever the suite expects. A failed or
  // still pending request's byte count means nothing (DeviceIoControl says so; Wine leaves the input length
  // there), so only a request that ended in success or a warning is held to it.
  if (request?.kind !== 'write') {
    if (!countMeansNothing(outcome) && outcome.bytesReturned > outLength)
      problems.push(`the driver reported ${plural(outcome.bytesReturned, 'byte')} returned into a ${outLength}-byte output buffer`);
    if (outcome.guardDamaged) problems.push(`the driver wrote past the ${outLength}-byte output buffer`);
  }
  if (e.output) checkOutput(e.output, outcome, report, expected, problems, context);
  return finish(report, expected, problems);
}

const STATUS_PENDING = 0x103;

/** An error status (severity 3) or STATUS_PENDING; without a status, a Win32 error. */
function countMeansNothing(outcome: IoctlOutcome): boolean {
  if (outcome.status === null || outcome.status === undefined) return outcome.error !== 0;
  return outcome.status >>> 30 === 3 || outcome.status === STATUS_PENDING;
}

function checkOutput(
  want: NonNullable<IoctlExpectation['output']>,
  outcome: IoctlOutcome,
  report: TransferStepReport,
  expected: Record<string, unknown>,
  problems: string[],
  context: Context,
): void {
  if (want.equals) {
    const bytes = expectedBytes(want.equals, context);
    expected.output = toHex(bytes);
    const diff = diffBytes(bytes, outcome.output);
    if (diff) {
      report.diff = diff;
      problems.push(`output differs from ${what(want.equals)}: ${diff.text.split('\n')[0]}`);
    }
  }
  if (want.prefix) {
    const bytes = expectedBytes(want.prefix, context);
    expected.outputPrefix = toHex(bytes);
    const head = outcome.output.subarray(0, bytes.length);
    const diff = diffBytes(bytes, head);
    if (diff) {
      report.diff ??= diff;
      problems.push(
        outcome.output.length < bytes.length
          ? `expected the output to start with ${what(want.prefix)} (${plural(bytes.length, 'byte')}), got ${plural(outcome.output.length, 'byte')}`
          : `output does not start with ${what(want.prefix)}: ${diff.text.split('\n')[0]}`,
      );
    }
  }
  if (want.length !== undefined) {
    expected.outputLength = want.length;
    if (!inRange(outcome.output.length, want.length)) problems.push(`expected ${rangeText(want.length, 'output byte')}, got ${outcome.output.length}`);
  }
}

function what(bytes: ExpectedBytes): string {
  return 'from' in bytes && bytes.from !== undefined ? `what step \`${bytes.from}\` sent` : 'the expected bytes';
}

export function expectedBytes(output: ExpectedBytes, context: Context): Uint8Array {
  if ('bytes' in output) return output.bytes;
  const source = context.steps[output.sameAsStep];
  return source?.kind === 'ioctl' || source?.kind === 'write' ? materialize(source.input) : new Uint8Array(0);
}

export function inRange(value: number, range: Range): boolean {
  if (typeof range === 'number') return value === range;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** "11 bytes", "between 1 and 38 bytes", "at least 5 bytes". */
export function rangeText(range: Range, unit: string): string {
  if (typeof range === 'number') return plural(range, unit);
  if (range.min !== undefined && range.max !== undefined)
    return range.min === range.max ? plural(range.min, unit) : `between ${range.min} and ${range.max} ${unit}s`;
  if (range.min !== undefined) return `at least ${plural(range.min, unit)}`;
  if (range.max !== undefined) return `at most ${plural(range.max, unit)}`;
  return `any number of ${unit}s`;
}

/** "87 (ERROR_INVALID_PARAMETER), status 0xC000000D (STATUS_INVALID_PARAMETER)": a call's outcome, the status when it says more. */
export function gotCall(error: number, status: number | null): string {
  return status === null || status === undefined || status === 0
    ? describeWin32Error(error)
    : `${describeWin32Error(error)}, status ${describeNtStatus(status)}`;
}

/** The report with what was expected and, when an expectation did not hold, the problems. */
export function finish<T extends StepReport>(report: T, expected: Record<string, unknown>, problems: string[]): T {
  if (Object.keys(expected).length) report.expected = expected;
  if (problems.length) {
    report.ok = false;
    report.problems = problems;
  }
  return report;
}
