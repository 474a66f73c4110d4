import { UsageError, type UsageCode } from '../errors/lab-error.js';

/**
 * One problem in a file lab reads (a suite, the waivers, the inventory, report.json, run.json, fuzz.json),
 * located as precisely as the file allows: a line and column where the text shows it, none for what
 * concerns the whole file (its size) or a JSON field (JSON.parse keeps no positions; the field is named).
 */
export interface FileIssue {
  file: string;
  /** Alone, without a column: the record of a JSON Lines file. */
  line?: number;
  column?: number;
  /** The field path, e.g. `cases[3].steps[1].expect.error`; empty for the whole file. */
  path: string;
  message: string;
}

export function formatIssue(issue: FileIssue): string {
  const at = `${issue.line === undefined ? '' : `:${issue.line}`}${issue.column === undefined ? '' : `:${issue.column}`}`;
  return `${issue.file}${at}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

/** Top of the file first, so the first line shown is the first thing to fix. */
export function sortIssues(issues: FileIssue[]): FileIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

const SHOWN = 20;

export interface IssuesContext {
  /** What named the file on the command line (`--baseline`, `lab merge:`), said before each line. */
  argument?: string;
  /** A last line with what to do, for files people do not write by hand (report.json: point at another). */
  fix?: string;
}

/**
 * A file that cannot be used as written (exit 2); the message lists every issue found, up to 20, each at
 * its file:line:column.
 */
export class FileIssuesError extends UsageError {
  constructor(
    code: UsageCode,
    readonly issues: FileIssue[],
    context: IssuesContext = {},
  ) {
    const lines = issues.slice(0, SHOWN).map((i) => (context.argument ? `${context.argument} ${formatIssue(i)}` : formatIssue(i)));
    if (issues.length > SHOWN) lines.push(`... and ${issues.length - SHOWN} more`);
    if (context.fix) lines.push(`Fix: ${context.fix}`);
    super(code, lines.join('\n'));
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
  if (typeof value === 'object')
    return `a mapping with ${
      Object.keys(value)
        .map((k) => `\`${k}\``)
        .join(', ') || 'no keys'
    }`;
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `${JSON.stringify(shown)}${value.length > 60 ? ` (${value.length} characters)` : ''}`;
  }
  return String(value);
}
