import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors/lab-error.js';

/**
 * run.json: what a run was asked to do (the suite, the flags, the run id), written before anything runs,
 * so `lab run --resume <dir>` can finish exactly that run after an interruption or a killed orchestrator.
 */
export interface RunRecord {
  version: 1;
  runId: string;
  /** Absolute path of the suite file. */
  suiteFile: string;
  /** The flags as given (paths made absolute). */
  flags: Record<string, unknown>;
  startedAt: string;
}

export const RUN_RECORD = 'run.json';

export async function writeRunRecord(outDir: string, record: RunRecord): Promise<void> {
  await writeFile(join(outDir, RUN_RECORD), `${JSON.stringify(record, null, 2)}\n`);
}

export async function readRunRecord(outDir: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(join(outDir, RUN_RECORD), 'utf8');
  } catch {
    throw new UsageError('LAB_RESUME_NOTHING', `--resume ${outDir}: expected a run folder holding ${RUN_RECORD}, found none. Fix: pass the --out folder of the run to finish.`);
  }
  try {
    const record = JSON.parse(text) as RunRecord;
    if (record.version !== 1 || typeof record.runId !== 'string' || typeof record.suiteFile !== 'string') throw new Error('unexpected fields');
    return record;
  } catch (error) {
    throw new UsageError('LAB_RESUME_BAD_RECORD', `--resume ${outDir}: ${RUN_RECORD} is not one lab wrote (${(error as Error).message}). Fix: start a new run.`);
  }
}
