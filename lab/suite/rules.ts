import { basename } from 'node:path';
import { ExpressionError, isPlaceholder, referencedNames } from './expression.js';
import { GUEST_LIMITS } from '../runner-limits/limits.js';
import type { RawCase, RawPayload, RawStep, RawSuite } from './schema.js';
import type { RawIssue } from '../config-file/schema-issues.js';
import { ntStatusProblem, win32ErrorProblem } from './status-values.js';

const GENERATORS = ['text', 'hex', 'repeat', 'allBytes', 'withNuls', 'random'] as const;
/** Pointer kinds whose bytes the runner must not read: an output expectation has nothing to look at. */
const UNREADABLE = new Set(['null', 'invalid', 'kernel', 'noAccess']);
/** Names the runner's own files take in the guest folder. */
const RESERVED_FILES = ['lab-guest.exe', 'plan.txt'];

/**
 * Rules the schema cannot express: names that must exist, labels that must come earlier, placeholders
 * that must name a parameter of their case, payloads with exactly one generator. Everything that can be
 * checked before expansion is checked here, so one run reports all of it at once.
 */
export function checkRules(suite: RawSuite): RawIssue[] {
  const issues: RawIssue[] = [];
  const ioctls = new Set(Object.keys(suite.ioctls ?? {}));
  const files = checkFiles(suite, issues);
  suite.cases.forEach((c, ci) => checkCase(c, ['cases', ci], { ioctls, files, image: basename(suite.driver.image) }, issues));
  return issues;
}

interface SuiteNames {
  ioctls: Set<string>;
  /** `files` by the name each gets in the guest folder. */
  files: Set<string>;
  /** The driver image's file name. */
  image: string;
}

/** `files`: one name each in the guest folder, none taken by the runner, the driver or the client. */
function checkFiles(suite: RawSuite, issues: RawIssue[]): Set<string> {
  const names = new Map<string, number>();
  const taken = new Map<string, string>([
    ...RESERVED_FILES.map((n) => [n.toLowerCase(), 'the guest runner'] as const),
    [basename(suite.driver.image).toLowerCase(), 'the driver image'],
  ]);
  if (suite.client) taken.set(basename(suite.client).toLowerCase(), 'the client');
  (suite.files ?? []).forEach((f, i) => {
    const name = typeof f === 'string' ? basename(f) : (f.as ?? basename(f.from));
    const at = typeof f === 'string' ? ['files', i] : ['files', i, f.as !== undefined ? 'as' : 'from'];
    // Windows compares file names without case.
    const key = name.toLowerCase();
    if (!/^[A-Za-z0-9_][A-Za-z0-9_. -]{0,127}$/.test(name))
      issues.push({
        path: at,
        message: `expected a file name of letters, digits, _ . - and spaces for the guest folder, found \`${name}\`; give it one with \`as\``,
      });
    else if (taken.has(key))
      issues.push({
        path: at,
        message: `expected a name of its own in the guest folder, found \`${name}\`, which ${taken.get(key)} takes; give it another with \`as\``,
      });
    else if (names.has(key))
      issues.push({
        path: at,
        message: `expected a name of its own in the guest folder, found \`${name}\` again (files[${names.get(key)}]); give one of them another with \`as\``,
      });
    else names.set(key, i);
  });
  return new Set([...names.keys()]);
}

function checkCase(c: RawCase, path: PropertyKey[], suite: SuiteNames, issues: RawIssue[]): void {
  const params = new Set(Object.keys(c.matrix ?? {}));
  checkPlaceholders(c.name, [...path, 'name'], params, issues, true);
  checkConditions(c, path, params, issues);
  const labels = new Map<string, number>();
  const asyncs = new Map<string, { index: number; readable: boolean }>();
  c.steps.forEach((step, si) => {
    const stepPath = [...path, 'steps', si];
    checkStep(step, stepPath, { ...suite, params, labels, asyncs, index: si }, issues);
    if (step.label !== undefined) {
      if (labels.has(step.label))
        issues.push({
          path: [...stepPath, 'label'],
          message: `expected a label unique in the case, found \`${step.label}\` again (first at steps[${labels.get(step.label)}])`,
        });
      else labels.set(step.label, si);
    }
  });
}

