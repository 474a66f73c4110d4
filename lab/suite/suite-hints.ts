import type { z } from 'zod';
import { explainIssues, type ExplainHints, type KeyedUnion, type RawIssue } from '../config-file/schema-issues.js';
import { schemaFieldsAt } from './json-schema.js';
import { STEP_KINDS, THREAD_STEP_KINDS } from './schema.js';

/** What schema messages need to know about suites: the fields at each place, and steps told apart by their kind key. */
export function suiteHints(data: unknown): ExplainHints {
  return { fields: (path) => schemaFieldsAt(data, path), unionKeysAt: stepKindsAt };
}

/** Steps sit at cases[i].steps[j]; thread steps one level deeper, inside a `parallel` step. */
function stepKindsAt(path: readonly PropertyKey[]): KeyedUnion | undefined {
  const isStep = (p: readonly PropertyKey[]) => p.length >= 4 && p[0] === 'cases' && p[2] === 'steps' && typeof p[3] === 'number';
  if (path.length === 4 && isStep(path)) return { what: 'a step', keys: STEP_KINDS };
  if (path.length === 6 && isStep(path) && path[4] === 'steps' && typeof path[5] === 'number') return { what: 'a step', keys: THREAD_STEP_KINDS };
  return undefined;
}

const ONLY_PLACEHOLDER = 'expected a ${...} placeholder';

/**
 * A string where a number (or a mapping) or a placeholder may go fails only the placeholder's pattern, so
 * zod says a placeholder was expected: say what else the field takes.
 */
export function inSuiteWords(issue: RawIssue): string {
  if (issue.key !== undefined || !issue.message.startsWith(`${ONLY_PLACEHOLDER}, found `)) return issue.message;
  const field = String(issue.path[issue.path.length - 1]);
  return `expected ${PLACEHOLDER_ALTERNATIVE[field] ?? 'a value'} or a \${...} placeholder${issue.message.slice(ONLY_PLACEHOLDER.length)}`;
}

/** zod's issues about (part of) a suite, in the suite's words. */
export function explainSuiteIssues(issues: readonly z.core.$ZodIssue[], data: unknown): RawIssue[] {
  return explainIssues(issues, data, suiteHints(data)).map((i) => ({ ...i, message: inSuiteWords(i) }));
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
  ...Object.fromEntries(
    ['outLength', 'length', 'handle', 'timeoutMs', 'threads', 'iterations', 'sleep', 'repeat', 'seed', 'close', 'read', 'offset', 'min', 'max'].map((k) => [
      k,
      'a number',
    ]),
  ),
};
