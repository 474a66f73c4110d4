import { basename, resolve } from 'node:path';
import type { Access } from './case.js';
import { parseNtStatus } from '../status-codes/ntstatus.js';
import { parseWin32Error } from '../status-codes/win32-errors.js';
import type { Case, CaseStep, ErrorExpectation, IoctlExpectation, IoctlRef, ThreadStep } from './case.js';
import { caseId, renderParam, slug } from './case-id.js';
import { ExpressionError, interpolate, isPlaceholder, resolvePlaceholder, type Params } from './expression.js';
import { ctlCode, hexCode } from './ioctl-code.js';
import { located, type LoadedSuite } from './load-suite.js';
import { combinationCount, combinations, MAX_EXPANDED_CASES } from './matrix.js';
import { MAX_EXPANDED_STEPS, MAX_SUITE_CALLS, suiteWork } from './suite-work.js';
import { toGuestPayload, type PayloadSpec } from './payload.js';
import { explainIssues } from './schema-issues.js';
import { schemaFieldsAt } from './json-schema.js';
import { Step, type RawCase, type RawStep, type RawSuite } from './schema.js';
import { ntStatusProblem, win32ErrorProblem } from './status-values.js';
import { SuiteError, type SuiteIssue } from './suite-error.js';

export interface ExpandOptions {
  /** Target kind and name, for per-target skips (`skip: { wine: ... }`). */
  target?: { kind: string; name: string };
  /** Overrides from the command line. */
  driverImage?: string;
  client?: string;
  timeoutMs?: number;
}

const ACCESS: Record<string, Access> = { 'read-write': 'rw', read: 'r', write: 'w', none: 'none' };
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RUN_TIMEOUT_MS = 30_000;

/**
 * Templates → concrete cases: every matrix combination, placeholders resolved, payloads built, `when`
 * alternatives chosen, labels turned into step indexes, handles opened where the case relies on them.
 * Problems are collected per case and thrown together, each pointing at the template field.
 */
export function expandSuite(loaded: LoadedSuite, options: ExpandOptions = {}): import('./case.js').ExpandedSuite {
  const { raw } = loaded;
  const issues: SuiteIssue[] = [];
  const total = raw.cases.reduce((n, c) => n + combinationCount(c.matrix), 0);
  if (total > MAX_EXPANDED_CASES) {
    throw new SuiteError([located(loaded.source, loaded.file, ['cases'], `expected at most ${MAX_EXPANDED_CASES} cases after matrix expansion, found ${total}`)]);
  }
  const work = suiteWork(raw.cases);
  if (work.steps > MAX_EXPANDED_STEPS || work.calls > MAX_SUITE_CALLS) {
    const { index, combinations, steps, calls } = work.largest;
    const what = work.steps > MAX_EXPANDED_STEPS ? `at most ${MAX_EXPANDED_STEPS.toLocaleString('en')} steps after matrix expansion (cases × steps), found ${work.steps.toLocaleString('en')}` : `at most ${MAX_SUITE_CALLS.toLocaleString('en')} calls in the whole suite (parallel threads × iterations counted), found ${work.calls.toLocaleString('en')}`;
    throw new SuiteError([located(loaded.source, loaded.file, ['cases', index], `expected ${what}; this case makes ${combinations.toLocaleString('en')} cases of ${steps} steps (${calls.toLocaleString('en')} calls) each. Fix: narrow the matrix or split the suite`)]);
  }
  const cases: Case[] = [];
  const ids = new Map<string, string>();
  raw.cases.forEach((template, ci) => {
    for (const params of combinations(template.matrix)) {
      const made = expandCase(loaded, template, ci, params, cases.length, options, issues);
      if (!made) continue;
      const first = ids.get(made.id);
      if (first) {
        issues.push(located(loaded.source, loaded.file, ['cases', ci, 'name'], `expected a unique case id, found \`${made.id}\` again (first at ${first}); rename the case or set \`id\``));
        continue;
      }
      ids.set(made.id, made.source);
      cases.push(made);
    }
  });
  if (issues.length) throw new SuiteError(issues);
  const driver = raw.driver;
  const image = options.driverImage ? resolve(options.driverImage) : resolve(loaded.dir, driver.image);
  const clientPath = options.client ? resolve(options.client) : raw.client ? resolve(loaded.dir, raw.client) : undefined;
  if (!clientPath && cases.some((c) => c.steps.some((s) => s.kind === 'run'))) {
    throw new SuiteError([located(loaded.source, loaded.file, ['client'], 'expected a `client` program for the `run` steps, found none; add `client:` to the suite or pass --client')]);
  }
  return {
    name: raw.suite,
    file: loaded.file,
    driver: {
      image,
      service: driver.service ?? basename(image).replace(/\.sys$/i, ''),
      device: driver.device,
      ...(driver.log ? { log: driver.log } : {}),
    },
    ...(clientPath ? { client: clientPath } : {}),
    cases,
  };
}

