import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { ConfigFormat } from '../config-file/config-format.js';
import { FileIssuesError } from '../config-file/file-issue.js';
import { loadJsonFile } from '../config-file/load-config-file.js';
import { UsageError } from '../errors/lab-error.js';
import { writeFileAtomic } from '../files/atomic-file.js';
import { PLAIN_FOLDER_NAME } from '../files/folder-name.js';

/** A run id names folders (the run's Wine prefixes, reports/<run-id>): one path component, never `.` or `..`. */
export const RunId = z.string().regex(PLAIN_FOLDER_NAME, 'a run id of letters, digits, `_`, `.` and `-`, starting with a letter or digit (one folder name)');

const path = z.string().min(1).max(4096);
const RecordedFlags = z.strictObject({
  target: z.string().min(1).max(200),
  driver: path.optional(),
  client: path.optional(),
  out: path.optional(),
  filter: z.array(z.string().max(4096)).max(1000).optional(),
  timeoutCase: z.number().int().positive().optional(),
  reporter: z.array(z.string().max(40)).max(20).optional(),
  keep: z.boolean().optional(),
  deadline: z.number().int().positive().optional(),
  repeatFailures: z.number().int().positive().optional(),
  baseline: path.optional(),
  waivers: path.optional(),
  allowNewFailures: z.boolean().optional(),
  workers: z.number().int().positive().max(64).optional(),
  shard: z.string().max(40).optional(),
});

const RunRecordSchema = z.strictObject({
  version: z.literal(1),
  runId: RunId,
  /** Absolute path of the suite file. */
  suiteFile: path,
  /** The flags as given (paths made absolute). */
  flags: RecordedFlags,
  startedAt: z.string().max(40),
});

/**
 * run.json: what a run was asked to do (the suite, the flags, the run id), written before anything runs,
 * so `lab run --resume <dir>` can finish exactly that run after an interruption or a killed orchestrator.
 * It is read back as untrusted input: every field is checked, the run id above all, since it names
 * folders lab makes and removes.
 */
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const RUN_RECORD = 'run.json';

export async function writeRunRecord(outDir: string, record: RunRecord): Promise<void> {
  writeFileAtomic(join(outDir, RUN_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

const RUN_RECORD_FILE: ConfigFormat<RunRecord> = {
  noun: `${RUN_RECORD} as lab writes it`,
  maxBytes: 1024 * 1024,
  maxDepth: 16,
  topLevel: 'a JSON object',
  schema: RunRecordSchema,
  hints: () => ({ fields: new Set([...Object.keys(RunRecordSchema.shape), ...Object.keys(RecordedFlags.shape)]) }),
  invalid: (issues, context) => new FileIssuesError('LAB_RESUME_BAD_RECORD', issues, context),
  missing: (file) =>
    new UsageError(
      'LAB_RESUME_NOTHING',
      `--resume ${dirname(file)}: expected a run folder holding ${RUN_RECORD}, found none. Fix: pass the --out folder of the run to finish.`,
    ),
  fix: `this is not a ${RUN_RECORD} lab wrote; start a new run.`,
};

export async function readRunRecord(outDir: string): Promise<RunRecord> {
  return (await loadJsonFile(join(outDir, RUN_RECORD), RUN_RECORD_FILE, { argument: '--resume' })).value;
}
