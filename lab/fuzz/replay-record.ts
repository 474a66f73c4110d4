/**
 * `--replay <dir>`: the earlier run's fuzz.json, read bounded and checked, gives what makes its calls
 * (seed, generation options, the digest of the suite's share) and which batches ran in which session.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { ConfigFormat } from '../config-file/config-format.js';
import { FileIssuesError } from '../config-file/file-issue.js';
import { loadJsonFile } from '../config-file/load-config-file.js';
import { UsageError } from '../errors/lab-error.js';
import type { Chunk } from './fuzz-report.js';

const RecordSchema = z.object({
  kind: z.literal('lab-fuzz'),
  seed: z.number().int().min(0).max(0xffffffff),
  planDigest: z.string().regex(/^[0-9a-f]{64}$/),
  options: z.object({
    hangMs: z.number().int().positive(),
    batchCalls: z.number().int().min(8),
    threads: z.boolean(),
    badPointers: z.boolean(),
    functions: z.array(z.string().regex(/^0x[0-9A-F]{3}-0x[0-9A-F]{3}$/)),
    deviceTypes: z.array(z.string().regex(/^0x[0-9A-F]{1,4}$/)),
    maxLength: z.number().int().min(0),
    workers: z.number().int().min(1),
  }),
  exploration: z.object({
    chunks: z.array(z.object({ worker: z.number().int().min(0), batches: z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)) })),
  }),
});

export interface ReplayRecord {
  from: string;
  seed: number;
  planDigest: string;
  hangMs: number;
  batchCalls: number;
  threads: boolean;
  badPointers: boolean;
  functions: Array<[number, number]>;
  deviceTypes: number[];
  maxLength: number;
  workers: number;
  chunks: Chunk[];
}

type RawRecord = z.infer<typeof RecordSchema>;

/** fuzz.json holds every finding's evidence and the coverage table: as large as a report.json may be. */
const FUZZ_RECORD_FILE: ConfigFormat<RawRecord> = {
  noun: 'fuzz.json as lab fuzz writes it',
  maxBytes: 256 * 1024 * 1024,
  maxDepth: 64,
  topLevel: 'a JSON object',
  schema: RecordSchema,
  hints: () => ({ fields: new Set([...Object.keys(RecordSchema.shape), ...Object.keys(RecordSchema.shape.options.shape), 'chunks', 'worker', 'batches']) }),
  invalid: (issues, context) => new FileIssuesError('LAB_REPLAY', issues, context),
  missing: (file, cause, argument) =>
    new UsageError('LAB_REPLAY', `${argument} ${file} cannot be read (${cause.code}). Fix: give the --out folder of an earlier lab fuzz run.`),
  fix: 'give the --out folder of an earlier lab fuzz run.',
};

export async function readReplayRecord(dir: string): Promise<ReplayRecord> {
  const { value: r } = await loadJsonFile(join(dir, 'fuzz.json'), FUZZ_RECORD_FILE, { argument: '--replay' });
  return {
    from: dir,
    seed: r.seed,
    planDigest: r.planDigest,
    hangMs: r.options.hangMs,
    batchCalls: r.options.batchCalls,
    threads: r.options.threads,
    badPointers: r.options.badPointers,
    functions: r.options.functions.map((f) => f.split('-').map(Number) as [number, number]),
    deviceTypes: r.options.deviceTypes.map(Number),
    maxLength: r.options.maxLength,
    workers: r.options.workers,
    chunks: r.exploration.chunks,
  };
}
