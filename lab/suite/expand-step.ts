/**
 * One step template of a case, for one combination of parameters: placeholders resolved (and the step
 * checked again when any were), names turned into numbers (IOCTLs, labels, async requests), payloads and
 * fills into bytes, the `when` alternative chosen, every default written out. Problems go to `where`.
 */
import { basename } from 'node:path';
import type { Access } from './case.js';
import { parseNtStatus } from '../status-codes/ntstatus.js';
import { parseWin32Error } from '../status-codes/win32-errors.js';
import type { AsyncRef, CaseStep, Disposition, ErrorExpectation, ExpectedBytes, IoctlExpectation, IoctlRef, Range, ShareMode, ThreadStep } from './case.js';
import { whenHolds, type When } from './conditions.js';
import { ExpressionError, interpolate, isPlaceholder, resolvePlaceholder, type Params } from './expression.js';
import { ctlCode, hexCode } from './ioctl-code.js';
import { fillBytes, toGuestPayload, type FillSpec, type PayloadSpec } from './payload.js';
import { explainSuiteIssues } from './suite-hints.js';
import { Step, type RawStep, type RawSuite } from './schema.js';
import { ntStatusProblem, win32ErrorProblem } from './status-values.js';

export type Where = (path: PropertyKey[], message: string, key?: string) => void;

const ACCESS: Record<string, Access> = { 'read-write': 'rw', read: 'r', write: 'w', none: 'none' };
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
export const DEFAULT_WAIT_TIMEOUT_MS = 5_000;
export const DEFAULT_SHARE: ShareMode[] = ['read', 'write'];

/** What the steps of one case have named so far. */
export interface CaseNames {
  /** Labels → step index (within the case, or within a parallel block). */
  labels: Map<string, number>;
  /** Async names → the runner's slot and the index of the step that started the request. */
  asyncs: Map<string, { slot: number; step: number }>;
  /** The index the next step will have. */
  next: number;
}

/** Strings that placeholders are interpolated into (names, text), rather than replaced whole. */
const INTERPOLATED = new Set(['text', 'run', 'contains', 'equals', 'notContains', 'path', 'prefix', 'cwd', 'env']);

/** Resolves placeholders in a step and re-checks its shape when anything was substituted. */
export function substitute(step: RawStep, params: Params, path: PropertyKey[], where: Where, suffix: string): RawStep | undefined {
  let changed = false;
  let failed = false;
  const walk = (value: unknown, key: string | undefined, parent: string | undefined, at: PropertyKey[]): unknown => {
    if (typeof value === 'string') {
      try {
        if (isPlaceholder(value)) {
          changed = true;
          return resolvePlaceholder(value, params);
        }
        if (value.includes('${') && (INTERPOLATED.has(key ?? '') || INTERPOLATED.has(parent ?? ''))) {
          changed = true;
          return interpolate(value, params);
        }
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        // Said at the field that holds the placeholder.
        where([...path, ...at], `${error.message}${suffix}`);
        failed = true;
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, key, parent, [...at, i]));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k, key, [...at, k])]));
    return value;
  };
  const result = walk(step, undefined, undefined, []) as RawStep;
  if (failed) return undefined;
  if (!changed) return result;
  const parsed = Step.safeParse(result);
  if (parsed.success) return parsed.data;
  // Explained as if the step sat at cases[0].steps[0], so step-kind unions resolve as in loadSuite.
  const asInSuite = parsed.error.issues.map((i) => ({ ...i, path: ['cases', 0, 'steps', 0, ...i.path] }));
  const data = { cases: [{ steps: [result] }] };
  for (const issue of explainSuiteIssues(asInSuite, data).map((i) => ({ ...i, path: i.path.slice(4) }))) {
    where([...path, ...issue.path], `${issue.message}${suffix}`, issue.key);
  }
  return undefined;
}

interface StepContext {
  suite: RawSuite;
  names: CaseNames;
  path: PropertyKey[];
  where: Where;
  params: Params;
  suffix: string;
}