/** `exclude`, `skip` and `only` name parameters of the case's own matrix. */
function checkConditions(c: RawCase, path: PropertyKey[], params: Set<string>, issues: RawIssue[]): void {
  const check = (when: Record<string, unknown> | undefined, at: PropertyKey[]) => {
    for (const name of Object.keys(when ?? {})) {
      if (!params.has(name))
        issues.push({
          path: at,
          key: name,
          message: `expected a parameter of this case's matrix (${[...params].map((p) => `\`${p}\``).join(', ') || 'none defined'}), found \`${name}\``,
        });
    }
  };
  (c.exclude ?? []).forEach((when, i) => check(when, [...path, 'exclude', i]));
  for (const field of ['skip', 'only'] as const) {
    const value = c[field];
    if (value === undefined || typeof value === 'string') continue;
    const rules = Array.isArray(value) ? value.map((r, i) => [r, [...path, field, i]] as const) : [[value, [...path, field]] as const];
    for (const [rule, at] of rules)
      if (rule && typeof rule === 'object' && 'when' in rule && rule.when && typeof rule.when === 'object')
        check(rule.when as Record<string, unknown>, [...at, 'when']);
  }
}

interface Scope extends SuiteNames {
  params: Set<string>;
  /** Labels of earlier steps in the case, with their index. */
  labels: Map<string, number>;
  /** `async` names started by earlier steps, and whether their output can be read. */
  asyncs: Map<string, { index: number; readable: boolean }>;
  index: number;
  /** Labels of the enclosing parallel block's steps, for sameAs inside it. */
  threadLabels?: Map<string, number>;
  inParallel?: boolean;
}

type RawExpectList = Array<{ error?: unknown; status?: unknown; bytesReturned?: unknown; output?: RawOutput }>;
type RawBytes = { sameAs?: string | number; text?: string; hex?: string };
type RawOutput = RawBytes & { prefix?: string | RawBytes; length?: unknown };

function expectList(expect: unknown, path: PropertyKey[]): Array<[RawExpectList[number], PropertyKey[]]> {
  if (expect === undefined || typeof expect === 'string') return [];
  if (Array.isArray(expect)) return (expect as RawExpectList).map((e, i) => [e, [...path, 'expect', i]]);
  return [[expect as RawExpectList[number], [...path, 'expect']]];
}

function checkStep(step: RawStep, path: PropertyKey[], scope: Scope, issues: RawIssue[]): void {
  checkPlaceholders(step, path, scope.params, issues, false);
  if ('ioctl' in step && typeof step.ioctl === 'string' && !isPlaceholder(step.ioctl) && !scope.ioctls.has(step.ioctl)) {
    const known = [...scope.ioctls].map((n) => `\`${n}\``).join(', ') || 'none (add an `ioctls:` section)';
    issues.push({ path: [...path, 'ioctl'], message: `expected an IOCTL defined in \`ioctls\` (${known}) or a number, found \`${step.ioctl}\`` });
  }
  if ('ioctl' in step || 'read' in step || 'write' in step || 'wait' in step) checkTransfer(step, path, scope, issues);
  if ('cancel' in step) checkAsyncRef(step.cancel, [...path, 'cancel'], scope, issues);
  if ('load' in step && step.image !== undefined && step.image.toLowerCase() !== scope.image.toLowerCase() && !scope.files.has(step.image.toLowerCase())) {
    issues.push({
      path: [...path, 'image'],
      message: `expected the driver image (\`${scope.image}\`) or a name of \`files\`${fileList(scope)}, found \`${step.image}\``,
    });
  }
  if ('run' in step && step.program !== undefined && !scope.files.has(step.program.toLowerCase())) {
    issues.push({ path: [...path, 'program'], message: `expected a name of \`files\`${fileList(scope)}, found \`${step.program}\`` });
  }
  if ('open' in step || 'load' in step || 'unload' in step || 'cancel' in step) {
    const expects: Array<{ error?: unknown; status?: unknown }> = step.expect === undefined ? [] : Array.isArray(step.expect) ? step.expect : [step.expect];
    expects.forEach((e, ei) => {
      const ePath = Array.isArray(step.expect) ? [...path, 'expect', ei] : [...path, 'expect'];
      checkError(e.error, [...ePath, 'error'], issues);
      checkStatus(e.status, [...ePath, 'status'], issues);
    });
  }
  if ('parallel' in step) {
    const threadLabels = new Map<string, number>();
    step.steps.forEach((inner, ii) => {
      checkStep(inner as RawStep, [...path, 'steps', ii], { ...scope, threadLabels, index: ii, inParallel: true }, issues);
      if (inner.label !== undefined) threadLabels.set(inner.label, ii);
    });
  }
}