function expandCase(loaded: LoadedSuite, template: RawCase, ci: number, params: Params, index: number, options: ExpandOptions, issues: SuiteIssue[]): Case | undefined {
  const { raw, source, file } = loaded;
  const casePath = ['cases', ci];
  const where = (path: PropertyKey[], message: string, key?: string) => issues.push(located(source, file, path, message, key));
  const suffix = Object.keys(params).length ? ` (with ${Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})` : '';
  try {
    const steps: CaseStep[] = [];
    const labels = new Map<string, number>();
    let ok = true;
    template.steps.forEach((rawStep, si) => {
      const stepPath = [...casePath, 'steps', si];
      const concrete = substitute(rawStep, params, stepPath, where, suffix);
      if (!concrete) {
        ok = false;
        return;
      }
      const step = toCaseStep(concrete, raw, labels, stepPath, where, params, suffix);
      if (!step) {
        ok = false;
        return;
      }
      if (concrete.label) labels.set(concrete.label, steps.length);
      steps.push(step);
    });
    if (!ok) return undefined;
    const withOpens = addImplicitOpens(steps);
    const shown = Object.entries(params).map(([k, v]) => `${k}=${renderParam(v)}`).join(', ');
    const name = template.name.includes('${') ? interpolate(template.name, params) : template.name + (shown ? ` [${shown}]` : '');
    const skip = skipReason(template.skip, options.target);
    const line = source.locate(casePath).line;
    const isolation = template.isolation ?? raw.isolation ?? 'suite';
    return {
      index,
      id: caseId(raw.suite, template.id ?? slug(template.name), params),
      name,
      params,
      timeoutMs: options.timeoutMs ?? numberOf(template.timeoutMs, params) ?? raw.defaults?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(skip ? { skip } : {}),
      tags: template.tags ?? [],
      ...(isolation === 'case' ? { fresh: true } : {}),
      steps: withOpens,
      source: `${file}:${line}`,
      template: ci,
    };
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    where(casePath, `${error.message}${suffix}`);
    return undefined;
  }
}

type Where = (path: PropertyKey[], message: string, key?: string) => void;