export function toCaseStep(
  step: RawStep,
  suite: RawSuite,
  names: CaseNames,
  path: PropertyKey[],
  where: Where,
  params: Params,
  suffix: string,
): CaseStep | undefined {
  const cx: StepContext = { suite, names, path, where, params, suffix };
  if ('parallel' in step) return parallelStep(step, cx);
  if ('ioctl' in step) return ioctlStep(step, cx);
  if ('read' in step) return readStep(step, cx);
  if ('write' in step) return writeStep(step, cx);
  if ('wait' in step) return waitStep(step, cx);
  if ('cancel' in step) {
    const started = asyncOf(step.cancel, ['cancel'], cx);
    const expect = chooseError(step.expect, params, [...path, 'expect'], where, suffix);
    return started && expect ? { kind: 'cancel', async: started.ref, expect } : undefined;
  }
  if ('open' in step) return openStep(step, cx);
  if ('close' in step) return { kind: 'close', slot: step.close as number };
  if ('sleep' in step) return { kind: 'sleep', ms: step.sleep as number };
  if ('load' in step || 'unload' in step) {
    const expect = chooseError(step.expect, params, [...path, 'expect'], where, suffix);
    if (!expect) return undefined;
    if ('unload' in step) return { kind: 'unload', service: step.unload, expect };
    // The driver's own file name means the driver image, which --driver may have replaced.
    const own = step.image !== undefined && step.image.toLowerCase() === basename(suite.driver.image).toLowerCase();
    return { kind: 'load', service: step.load, ...(step.image !== undefined && !own ? { image: step.image } : {}), expect };
  }
  const e = step.expect;
  const list = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  return {
    kind: 'run',
    args: step.run,
    ...(step.program !== undefined ? { program: step.program } : {}),
    ...(step.cwd !== undefined ? { cwd: step.cwd } : {}),
    ...(step.env !== undefined ? { env: step.env } : {}),
    timeoutMs: (step.timeoutMs as number | undefined) ?? DEFAULT_RUN_TIMEOUT_MS,
    expect: {
      exitCode: (e?.exitCode as number | 'any' | undefined) ?? 0,
      ...(e?.stdout?.contains !== undefined ? { stdoutContains: list(e.stdout.contains)! } : {}),
      ...(e?.stdout?.notContains !== undefined ? { stdoutNotContains: list(e.stdout.notContains)! } : {}),
      ...(e?.stdout?.equals !== undefined ? { stdoutEquals: e.stdout.equals } : {}),
    },
  };
}

function parallelStep(step: Extract<RawStep, { parallel: unknown }>, cx: StepContext): CaseStep | undefined {
  const inner: CaseNames = { labels: new Map(), asyncs: new Map(), next: 0 };
  const steps: ThreadStep[] = [];
  for (const [i, raw] of step.steps.entries()) {
    const made = toCaseStep(raw as RawStep, cx.suite, inner, [...cx.path, 'steps', i], cx.where, cx.params, cx.suffix);
    if (!made) return undefined;
    if (raw.label) inner.labels.set(raw.label, steps.length);
    inner.next += 1;
    steps.push(made as ThreadStep);
  }
  return { kind: 'parallel', threads: step.parallel.threads as number, iterations: (step.parallel.iterations as number | undefined) ?? 1, steps };
}

function ioctlStep(step: Extract<RawStep, { ioctl: unknown }>, cx: StepContext): CaseStep | undefined {
  const ioctl = resolveIoctl(step.ioctl, cx.suite);
  if (!ioctl) {
    cx.where([...cx.path, 'ioctl'], `expected an IOCTL defined in \`ioctls\` or a number, found \`${String(step.ioctl)}\`${cx.suffix}`);
    return undefined;
  }
  const expect = ioctlExpectation(step.expect, cx);
  const outLength = (step.outLength as number | undefined) ?? 0;
  const started = startAsync(step.async, cx);
  if (!expect || started === null) return undefined;
  return {
    kind: 'ioctl',
    slot: (step.handle as number | undefined) ?? 0,
    ioctl,
    input: toGuestPayload(step.input === undefined ? null : (step.input as PayloadSpec | null)),
    outLength,
    ...(step.outFill !== undefined ? { outFill: fillBytes(step.outFill as FillSpec, outLength) } : {}),
    inPointer: (step.inPointer as CaseStepPointer | undefined) ?? 'heap',
    outPointer: (step.outPointer as CaseStepPointer | undefined) ?? 'heap',
    ...(started ? { async: started } : {}),
    expect,
  };
}

type CaseStepPointer = Extract<CaseStep, { kind: 'ioctl' }>['inPointer'];