function fileList(scope: Scope): string {
  return scope.files.size ? ` (${[...scope.files].map((f) => `\`${f}\``).join(', ')})` : ' (none: add a `files:` section)';
}

/** ioctl, read, write and wait: payloads, fills, async names, and what their expectations may look at. */
function checkTransfer(
  step: Extract<RawStep, { ioctl: unknown } | { read: unknown } | { write: unknown } | { wait: unknown }>,
  path: PropertyKey[],
  scope: Scope,
  issues: RawIssue[],
): void {
  if ('ioctl' in step && step.input && typeof step.input === 'object') checkPayload(step.input, [...path, 'input'], issues);
  if ('write' in step && step.write && typeof step.write === 'object') checkPayload(step.write, [...path, 'write'], issues);
  if (('ioctl' in step || 'read' in step) && step.outFill && typeof step.outFill === 'object') checkFill(step.outFill, [...path, 'outFill'], issues);
  if ('ioctl' in step && step.input === null && step.inPointer !== undefined && step.inPointer !== 'null' && step.inPointer !== 'heap') {
    issues.push({
      path: [...path, 'inPointer'],
      message: `expected no \`inPointer\` with \`input: null\` (a NULL pointer already), found \`${step.inPointer}\``,
    });
  }
  if (scope.inParallel) {
    for (const key of ['async', 'inPointer', 'outPointer', 'outFill'] as const) {
      if (key in step && (step as Record<string, unknown>)[key] !== undefined)
        issues.push({ path: [...path], key, message: `expected no \`${key}\` inside \`parallel\` (threads use plain heap buffers and wait for every call)` });
    }
  }
  let readable = true;
  if ('ioctl' in step || 'read' in step) readable = !UNREADABLE.has(String(step.outPointer ?? 'heap'));
  if ('wait' in step) readable = checkAsyncRef(step.wait, [...path, 'wait'], scope, issues)?.readable ?? true;
  if (!('wait' in step) && step.async !== undefined && !scope.inParallel) {
    const first = scope.asyncs.get(step.async);
    if (first)
      issues.push({
        path: [...path, 'async'],
        message: `expected an \`async\` name unique in the case, found \`${step.async}\` again (first at steps[${first.index}])`,
      });
    else if (scope.asyncs.size >= GUEST_LIMITS.maxAsync)
      issues.push({ path: [...path, 'async'], message: `expected at most ${GUEST_LIMITS.maxAsync} \`async\` requests in a case, found more` });
    else scope.asyncs.set(step.async, { index: scope.index, readable });
  }
  for (const [e, ePath] of expectList(step.expect, path)) {
    checkError(e.error, [...ePath, 'error'], issues);
    checkStatus(e.status, [...ePath, 'status'], issues);
    checkRange(e.bytesReturned, [...ePath, 'bytesReturned'], issues);
    const out = e.output;
    if (!out) continue;
    const given = (['sameAs', 'text', 'hex'] as const).filter((k) => out[k] !== undefined);
    if (given.length > 1)
      issues.push({
        path: [...ePath, 'output'],
        message: `expected at most one of \`sameAs\`, \`text\`, \`hex\`, found ${given.map((k) => `\`${k}\``).join(' and ')}`,
      });
    if (given.length === 0 && out.prefix === undefined && out.length === undefined)
      issues.push({ path: [...ePath, 'output'], message: 'expected one of `sameAs`, `text`, `hex`, `prefix` or `length`, found none' });
    if (out.sameAs !== undefined) checkSameAs(out.sameAs, [...ePath, 'output', 'sameAs'], scope, issues);
    if (out.prefix !== undefined && typeof out.prefix === 'object') {
      const inPrefix = (['sameAs', 'text', 'hex'] as const).filter((k) => (out.prefix as RawBytes)[k] !== undefined);
      if (inPrefix.length !== 1)
        issues.push({
          path: [...ePath, 'output', 'prefix'],
          message: `expected exactly one of \`sameAs\`, \`text\`, \`hex\`, found ${inPrefix.length ? inPrefix.map((k) => `\`${k}\``).join(' and ') : 'none'}`,
        });
      if (out.prefix.sameAs !== undefined) checkSameAs(out.prefix.sameAs, [...ePath, 'output', 'prefix', 'sameAs'], scope, issues);
    }
    checkRange(out.length, [...ePath, 'output', 'length'], issues);
    if (!readable)
      issues.push({
        path: [...ePath, 'output'],
        message: 'expected no `output` expectation: the runner does not read an output buffer of this pointer kind (null, invalid, kernel, noAccess)',
      });
  }
}

/** A `wait` or `cancel` names the `async` of an earlier step of the case. */
function checkAsyncRef(name: string, path: PropertyKey[], scope: Scope, issues: RawIssue[]): { readable: boolean } | undefined {
  const started = scope.asyncs.get(name);
  if (!started) {
    const known = [...scope.asyncs.keys()].map((k) => `\`${k}\``).join(', ') || 'none started yet';
    issues.push({ path, message: `expected the \`async\` name of an earlier step (${known}), found \`${name}\`` });
  }
  return started;
}

