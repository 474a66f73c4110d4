import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ConfigFormat, ContentFormat, FileWhere } from '../config-file/config-format.js';
import { FileIssuesError } from '../config-file/file-issue.js';
import { checkJsonText, loadJsonFile } from '../config-file/load-config-file.js';
import { UsageError } from '../errors/lab-error.js';
import { CaseSchema, REPORT_FIELDS, ReportSchema } from './report-schema.js';
import { emptySummary, REPORT_SCHEMA_VERSION, type RunReport } from './run-report.js';
import type { CaseResult } from '../verdict/case-result.js';

/** Bounds on a report.json read back: 10,000 cases with their logs take tens of MiB; lab writes 8 levels deep. */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;
export const MAX_REPORT_DEPTH = 64;

export interface ReadReport {
  /** The report.json file, as the user would name it. */
  file: string;
  report: RunReport;
}

const REPORT_FILE: ConfigFormat<z.infer<typeof ReportSchema>> = {
  noun: 'report.json as lab writes it',
  maxBytes: MAX_REPORT_BYTES,
  maxDepth: MAX_REPORT_DEPTH,
  topLevel: 'a JSON object',
  schema: ReportSchema,
  hints: () => ({ fields: REPORT_FIELDS }),
  inspect: notTooNew,
  invalid: (issues, context) => new FileIssuesError('LAB_REPORT_INVALID', issues, context),
  missing: (file, _cause, argument) =>
    new UsageError(
      'LAB_REPORT_NOT_FOUND',
      `${argument} ${file}: no such file. Fix: give a report.json or the run folder that holds it (e.g. reports/<run-id>).`,
    ),
  fix: "point at a finished run's report.json (`lab run` writes it).",
};

/**
 * `path` is a report.json or a run folder holding one; `what` names the argument in messages (e.g.
 * `--baseline`). The one reader behind `lab gate`, `merge`, `report`, `history` and `--baseline`: read as
 * every file lab reads (config-file/: size, UTF-8, nesting), checked against report-schema.ts, and every
 * problem is a usage error (exit 2) naming the file and the line or the field.
 */
export async function readReport(path: string, what: string): Promise<ReadReport> {
  const { file, value } = await loadJsonFile(await reportFile(path, what), REPORT_FILE, { argument: what });
  const report = value as unknown as RunReport;
  report.summary = { ...emptySummary(), ...report.summary };
  for (const c of report.cases) c.steps ??= [];
  return { file, report };
}

/** A report lab cannot read yet is another error than one lab did not write: the fix is to update lab. */
function notTooNew(data: unknown, where: FileWhere): [] {
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version > REPORT_SCHEMA_VERSION) {
    throw new UsageError(
      'LAB_REPORT_TOO_NEW',
      `${where.argument} ${where.file}: schemaVersion ${version} is newer than this lab reads (${REPORT_SCHEMA_VERSION}). Fix: update lab.`,
    );
  }
  return [];
}

const CASE_LINE: ContentFormat<z.infer<typeof CaseSchema>> = {
  noun: 'a case as lab writes it',
  maxDepth: MAX_REPORT_DEPTH,
  topLevel: 'a JSON object',
  schema: CaseSchema,
  hints: () => ({ fields: REPORT_FIELDS }),
  invalid: (issues, context) => new FileIssuesError('LAB_REPORT_INVALID', issues, context),
  fix: 'point at the --out folder of a lab run.',
};

/** One case read back from a results.jsonl lab did not just write (a shard to merge): checked like report.json's. */
export function parseCase(text: string, at: { file: string; line: number; argument?: string }): CaseResult {
  const c = checkJsonText(text, at.file, CASE_LINE, at.argument ? { argument: at.argument } : {}, at.line) as unknown as CaseResult;
  c.steps ??= [];
  return c;
}

async function reportFile(path: string, what: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new UsageError(
      'LAB_REPORT_NOT_FOUND',
      `${what} ${path}: no such file or folder. Fix: give a report.json or the run folder that holds it (e.g. reports/<run-id>).`,
    );
  if (!info.isDirectory()) return path;
  const inside = join(path, 'report.json');
  if (!(await stat(inside).catch(() => undefined))?.isFile()) {
    throw new UsageError(
      'LAB_REPORT_NOT_FOUND',
      `${what} ${path}: this folder has no report.json. Fix: give a finished run's folder (reports/<run-id>) or its report.json.`,
    );
  }
  return inside;
}
