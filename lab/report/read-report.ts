import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { UsageError } from '../errors/lab-error.js';
import { BoundedJsonError, parseBoundedJson, readBoundedText } from '../files/bounded-json.js';
import { explainIssues } from '../suite/schema-issues.js';
import { formatPath } from '../suite/suite-error.js';
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

/**
 * `path` is a report.json or a run folder holding one; `what` names the argument in messages (e.g.
 * `--baseline`). The one reader behind `lab gate`, `merge`, `report`, `history` and `--baseline`: bounded
 * in size and nesting, checked against report-schema.ts, and every problem is a usage error (exit 2)
 * naming the file and the field.
 */
export async function readReport(path: string, what: string): Promise<ReadReport> {
  const file = await reportFile(path, what);
  const shown = displayPath(file);
  let data: unknown;
  try {
    data = parseBoundedJson(await readBoundedText(file, MAX_REPORT_BYTES), MAX_REPORT_DEPTH);
  } catch (error) {
    const why = error instanceof BoundedJsonError ? error.message : `a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    throw new UsageError('LAB_REPORT_INVALID', `${what} ${shown}: expected report.json as lab writes it, ${why}. Fix: point at a finished run's report.json.`);
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > REPORT_SCHEMA_VERSION) {
    throw new UsageError('LAB_REPORT_TOO_NEW', `${what} ${shown}: schemaVersion ${version} is newer than this lab reads (${REPORT_SCHEMA_VERSION}). Fix: update lab.`);
  }
  const parsed = ReportSchema.safeParse(data);
  if (!parsed.success) throw invalid(`${what} ${shown}`, parsed.error, data);
  const report = parsed.data as unknown as RunReport;
  report.summary = { ...emptySummary(), ...report.summary };
  for (const c of report.cases) c.steps ??= [];
  return { file: shown, report };
}

/** One case read back from a results.jsonl lab did not just write (a shard to merge): checked like report.json's. */
export function parseCase(line: string, where: string): CaseResult {
  let data: unknown;
  try {
    data = parseBoundedJson(line, MAX_REPORT_DEPTH);
  } catch (error) {
    throw new UsageError('LAB_REPORT_INVALID', `${where}: expected a case as lab writes it, ${(error as Error).message}. Fix: point at the --out folder of a lab run.`);
  }
  const parsed = CaseSchema.safeParse(data);
  if (!parsed.success) throw invalid(where, parsed.error, data);
  const c = parsed.data as unknown as CaseResult;
  c.steps ??= [];
  return c;
}

function invalid(where: string, error: z.ZodError, data: unknown): UsageError {
  const issues = explainIssues(error.issues, data, REPORT_FIELDS).slice(0, 5);
  const lines = issues.map((i) => `${where}: ${formatPath(i.key ? [...i.path, i.key] : i.path) || '(top level)'}: ${i.message}`);
  return new UsageError('LAB_REPORT_INVALID', `${lines.join('\n')}\nFix: point at a report written by \`lab run\`.`);
}

async function reportFile(path: string, what: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError('LAB_REPORT_NOT_FOUND', `${what} ${path}: no such file or folder. Fix: give a report.json or the run folder that holds it (e.g. reports/<run-id>).`);
  if (!info.isDirectory()) return path;
  const inside = join(path, 'report.json');
  if (!(await stat(inside).catch(() => undefined))?.isFile()) {
    throw new UsageError('LAB_REPORT_NOT_FOUND', `${what} ${path}: this folder has no report.json. Fix: give a finished run's folder (reports/<run-id>) or its report.json.`);
  }
  return inside;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith('..') ? rel : path;
}
