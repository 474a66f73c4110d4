import { UsageError, type UsageCode } from '../errors/lab-error.js';

/** One problem in a suite file, located as precisely as the file allows. */
export interface SuiteIssue {
  file: string;
  line: number;
  column: number;
  /** The field path, e.g. `cases[3].steps[1].expect.error`; empty for the whole file. */
  path: string;
  message: string;
}

export function formatIssue(issue: SuiteIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

const SHOWN = 20;

/**
 * A file lab reads (a suite, the inventory, a waivers file) that cannot be used as written (exit 2); the
 * message lists every issue found, up to 20, each at its file:line:column.
 */
export class FileIssuesError extends UsageError {
  constructor(
    code: UsageCode,
    readonly issues: SuiteIssue[],
  ) {
    const lines = issues.slice(0, SHOWN).map(formatIssue);
    if (issues.length > SHOWN) lines.push(`... and ${issues.length - SHOWN} more`);
    super(code, lines.join('\n'));
  }
}

/** A suite that cannot be used as written. */
export class SuiteError extends FileIssuesError {
  constructor(issues: SuiteIssue[]) {
    super('LAB_SUITE_INVALID', issues);
  }
}

/** `['cases', 3, 'steps']` → `cases[3].steps`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** A short, bounded rendering of a found value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return `a mapping with ${Object.keys(value).map((k) => `\`${k}\``).join(', ') || 'no keys'}`;
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `${JSON.stringify(shown)}${value.length > 60 ? ` (${value.length} characters)` : ''}`;
  }
  return String(value);
}