/** Resolves placeholders in a step and re-checks its shape when anything was substituted. */
function substitute(step: RawStep, params: Params, path: PropertyKey[], where: Where, suffix: string): RawStep | undefined {
  let changed = false;
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (typeof value === 'string') {
      if (isPlaceholder(value)) {
        changed = true;
        return resolvePlaceholder(value, params);
      }
      if (value.includes('${') && (key === 'text' || key === 'run' || key === 'contains' || key === 'equals' || key === 'notContains')) {
        changed = true;
        return interpolate(value, params);
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    return value;
  };
  const result = walk(step, undefined) as RawStep;
  if (!changed) return result;
  const parsed = Step.safeParse(result);
  if (parsed.success) return parsed.data;
  // Explained as if the step sat at cases[0].steps[0], so step-kind unions resolve as in loadSuite.
  const asInSuite = parsed.error.issues.map((i) => ({ ...i, path: ['cases', 0, 'steps', 0, ...i.path] }));
  const data = { cases: [{ steps: [result] }] };
  for (const issue of explainIssues(asInSuite, data, (at) => schemaFieldsAt(data, at)).map((i) => ({ ...i, path: i.path.slice(4) }))) {
    where([...path, ...issue.path], `${issue.message}${suffix}`, issue.key);
  }
  return undefined;
}

function toCaseStep(step: RawStep, suite: RawSuite, labels: Map<string, number>, path: PropertyKey[], where: Where, params: Params, suffix: string): CaseStep | undefined {
  if ('parallel' in step) {
    const threadLabels = new Map<string, number>();
    const steps: ThreadStep[] = [];
    for (const [i, inner] of step.steps.entries()) {
      const made = toCaseStep(inner as RawStep, suite, threadLabels, [...path, 'steps', i], where, params, suffix);
      if (!made) return undefined;
      if (inner.label) threadLabels.set(inner.label, steps.length);
      steps.push(made as ThreadStep);
    }
    return { kind: 'parallel', threads: step.parallel.threads as number, iterations: (step.parallel.iterations as number | undefined) ?? 1, steps };
  }
  if ('ioctl' in step) {
    const ioctl = resolveIoctl(step.ioctl, suite);
    if (!ioctl) {
      where([...path, 'ioctl'], `expected an IOCTL defined in \`ioctls\` or a number, found \`${String(step.ioctl)}\`${suffix}`);
      return undefined;
    }
    const expect = chooseExpect(step.expect, params, [...path, 'expect'], where, suffix);
    if (expect === undefined) return undefined;
    const codes = statusCodes(expect, [...path, 'expect'], where, suffix);
    if (!codes) return undefined;
    const result: IoctlExpectation = { ...codes };
    if (expect.bytesReturned !== undefined) result.bytesReturned = expect.bytesReturned as number;
    const out = expect.output;
    if (out?.sameAs !== undefined) {
      const index = typeof out.sameAs === 'number' ? out.sameAs : labels.get(out.sameAs);
      if (index === undefined) {
        where([...path, 'expect', 'output', 'sameAs'], `expected the label of an earlier step, found \`${String(out.sameAs)}\``);
        return undefined;
      }
      result.output = { sameAsStep: index, from: String(out.sameAs) };
    } else if (out?.text !== undefined) {
      result.output = { bytes: new TextEncoder().encode(out.text) };
    } else if (out?.hex !== undefined) {
      result.output = { bytes: Uint8Array.from(Buffer.from(out.hex, 'hex')) };
    }
    return {
      kind: 'ioctl',
      slot: (step.handle as number | undefined) ?? 0,
      ioctl,
      input: toGuestPayload(step.input === undefined ? null : (step.input as PayloadSpec | null)),
      outLength: (step.outLength as number | undefined) ?? 0,
      expect: result,
    };
  }
  if ('open' in step) {
    const expect = chooseError(step.expect, params, [...path, 'expect'], where, suffix);
    if (!expect) return undefined;
    const required = (expect.error === undefined || expect.error === 0) && (expect.status === undefined || expect.status < 0x8000_0000);
    return { kind: 'open', slot: (step.open.handle as number | undefined) ?? 0, access: ACCESS[(step.open.access as string | undefined) ?? 'read-write'] ?? 'rw', expect, required };
  }
  if ('close' in step) return { kind: 'close', slot: step.close as number };
  if ('sleep' in step) return { kind: 'sleep', ms: step.sleep as number };
  if ('load' in step || 'unload' in step) {
    const expect = chooseError(step.expect, params, [...path, 'expect'], where, suffix);
    if (!expect) return undefined;
    return 'load' in step ? { kind: 'load', service: step.load, expect } : { kind: 'unload', service: step.unload, expect };
  }
  const e = step.expect;
  const list = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);
  return {
    kind: 'run',
    args: step.run,
    timeoutMs: (step.timeoutMs as number | undefined) ?? DEFAULT_RUN_TIMEOUT_MS,
    expect: {
      ...(e?.exitCode !== undefined ? { exitCode: e.exitCode as number } : {}),
      ...(e?.stdout?.contains !== undefined ? { stdoutContains: list(e.stdout.contains)! } : {}),
      ...(e?.stdout?.notContains !== undefined ? { stdoutNotContains: list(e.stdout.notContains)! } : {}),
      ...(e?.stdout?.equals !== undefined ? { stdoutEquals: e.stdout.equals } : {}),
    },
  };
}