function checkRange(value: unknown, path: PropertyKey[], issues: RawIssue[]): void {
  if (value && typeof value === 'object') {
    const { min, max } = value as { min?: unknown; max?: unknown };
    if (min === undefined && max === undefined) issues.push({ path, message: 'expected `min`, `max` or both, found neither' });
    else if (typeof min === 'number' && typeof max === 'number' && min > max)
      issues.push({ path, message: `expected \`min\` at most \`max\`, found ${min} > ${max}` });
  }
}

function checkSameAs(ref: string | number, path: PropertyKey[], scope: Scope, issues: RawIssue[]): void {
  if (typeof ref === 'number') {
    if (ref >= scope.index) issues.push({ path, message: `expected the index of an earlier step (0..${scope.index - 1}), found ${ref}` });
    return;
  }
  if (scope.threadLabels?.has(ref) || scope.labels.has(ref)) return;
  const known = [...(scope.threadLabels?.keys() ?? []), ...scope.labels.keys()];
  issues.push({ path, message: `expected the label of an earlier step (${known.map((k) => `\`${k}\``).join(', ') || 'none labelled yet'}), found \`${ref}\`` });
}

function checkError(value: unknown, path: PropertyKey[], issues: RawIssue[]): void {
  if ((typeof value !== 'string' && typeof value !== 'number') || isPlaceholder(value)) return;
  const problem = win32ErrorProblem(value);
  if (problem) issues.push({ path, message: problem });
}

function checkStatus(value: unknown, path: PropertyKey[], issues: RawIssue[]): void {
  if ((typeof value !== 'string' && typeof value !== 'number') || isPlaceholder(value)) return;
  const problem = ntStatusProblem(value);
  if (problem) issues.push({ path, message: problem });
}

function checkFill(fill: Omit<RawPayload, 'length' | 'perThread' | 'label'>, path: PropertyKey[], issues: RawIssue[]): void {
  const given = GENERATORS.filter((g) => fill[g] !== undefined);
  if (given.length !== 1)
    issues.push({
      path,
      message: `expected exactly one of ${GENERATORS.map((g) => `\`${g}\``).join(', ')}, found ${given.length ? given.map((g) => `\`${g}\``).join(' and ') : 'none'}`,
    });
  else if (fill.text === '') issues.push({ path: [...path, 'text'], message: 'expected at least one character, found an empty text' });
}

function checkPayload(payload: RawPayload, path: PropertyKey[], issues: RawIssue[]): void {
  const given = GENERATORS.filter((g) => payload[g] !== undefined);
  if (given.length > 1) {
    issues.push({ path, message: `expected one generator, found ${given.map((g) => `\`${g}\``).join(' and ')}` });
  } else if (given.length === 0 && payload.length === undefined) {
    issues.push({ path, message: `expected one of ${GENERATORS.map((g) => `\`${g}\``).join(', ')} or a \`length\` (zeros), found none` });
  } else if ((payload.repeat !== undefined || payload.random !== undefined) && payload.length === undefined) {
    issues.push({ path, message: `expected a \`length\` with \`${given[0]}\`, found none` });
  }
}

/** Every `${...}` must parse and may only name parameters of its own case. */
function checkPlaceholders(value: unknown, path: PropertyKey[], params: Set<string>, issues: RawIssue[], embedded: boolean): void {
  const stack: Array<[unknown, PropertyKey[]]> = [[value, path]];
  while (stack.length > 0) {
    const [node, at] = stack.pop()!;
    if (typeof node === 'string') {
      const found = embedded || isPlaceholder(node) ? [...node.matchAll(/\$\{([^{}]+)\}/g)] : [];
      for (const m of found) {
        try {
          const unknown = referencedNames(m[1] ?? '').filter((n) => !params.has(n));
          if (unknown.length)
            issues.push({
              path: at,
              message: `expected parameters of this case's matrix (${[...params].map((p) => `\`${p}\``).join(', ') || 'none defined'}), found \`${unknown[0]}\` in ${m[0]}`,
            });
        } catch (error) {
          if (error instanceof ExpressionError) issues.push({ path: at, message: `expected a valid placeholder, found ${error.message}` });
          else throw error;
        }
      }
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => stack.push([v, [...at, i]]));
    } else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) if (k !== 'steps') stack.push([v, [...at, k]]);
    }
  }
}
