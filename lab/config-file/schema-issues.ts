import type { z } from 'zod';
import { describeValue } from './file-issue.js';

/** A schema problem before it is located in the file. */
export interface RawIssue {
  path: PropertyKey[];
  /** Set for unknown keys, so the position is the key itself. */
  key?: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

/** The field names allowed in the object at a path of the data, for "did you mean" hints. */
export type FieldsAt = (path: readonly PropertyKey[]) => ReadonlySet<string>;

/** What a format knows that zod's issues do not say, so its messages are in its own words. */
export interface ExplainHints {
  /** The fields allowed where an unknown key was found (or one set for the whole file). */
  fields: FieldsAt | ReadonlySet<string>;
  /**
   * Where a union's branches are told apart by which one of `keys` a mapping holds (in branch order: a
   * suite's step kinds), so a typo inside an `ioctl` step is reported as that, not as "matches none of
   * eight shapes". `what` names such a mapping: "a step".
   */
  unionKeysAt?: (path: readonly PropertyKey[]) => KeyedUnion | undefined;
}

/** Turns zod's issues into messages that say what was expected and what was found. */
export function explainIssues(issues: readonly Issue[], data: unknown, hints: ExplainHints): RawIssue[] {
  const out: RawIssue[] = [];
  const { fields } = hints;
  const cx: Context = { data, fieldsAt: typeof fields === 'function' ? fields : () => fields, unionKeysAt: hints.unionKeysAt ?? (() => undefined) };
  for (const issue of issues) explain(issue, [], cx, out);
  return dedupe(out);
}

export interface KeyedUnion {
  what: string;
  keys: readonly string[];
}

interface Context {
  data: unknown;
  fieldsAt: FieldsAt;
  unionKeysAt: (path: readonly PropertyKey[]) => KeyedUnion | undefined;
}

function explain(issue: Issue, base: PropertyKey[], cx: Context, out: RawIssue[]): void {
  const path = [...base, ...issue.path];
  const found = valueAt(cx.data, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        const hint = closest(key, cx.fieldsAt(path));
        out.push({ path, key, message: `unknown field \`${key}\`${hint ? `; did you mean \`${hint}\`?` : ''}` });
      }
      return;
    case 'invalid_union':
      explainUnion(issue, path, found, cx, out);
      return;
    case 'invalid_type':
      out.push({ path, message: `expected ${article(issue.expected)}, found ${describeValue(found)}` });
      return;
    case 'too_big':
    case 'too_small': {
      const bound = issue.code === 'too_big' ? 'at most' : 'at least';
      const what = issue.origin === 'array' ? 'entries' : issue.origin === 'string' ? 'characters' : '';
      const size = Array.isArray(found) ? `${found.length} entries` : typeof found === 'string' ? `${found.length} characters` : describeValue(found);
      out.push({
        path,
        message: `expected ${bound} ${String(issue.code === 'too_big' ? issue.maximum : issue.minimum)}${what ? ` ${what}` : ''}, found ${size}`,
      });
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
      out.push({ path, message: `${text}, found ${describeValue(found)}` });
    }
  }
}

function explainUnion(issue: Extract<Issue, { code: 'invalid_union' }>, path: PropertyKey[], found: unknown, cx: Context, out: RawIssue[]): void {
  const keyed = cx.unionKeysAt(path);
  if (keyed && isRecord(found)) {
    const { keys } = keyed;
    const present = keys.filter((k) => k in found);
    if (present.length === 1) {
      const branch = issue.errors[keys.indexOf(present[0]!)] ?? [];
      for (const inner of branch) explain(inner, path, cx, out);
      return;
    }
    const what = present.length === 0 ? `found ${describeValue(found)}` : `found ${present.map((k) => `\`${k}\``).join(' and ')} together`;
    out.push({ path, message: `expected ${keyed.what} with exactly one of ${keys.map((k) => `\`${k}\``).join(', ')}; ${what}` });
    return;
  }
  // Otherwise: the branch that got furthest (fewest issues, none at the top) explains best, but when the
  // value has the wrong type for every branch, list what each branch wanted.
  const deep = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'));
  if ((isRecord(found) || Array.isArray(found)) && deep.length > 0) {
    const best = deep.reduce((a, b) => (b.length < a.length ? b : a));
    for (const inner of best) explain(inner, path, cx, out);
    return;
  }
  const wanted = new Set<string>();
  for (const branch of issue.errors) for (const inner of branch) if (inner.path.length === 0) wanted.add(expectedOf(inner));
  out.push({ path, message: `expected ${[...wanted].join(' or ')}, found ${describeValue(found)}` });
}

function expectedOf(issue: Issue): string {
  if (issue.code === 'invalid_type') return article(issue.expected);
  if (issue.code === 'invalid_format') return issue.message.replace(/^Invalid string: /, '').replace(/^expected /, '');
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  const unit = 'origin' in issue && issue.origin === 'string' ? ' characters' : 'origin' in issue && issue.origin === 'array' ? ' entries' : '';
  if (issue.code === 'too_big') return `at most ${String(issue.maximum)}${unit}`;
  if (issue.code === 'too_small') return `at least ${String(issue.minimum)}${unit}`;
  return issue.message;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
  };
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
