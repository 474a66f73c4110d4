import { ExpressionError, isPlaceholder, referencedNames } from './expression.js';
import type { RawCase, RawPayload, RawStep, RawSuite } from './schema.js';
import type { RawIssue } from './schema-issues.js';
import { ntStatusProblem, win32ErrorProblem } from './status-values.js';

const GENERATORS = ['text', 'hex', 'repeat', 'allBytes', 'withNuls', 'random'] as const;

/**
 * Rules the schema cannot express: names that must exist, labels that must come earlier, placeholders
 * that must name a parameter of their case, payloads with exactly one generator. Everything that can be
 * checked before expansion is checked here, so one run reports all of it at once.
 */
export function checkRules(suite: RawSuite): RawIssue[] {
  const issues: RawIssue[] = [];
  const ioctls = new Set(Object.keys(suite.ioctls ?? {}));
  suite.cases.forEach((c, ci) => checkCase(c, ['cases', ci], ioctls, issues));
  return issues;
}

function checkCase(c: RawCase, path: PropertyKey[], ioctls: Set<string>, issues: RawIssue[]): void {
  const params = new Set(Object.keys(c.matrix ?? {}));
  checkPlaceholders(c.name, [...path, 'name'], params, issues, true);
  const labels = new Map<string, number>();
  c.steps.forEach((step, si) => {
    const stepPath = [...path, 'steps', si];
    checkStep(step, stepPath, { ioctls, params, labels, index: si }, issues);
    if (step.label !== undefined) {
      if (labels.has(step.label)) issues.push({ path: [...stepPath, 'label'], message: `expected a label unique in the case, found \`${step.label}\` again (first at steps[${labels.get(step.label)}])` });
      else labels.set(step.label, si);
    }
  });
}

interface Scope {
  ioctls: Set<string>;
  params: Set<string>;
  /** Labels of earlier steps in the case, with their index. */
  labels: Map<string, number>;
  index: number;
  /** Labels of the enclosing parallel block's steps, for sameAs inside it. */
  threadLabels?: Map<string, number>;
}

function checkStep(step: RawStep, path: PropertyKey[], scope: Scope, issues: RawIssue[]): void {
  checkPlaceholders(step, path, scope.params, issues, false);
  if ('ioctl' in step) {
    if (typeof step.ioctl === 'string' && !isPlaceholder(step.ioctl) && !scope.ioctls.has(step.ioctl)) {
      const known = [...scope.ioctls].map((n) => `\`${n}\``).join(', ') || 'none (add an `ioctls:` section)';
      issues.push({ path: [...path, 'ioctl'], message: `expected an IOCTL defined in \`ioctls\` (${known}) or a number, found \`${step.ioctl}\`` });
    }
    if (step.input && typeof step.input === 'object') checkPayload(step.input, [...path, 'input'], issues);
    const expects = step.expect === undefined || typeof step.expect === 'string' ? [] : Array.isArray(step.expect) ? step.expect : [step.expect];
    expects.forEach((e, ei) => {
      const ePath = Array.isArray(step.expect) ? [...path, 'expect', ei] : [...path, 'expect'];
      checkError(e.error, [...ePath, 'error'], issues);
      checkStatus(e.status, [...ePath, 'status'], issues);
      const out = e.output;
      if (!out) return;
      const given = (['sameAs', 'text', 'hex'] as const).filter((k) => out[k] !== undefined);
      if (given.length !== 1) issues.push({ path: [...ePath, 'output'], message: `expected exactly one of \`sameAs\`, \`text\`, \`hex\`, found ${given.length ? given.map((k) => `\`${k}\``).join(' and ') : 'none'}` });
      if (out.sameAs !== undefined) checkSameAs(out.sameAs, [...ePath, 'output', 'sameAs'], scope, issues);
    });
  }
  if ('open' in step || 'load' in step || 'unload' in step) {
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
      checkStep(inner as RawStep, [...path, 'steps', ii], { ...scope, threadLabels, index: ii }, issues);
      if (inner.label !== undefined) threadLabels.set(inner.label, ii);
    });
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
          if (unknown.length) issues.push({ path: at, message: `expected parameters of this case's matrix (${[...params].map((p) => `\`${p}\``).join(', ') || 'none defined'}), found \`${unknown[0]}\` in ${m[0]}` });
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
