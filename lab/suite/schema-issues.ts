import type { z } from 'zod';
import { STEP_KINDS, THREAD_STEP_KINDS } from './schema.js';
import { describeValue } from './suite-error.js';

/** A schema problem before it is located in the file. */
export interface RawIssue {
  path: PropertyKey[];
  /** Set for unknown keys, so the position is the key itself. */
  key?: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues into messages that say what was expected and what was found, in the suite's
 * words. Unions of step kinds are resolved by the step's kind key, so a typo inside an `ioctl` step is
 * reported as that, not as "matches none of eight shapes".
 */
/** The field names allowed in the object at a path of the data, for "did you mean" hints. */
export type FieldsAt = (path: readonly PropertyKey[]) => ReadonlySet<string>;

/** `knownKeys`: the fields allowed where an unknown key was found (or one set for the whole file). */
export function explainIssues(issues: readonly Issue[], data: unknown, knownKeys: FieldsAt | ReadonlySet<string>): RawIssue[] {
  const out: RawIssue[] = [];
  const fieldsAt: FieldsAt = typeof knownKeys === 'function' ? knownKeys : () => knownKeys;
  for (const issue of issues) explain(issue, [], data, fieldsAt, out);
  return dedupe(out);
}

function explain(issue: Issue, base: PropertyKey[], data: unknown, knownKeys: FieldsAt, out: RawIssue[]): void {
  const path = [...base, ...issue.path];
  const found = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        const hint = closest(key, knownKeys(path));
        out.push({ path, key, message: `unknown field \`${key}\`${hint ? `; did you mean \`${hint}\`?` : ''}` });
      }
      return;
    case 'invalid_union':
      explainUnion(issue, path, found, data, knownKeys, out);
      return;
    case 'invalid_type':
      out.push({ path, message: `expected ${article(issue.expected)}, found ${describeValue(found)}` });
      return;
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? 'at most' : 'at least';
      const what = issue.origin === 'array' ? 'entries' : issue.origin === 'string' ? 'characters' : '';
      const size = Array.isArray(found) ? `${found.length} entries` : typeof found === 'string' ? `${found.length} characters` : describeValue(found);
      out.push({ path, message: `expected ${bound} ${String(issue.code === 'too_big' ? issue.maximum : issue.minimum)}${what ? ` ${what}` : ''}, found ${size}` });
      return;
    }
    case 'invalid_value':
      out.push({ path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(found)}` });
      return;
    case 'invalid_key': {
      // The key itself is wrong (a record's key pattern): say so at the key, with what it must look like.
      const key = String(path[path.length - 1]);
      const wanted = issue.issues.map((i) => i.message.replace(/^Invalid (string|input): /, '').replace(/^expected /, '')).join(' and ') || 'another key';
      out.push({ path: path.slice(0, -1), key, message: `expected ${wanted} as the key, found \`${key}\`` });
      return;
    }
    default: {
      // invalid_format, not_multiple_of, invalid_element, custom, and any code a later zod adds: zod's own words.
      const text = issue.message.replace(/^Invalid (string|input): /, '');
      const field = path[path.length - 1];
      // A string where a number (or mapping) or a placeholder may go fails only the placeholder's pattern.
      const message = text === 'expected a ${...} placeholder' ? `expected ${PLACEHOLDER_ALTERNATIVE[String(field)] ?? 'a value'} or a \${...} placeholder` : text;
      out.push({ path, message: `${message}, found ${describeValue(found)}` });
    }
  }
}

