/**
 * A case's steps as `lab list --json` prints them: resolved, with every default the suite left unsaid
 * written out (an IOCTL's method and access decoded from its code, the handle, the share mode and
 * disposition of an open, zero-filled output buffers, heap pointers, where a `run` step starts), so what
 * a step will do never has to be guessed from the suite file.
 */
import type { GuestPayload } from './case.js';
import { describeNtStatus } from '../status-codes/ntstatus.js';
import { describeWin32Error } from '../status-codes/win32-errors.js';
import type { Case, CaseStep, ErrorExpectation, ExpectedBytes, ExpandedSuite, IoctlExpectation, IoctlRef, ThreadStep } from './case.js';
import { hexCode } from './ioctl-code.js';

const METHODS = ['buffered', 'in-direct', 'out-direct', 'neither'];
const ACCESS = ['any', 'read', 'write', 'read-write'];
/** Bytes shown of a payload or fill pattern; the rest is counted. */
const SHOWN_BYTES = 64;
/** Where `run` steps start without a `cwd`. */
export const RUN_WORKDIR = 'the folder the files were deployed to';

export function describeCase(c: Case, suite: Pick<ExpandedSuite, 'driver' | 'client'>): Record<string, unknown> {
  return {
    index: c.index,
    id: c.id,
    name: c.name,
    ...(Object.keys(c.params).length ? { params: c.params } : {}),
    timeoutMs: c.timeoutMs,
    isolation: c.fresh ? 'case' : 'suite',
    ...(c.skip ? { skip: c.skip } : {}),
    tags: c.tags,
    source: c.source,
    steps: c.steps.map((s) => describeStep(s, suite)),
  };
}

function describeStep(step: CaseStep | ThreadStep, suite: Pick<ExpandedSuite, 'driver' | 'client'>): Record<string, unknown> {
  switch (step.kind) {
    case 'ioctl':
      return {
        kind: 'ioctl',
        handle: step.slot,
        ioctl: describeIoctl(step.ioctl),
        input: describePayload(step.input),
        inPointer: step.inPointer,
        outLength: step.outLength,
        outFill: step.outFill ? pattern(step.outFill) : 'zeros',
        outPointer: step.outLength === 0 && step.outPointer === 'heap' ? 'null (no output buffer)' : step.outPointer,
        async: step.async?.name ?? null,
        expect: describeExpect(step.expect),
      };
    case 'read':
      return {
        kind: 'read',
        handle: step.slot,
        length: step.length,
        offset: step.offset ?? "the handle's position (0 on an overlapped handle)",
        outFill: step.outFill ? pattern(step.outFill) : 'zeros',
        outPointer: step.outPointer,
        async: step.async?.name ?? null,
        expect: describeExpect(step.expect),
      };
    case 'write':
      return {
        kind: 'write',
        handle: step.slot,
        data: describePayload(step.input),
        offset: step.offset ?? "the handle's position (0 on an overlapped handle)",
        inPointer: step.inPointer,
        async: step.async?.name ?? null,
        expect: describeExpect(step.expect),
      };
    case 'wait':
      return { kind: 'wait', async: step.async.name, startedAt: step.of, timeoutMs: step.timeoutMs, expect: describeExpect(step.expect) };
    case 'cancel':
      return { kind: 'cancel', async: step.async.name, via: 'CancelIoEx (CancelIo where Windows has none)', expect: describeError(step.expect) };
    case 'open':
      return {
        kind: 'open',
        handle: step.slot,
        path: (step.device ?? suite.driver.device) + (step.path ?? ''),
        access: { rw: 'read-write', r: 'read', w: 'write', none: 'none' }[step.access],
        share: step.share,
        disposition: step.disposition,
        overlapped: step.overlapped,
        ...(step.implicit ? { implicit: true } : {}),
        required: step.required,
        expect:
          step.required && step.expect.error === undefined && step.expect.status === undefined ? { error: describeWin32Error(0) } : describeError(step.expect),
      };
    case 'close':
      return { kind: 'close', handle: step.slot };
    case 'sleep':
      return { kind: 'sleep', ms: step.ms };
    case 'parallel':
      return { kind: 'parallel', threads: step.threads, iterations: step.iterations, steps: step.steps.map((s) => describeStep(s, suite)) };
    case 'run':
      return {
        kind: 'run',
        program: step.program ?? suite.client ?? null,
        args: step.args,
        cwd: step.cwd ?? RUN_WORKDIR,
        env: step.env ?? {},
        timeoutMs: step.timeoutMs,
        expect: {
          exitCode: step.expect.exitCode,
          ...(step.expect.stdoutContains ? { stdoutContains: step.expect.stdoutContains } : {}),
          ...(step.expect.stdoutNotContains ? { stdoutNotContains: step.expect.stdoutNotContains } : {}),
          ...(step.expect.stdoutEquals !== undefined ? { stdoutEquals: step.expect.stdoutEquals } : {}),
        },
      };
    case 'load':
      return { kind: 'load', service: step.service, image: step.image ?? suite.driver.image, expect: describeError(step.expect) };
    case 'unload':
      return { kind: 'unload', service: step.service, expect: describeError(step.expect) };
  }
}

/** A code as CTL_CODE's parts: what `ioctls` said, and what it left to the defaults. */
export function describeIoctl(ref: IoctlRef): Record<string, unknown> {
  const code = ref.code >>> 0;
  return {
    name: ref.name,
    code: hexCode(code),
    deviceType: `0x${(code >>> 16).toString(16).toUpperCase()}`,
    function: `0x${((code >>> 2) & 0xfff).toString(16).toUpperCase()}`,
    method: METHODS[code & 3],
    access: ACCESS[(code >>> 14) & 3],
  };
}

function describePayload(p: GuestPayload): Record<string, unknown> {
  if (p.nullPointer) return { length: p.length, pointer: 'null' };
  return { length: p.length, pattern: p.pattern.length ? pattern(p.pattern) : 'zeros', ...(p.perThread ? { perThread: true } : {}) };
}

function pattern(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.subarray(0, SHOWN_BYTES)).toString('hex');
  return bytes.length > SHOWN_BYTES ? `${hex}... (${bytes.length} bytes, repeated)` : `${hex} (repeated)`;
}

function describeError(e: ErrorExpectation): Record<string, unknown> {
  return {
    ...(e.error !== undefined ? { error: describeWin32Error(e.error) } : {}),
    ...(e.status !== undefined ? { status: describeNtStatus(e.status) } : {}),
  };
}

function describeExpect(e: IoctlExpectation): Record<string, unknown> {
  const bytes = (b: ExpectedBytes) => ('bytes' in b ? { hex: Buffer.from(b.bytes).toString('hex') } : { sameAs: b.from, step: b.sameAsStep });
  return {
    ...describeError(e),
    ...(e.bytesReturned !== undefined ? { bytesReturned: e.bytesReturned } : {}),
    ...(e.output
      ? {
          output: {
            ...(e.output.equals ? { equals: bytes(e.output.equals) } : {}),
            ...(e.output.prefix ? { prefix: bytes(e.output.prefix) } : {}),
            ...(e.output.length !== undefined ? { length: e.output.length } : {}),
          },
        }
      : {}),
  };
}