function readStep(step: Extract<RawStep, { read: unknown }>, cx: StepContext): CaseStep | undefined {
  const expect = ioctlExpectation(step.expect, cx);
  const length = step.read as number;
  const started = startAsync(step.async, cx);
  if (!expect || started === null) return undefined;
  return {
    kind: 'read',
    slot: (step.handle as number | undefined) ?? 0,
    length,
    ...(step.offset !== undefined ? { offset: step.offset as number } : {}),
    ...(step.outFill !== undefined ? { outFill: fillBytes(step.outFill as FillSpec, length) } : {}),
    outPointer: (step.outPointer as CaseStepPointer | undefined) ?? 'heap',
    ...(started ? { async: started } : {}),
    expect,
  };
}

function writeStep(step: Extract<RawStep, { write: unknown }>, cx: StepContext): CaseStep | undefined {
  const expect = ioctlExpectation(step.expect, cx);
  const started = startAsync(step.async, cx);
  if (!expect || started === null) return undefined;
  return {
    kind: 'write',
    slot: (step.handle as number | undefined) ?? 0,
    input: toGuestPayload(step.write as PayloadSpec | null),
    ...(step.offset !== undefined ? { offset: step.offset as number } : {}),
    inPointer: (step.inPointer as CaseStepPointer | undefined) ?? 'heap',
    ...(started ? { async: started } : {}),
    expect,
  };
}

function waitStep(step: Extract<RawStep, { wait: unknown }>, cx: StepContext): CaseStep | undefined {
  const started = asyncOf(step.wait, ['wait'], cx);
  const expect = ioctlExpectation(step.expect, cx);
  if (!started || !expect) return undefined;
  return { kind: 'wait', async: started.ref, of: started.step, timeoutMs: (step.timeoutMs as number | undefined) ?? DEFAULT_WAIT_TIMEOUT_MS, expect };
}

function openStep(step: Extract<RawStep, { open: unknown }>, cx: StepContext): CaseStep | undefined {
  const expect = chooseError(step.expect, cx.params, [...cx.path, 'expect'], cx.where, cx.suffix);
  if (!expect) return undefined;
  const o = step.open;
  const required = (expect.error === undefined || expect.error === 0) && (expect.status === undefined || expect.status < 0x8000_0000);
  return {
    kind: 'open',
    slot: (o.handle as number | undefined) ?? 0,
    access: ACCESS[(o.access as string | undefined) ?? 'read-write'] ?? 'rw',
    share: (o.share as ShareMode[] | undefined) ?? [...DEFAULT_SHARE],
    disposition: (o.disposition as Disposition | undefined) ?? 'open-existing',
    overlapped: o.overlapped ?? false,
    ...(o.path !== undefined ? { path: o.path as string } : {}),
    ...(o.device !== undefined ? { device: o.device } : {}),
    expect,
    required,
  };
}

/** `async: name` on a step: the next free slot (rules.ts keeps names unique and at most 16 a case). null: a problem. */
function startAsync(name: string | undefined, cx: StepContext): AsyncRef | undefined | null {
  if (name === undefined) return undefined;
  if (cx.names.asyncs.has(name)) {
    cx.where([...cx.path, 'async'], `expected a name not used by an earlier step's \`async\`, found \`${name}\` again`);
    return null;
  }
  const slot = cx.names.asyncs.size;
  cx.names.asyncs.set(name, { slot, step: cx.names.next });
  return { name, slot };
}

function asyncOf(name: string, field: PropertyKey[], cx: StepContext): { ref: AsyncRef; step: number } | undefined {
  const started = cx.names.asyncs.get(name);
  if (!started) {
    const known = [...cx.names.asyncs.keys()].map((k) => `\`${k}\``).join(', ') || 'none started yet';
    cx.where([...cx.path, ...field], `expected the \`async\` name of an earlier step (${known}), found \`${name}\``);
    return undefined;
  }
  return { ref: { name, slot: started.slot }, step: started.step };
}

type RawExpect = { error?: unknown; status?: unknown; bytesReturned?: unknown; output?: RawOutput };
type RawBytes = { sameAs?: string | number; text?: string; hex?: string };
type RawOutput = RawBytes & { prefix?: string | RawBytes; length?: unknown };