/** What else a field that takes a placeholder accepts, for messages. */
const PLACEHOLDER_ALTERNATIVE: Record<string, string> = {
  input: 'a payload mapping (text, hex, repeat, allBytes, withNuls, random, length) or null',
  write: 'a payload mapping (text, hex, repeat, allBytes, withNuls, random, length) or null',
  outFill: 'a fill mapping (text, hex, repeat, allBytes, withNuls, random)',
  expect: 'an expectation mapping or list',
  error: 'a Win32 error number or name',
  access: 'read-write, read, write or none',
  inPointer: 'one of heap, null, invalid, kernel, unaligned, readOnly, noAccess, guardPage',
  outPointer: 'one of heap, null, invalid, kernel, unaligned, readOnly, noAccess, guardPage',
  disposition: 'one of open-existing, create-new, open-always, create-always, truncate-existing',
  share: 'a list of read, write, delete',
  path: 'a path such as \\sub\\name',
  exitCode: 'a number or `any`',
  bytesReturned: 'a number or { min, max }',
  ...Object.fromEntries(['outLength', 'length', 'handle', 'timeoutMs', 'threads', 'iterations', 'sleep', 'repeat', 'seed', 'close', 'read', 'offset', 'min', 'max'].map((k) => [k, 'a number'])),
};

function explainUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: PropertyKey[], found: unknown, data: unknown, knownKeys: FieldsAt, out: RawIssue[]): void {
  const stepKinds = stepKindsAt(path);
  if (stepKinds && isRecord(found)) {
    const present = stepKinds.filter((k) => k in found);
    if (present.length === 1) {
      const branch = issue.errors[stepKinds.indexOf(present[0] as (typeof stepKinds)[number])] ?? [];
      for (const inner of branch) explain(inner, path, data, knownKeys, out);
      return;
    }
    const what = present.length === 0 ? `found ${describeValue(found)}` : `found ${present.map((k) => `\`${k}\``).join(' and ')} together`;
    out.push({ path, message: `expected a step with exactly one of ${stepKinds.map((k) => `\`${k}\``).join(', ')}; ${what}` });
    return;
  }
  // Otherwise: the branch that got furthest (fewest issues, none at the top) explains best, but when the
  // value has the wrong type for every branch, list what each branch wanted.
  const deep = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'));
  if ((isRecord(found) || Array.isArray(found)) && deep.length > 0) {
    const best = deep.reduce((a, b) => (b.length < a.length ? b : a));
    for (const inner of best) explain(inner, path, data, knownKeys, out);
    return;
  }
  const wanted = new Set<string>();
  for (const branch of issue.errors) for (const inner of branch) if (inner.path.length === 0) wanted.add(expectedOf(inner));
  out.push({ path, message: `expected ${[...wanted].join(' or ')}, found ${describeValue(found)}` });
}

/** Steps sit at cases[i].steps[j]; thread steps one level deeper, inside a `parallel` step. */
function stepKindsAt(path: readonly PropertyKey[]): readonly string[] | undefined {
  const isStep = (p: readonly PropertyKey[]) => p.length >= 4 && p[0] === 'cases' && p[2] === 'steps' && typeof p[3] === 'number';
  if (path.length === 4 && isStep(path)) return STEP_KINDS;
  if (path.length === 6 && isStep(path) && path[4] === 'steps' && typeof path[5] === 'number') return THREAD_STEP_KINDS;
  return undefined;
}

function expectedOf(issue: Issue): string {
  if (issue.code === 'invalid_type') return article(issue.expected);
  if (issue.code === 'invalid_format' && 'pattern' in issue && String(issue.pattern).includes('\\$\\{')) return 'a ${...} placeholder';
  if (issue.code === 'invalid_format') return issue.message.replace(/^Invalid string: /, '').replace(/^expected /, '');
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  const unit = 'origin' in issue && issue.origin === 'string' ? ' characters' : 'origin' in issue && issue.origin === 'array' ? ' entries' : '';
  if (issue.code === 'too_big') return `at most ${String(issue.maximum)}${unit}`;
  if (issue.code === 'too_small') return `at least ${String(issue.minimum)}${unit}`;
  return issue.message;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false' };
  return names[type] ?? type;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function dedupe(issues: RawIssue[]): RawIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path.join('.')}|${i.key ?? ''}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The known field name nearest to a misspelt one (edit distance at most 2), for "did you mean". */
function closest(word: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 3;
}