type Alternatives<T> = T | Array<T & { when?: Record<string, unknown> }> | undefined;

/** The first alternative whose `when` holds; an expectation list with no match is a suite error. */
function choose<T extends object>(value: Alternatives<T> | string, params: Params, path: PropertyKey[], where: Where, suffix: string): T | undefined {
  if (value === undefined) return {} as T;
  if (typeof value === 'string') {
    where(path, `expected an expectation mapping, found ${value}${suffix}`);
    return undefined;
  }
  if (!Array.isArray(value)) return value;
  const match = value.find((alt) => !alt.when || Object.entries(alt.when).every(([name, cond]) => holds(params[name], cond)));
  if (!match) {
    where(path, `expected an entry whose \`when\` matches${suffix}, found none; add a last entry without \`when\` as the default`);
    return undefined;
  }
  const { when: _when, ...rest } = match;
  return rest as T;
}

const chooseExpect = (value: unknown, params: Params, path: PropertyKey[], where: Where, suffix: string) =>
  choose<{ error?: unknown; status?: unknown; bytesReturned?: unknown; output?: { sameAs?: string | number; text?: string; hex?: string } }>(value as never, params, path, where, suffix);

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

function holds(value: unknown, cond: unknown): boolean {
  if (cond === null || typeof cond !== 'object') return value === cond;
  const c = cond as { min?: number; max?: number; in?: unknown[]; not?: unknown };
  if (c.min !== undefined && !(typeof value === 'number' && value >= c.min)) return false;
  if (c.max !== undefined && !(typeof value === 'number' && value <= c.max)) return false;
  if (c.in !== undefined && !c.in.includes(value)) return false;
  if (c.not !== undefined && value === c.not) return false;
  return true;
}

function resolveIoctl(ref: string | number, suite: RawSuite): IoctlRef | undefined {
  if (typeof ref === 'number') return { name: hexCode(ref), code: ref >>> 0 };
  const def = Object.hasOwn(suite.ioctls ?? {}, ref) ? suite.ioctls?.[ref] : undefined;
  if (!def) return undefined;
  if ('code' in def) return { name: ref, code: def.code >>> 0 };
  return { name: ref, code: ctlCode(def.function, { deviceType: def.deviceType, method: def.method, access: def.access }) };
}

/** A case that uses a handle slot it never opens gets a read-write open of it first, visible in reports. */
function addImplicitOpens(steps: CaseStep[]): CaseStep[] {
  const opened = new Set<number>();
  const needed = new Set<number>();
  const visit = (list: Array<CaseStep | ThreadStep>, local: Set<number>) => {
    for (const step of list) {
      if (step.kind === 'open') local.add(step.slot);
      else if (step.kind === 'parallel') visit(step.steps, new Set(opened));
      else if ((step.kind === 'ioctl' || step.kind === 'close') && !local.has(step.slot)) needed.add(step.slot);
    }
  };
  visit(steps, opened);
  const opens: CaseStep[] = [...needed].sort((a, b) => a - b).map((slot) => ({ kind: 'open', slot, access: 'rw', expect: { error: 0 }, required: true, implicit: true }));
  if (opens.length === 0) return steps;
  // `sameAs` indexes count the case's own steps; keep them pointing at the same steps after the prepend.
  for (const step of steps) {
    const out = step.kind === 'ioctl' ? step.expect.output : undefined;
    if (out && 'sameAsStep' in out) out.sameAsStep += opens.length;
  }
  return [...opens, ...steps];
}

function skipReason(skip: RawCase['skip'], target: ExpandOptions['target']): string | undefined {
  if (skip === undefined) return undefined;
  if (typeof skip === 'string') return skip;
  if (!target) return undefined;
  return skip[target.name] ?? skip[target.kind];
}

function numberOf(value: unknown, params: Params): number | undefined {
  if (value === undefined) return undefined;
  const resolved = isPlaceholder(value) ? resolvePlaceholder(value as string, params) : value;
  if (typeof resolved !== 'number') throw new ExpressionError(`timeoutMs: expected a number, found ${JSON.stringify(resolved)}`);
  return resolved;
}