function ioctlExpectation(value: unknown, cx: StepContext): IoctlExpectation | undefined {
  const path = [...cx.path, 'expect'];
  const expect = choose<RawExpect>(value as never, cx.params, path, cx.where, cx.suffix);
  if (expect === undefined) return undefined;
  const codes = statusCodes(expect, path, cx.where, cx.suffix);
  if (!codes) return undefined;
  const result: IoctlExpectation = { ...codes };
  if (expect.bytesReturned !== undefined) result.bytesReturned = expect.bytesReturned as Range;
  const out = expect.output;
  if (!out) return result;
  const output: NonNullable<IoctlExpectation['output']> = {};
  const equals = expectedBytes(out, [...path, 'output'], cx);
  if (equals === null) return undefined;
  if (equals) output.equals = equals;
  if (out.prefix !== undefined) {
    const prefix = expectedBytes(typeof out.prefix === 'string' ? { text: out.prefix } : out.prefix, [...path, 'output', 'prefix'], cx);
    if (!prefix) return undefined;
    output.prefix = prefix;
  }
  if (out.length !== undefined) output.length = out.length as Range;
  result.output = output;
  return result;
}

/** The bytes of `sameAs`, `text` or `hex`; undefined when none is given, null when `sameAs` names nothing. */
function expectedBytes(spec: RawBytes, path: PropertyKey[], cx: StepContext): ExpectedBytes | undefined | null {
  if (spec.sameAs !== undefined) {
    const index = typeof spec.sameAs === 'number' ? spec.sameAs : cx.names.labels.get(spec.sameAs);
    if (index === undefined) {
      cx.where([...path, 'sameAs'], `expected the label of an earlier step, found \`${String(spec.sameAs)}\``);
      return null;
    }
    return { sameAsStep: index, from: String(spec.sameAs) };
  }
  if (spec.text !== undefined) return { bytes: new TextEncoder().encode(spec.text) };
  if (spec.hex !== undefined) return { bytes: Uint8Array.from(Buffer.from(spec.hex, 'hex')) };
  return undefined;
}

type Alternatives<T> = T | Array<T & { when?: When }> | undefined;

/** The first alternative whose `when` holds; an expectation list with no match is a suite error. */
function choose<T extends object>(value: Alternatives<T> | string, params: Params, path: PropertyKey[], where: Where, suffix: string): T | undefined {
  if (value === undefined) return {} as T;
  if (typeof value === 'string') {
    where(path, `expected an expectation mapping, found ${value}${suffix}`);
    return undefined;
  }
  if (!Array.isArray(value)) return value;
  const match = value.find((alt) => whenHolds(alt.when, params));
  if (!match) {
    where(path, `expected an entry whose \`when\` matches${suffix}, found none; add a last entry without \`when\` as the default`);
    return undefined;
  }
  const { when: _when, ...rest } = match;
  return rest as T;
}

function chooseError(value: unknown, params: Params, path: PropertyKey[], where: Where, suffix: string): ErrorExpectation | undefined {
  const chosen = choose<{ error?: unknown; status?: unknown }>(value as never, params, path, where, suffix);
  if (!chosen) return undefined;
  return statusCodes(chosen, path, where, suffix);
}

/**
 * `error:` and `status:` of a chosen expectation as numbers. rules.ts checked what was written; a value a
 * placeholder brought in is checked here, with the same words.
 */
function statusCodes(expect: { error?: unknown; status?: unknown }, path: PropertyKey[], where: Where, suffix: string): ErrorExpectation | undefined {
  const out: ErrorExpectation = {};
  const fields = [
    ['error', win32ErrorProblem, parseWin32Error],
    ['status', ntStatusProblem, parseNtStatus],
  ] as const;
  for (const [field, problemOf, parse] of fields) {
    const value = expect[field] as number | string | undefined;
    if (value === undefined) continue;
    const problem = problemOf(value);
    if (problem) {
      where([...path, field], `${problem}${suffix}`);
      return undefined;
    }
    out[field] = parse(value)!;
  }
  return out;
}

export function resolveIoctl(ref: string | number, suite: RawSuite): IoctlRef | undefined {
  if (typeof ref === 'number') return { name: hexCode(ref), code: ref >>> 0 };
  const def = Object.hasOwn(suite.ioctls ?? {}, ref) ? suite.ioctls?.[ref] : undefined;
  if (!def) return undefined;
  if ('code' in def) return { name: ref, code: def.code >>> 0 };
  return { name: ref, code: ctlCode(def.function, { deviceType: def.deviceType, method: def.method, access: def.access }) };
}
