/**
 * `--replay <dir>`: the earlier run's fuzz.json, read bounded and checked, gives what makes its calls
 * (seed, generation options, the digest of the suite's share) and which batches ran in which session.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors/lab-error.js';
import { BoundedJsonError, parseBoundedJson, readBoundedText } from '../files/bounded-json.js';
import type { Chunk } from './fuzz-report.js';

const MAX_BYTES = 256 * 1024 * 1024;
const MAX_DEPTH = 64;

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
  exploration: z.object({ chunks: z.array(z.object({ worker: z.number().int().min(0), batches: z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)) })) }),
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

export async function readReplayRecord(dir: string): Promise<ReplayRecord> {
  const file = join(dir, 'fuzz.json');
  let data: unknown;
  try {
    data = parseBoundedJson(await readBoundedText(file, MAX_BYTES), MAX_DEPTH);
  } catch (error) {
    const why = error instanceof BoundedJsonError || error instanceof SyntaxError ? (error as Error).message : `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    throw new UsageError('LAB_REPLAY', `--replay ${dir}: ${file} ${why}. Fix: give the --out folder of an earlier lab fuzz run.`);
  }
  const parsed = RecordSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError('LAB_REPLAY', `--replay ${dir}: ${file} is not a lab fuzz record: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const r = parsed.data;
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
