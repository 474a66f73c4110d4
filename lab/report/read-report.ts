import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors/lab-error.js';
import { explainIssues } from '../suite/schema-issues.js';
import { formatPath } from '../suite/suite-error.js';
import { emptySummary, REPORT_SCHEMA_VERSION, type RunReport } from './run-report.js';

/**
 * What a reader of report.json relies on; everything else passes through untouched. Loose on purpose:
 * report.json only gains fields, so an older lab's report (no `waived`, no `gate`) and a newer lab's
 * (fields this one does not know) both read.
 */
const CaseShape = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  status: z.string().min(1),
  durationMs: z.number().optional(),
  steps: z.array(z.looseObject({})).optional(),
});

const ReportShape = z.looseObject({
  schemaVersion: z.number().int(),
  runId: z.string().optional(),
  suite: z.string(),
  target: z.string().optional(),
  status: z.string(),
  startedAt: z.string(),
  durationMs: z.number().optional(),
  summary: z.looseObject({ total: z.number() }),
  cases: z.array(CaseShape),
});

const FIELDS = new Set(['schemaVersion', 'runId', 'suite', 'target', 'status', 'startedAt', 'durationMs', 'summary', 'cases', 'id', 'name', 'steps', 'total']);

export interface ReadReport {
  /** The report.json file, as the user would name it. */
  file: string;
  report: RunReport;
}

/** `path` is a report.json or a run folder holding one. `what` names the argument in messages (e.g. `--baseline`). */
export async function readReport(path: string, what: string): Promise<ReadReport> {
  const file = await reportFile(path, what);
  const shown = displayPath(file);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError('LAB_REPORT_INVALID', `${what} ${shown}: expected report.json as lab writes it, found text that is not JSON (${(error as Error).message}). Fix: point at a finished run's report.json.`);
  }
  const parsed = ReportShape.safeParse(data);
  if (!parsed.success) {
    const issues = explainIssues(parsed.error.issues, data, FIELDS).slice(0, 5);
    const lines = issues.map((i) => `${what} ${shown}: ${formatPath(i.key ? [...i.path, i.key] : i.path) || '(top level)'}: ${i.message}`);
    throw new UsageError('LAB_REPORT_INVALID', `${lines.join('\n')}\nFix: point at a report.json written by \`lab run\`.`);
  }
  if (parsed.data.schemaVersion > REPORT_SCHEMA_VERSION) {
    throw new UsageError('LAB_REPORT_TOO_NEW', `${what} ${shown}: schemaVersion ${parsed.data.schemaVersion} is newer than this lab reads (${REPORT_SCHEMA_VERSION}). Fix: update lab.`);
  }
  const report = parsed.data as unknown as RunReport;
  report.summary = { ...emptySummary(), ...report.summary };
  for (const c of report.cases) c.steps ??= [];
  return { file: shown, report };
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
