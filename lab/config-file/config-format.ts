import type { z } from 'zod';
import type { LabError } from '../errors/lab-error.js';
import type { FileIssue, FileIssuesError, IssuesContext } from './file-issue.js';
import type { ExplainHints, RawIssue } from './schema-issues.js';

/** The file as messages name it, and what named it on the command line (`--baseline`). */
export interface FileWhere {
  file: string;
  argument?: string;
}

/**
 * One kind of file lab reads (a suite, the waivers, the inventory, report.json, run.json, fuzz.json): its
 * bounds, its schema and what its messages say. load-config-file.ts reads every kind the same way, so all
 * get the same checks: size, NUL and UTF-8, nesting, aliases, schema, rules.
 */
export interface ConfigFormat<T> extends ContentFormat<T> {
  maxBytes: number;
  /** What to do about a file over maxBytes, when there is more to say than "smaller". */
  tooBigFix?: string;
  /** The error for a file that is not there. */
  missing(file: string, cause: NodeJS.ErrnoException, argument?: string): LabError;
}

/** What a file's text must be once read: the checks that also apply to text from elsewhere (a line of results.jsonl). */
export interface ContentFormat<T> {
  /** The file in messages, after "expected": `a suite`, `report.json as lab writes it`. */
  noun: string;
  /** Levels of mappings and lists. */
  maxDepth: number;
  /** What the top level must be, for a file that is empty or a list: "a mapping with a `waivers` list". */
  topLevel: string;
  schema: z.ZodType<T>;
  /** Field names for "did you mean", and unions told apart by a key; from the data when they depend on it. */
  hints(data: unknown): ExplainHints;
  /** A schema message in the format's own words (the suite's placeholders, the inventory's kinds). */
  reword?(issue: RawIssue, data: unknown): string;
  /** Checks before the schema, so they get their own message (a secret in the inventory); may throw an error of its own. */
  inspect?(data: unknown, where: FileWhere): RawIssue[];
  /** Cross-field rules the schema cannot say, on the checked value. */
  rules?(value: T): RawIssue[];
  /** The error for every problem found (exit 2, the format's code). */
  invalid(issues: FileIssue[], context: IssuesContext): FileIssuesError;
  /** A last line saying what to do, for files lab writes and a person only points at. */
  fix?: string;
}
