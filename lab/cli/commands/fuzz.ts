import { randomBytes } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../../errors/lab-error.js';
import { claimRunFolder } from '../../files/run-folder.js';
import { budgetText, parseBudget, parseDuration, parseRanges, parseSeed } from '../../fuzz/fuzz-flags.js';
import { FuzzProgress } from '../../fuzz/fuzz-progress.js';
import { readReplayRecord } from '../../fuzz/replay-record.js';
import { runFuzz } from '../../fuzz/run-fuzz.js';
import { BAD_POINTERS_STOP_SHORT } from '../../fuzz/generate.js';
import { GUEST_LIMITS } from '../../runner-limits/limits.js';
import { newRunId } from '../../run/run-id.js';
import { createTarget } from '../../targets/create-target.js';
import type { Target } from '../../targets/target.js';
import { requireDeployFiles } from '../deploy-files.js';
import { loadSuiteCases } from '../load-cases.js';
import { buildDir, packageRoot } from '../../package-root/package-root.js';
import { interruptSignal } from '../signals.js';

export interface FuzzFlags {
  target: string;
  driver?: string;
  seed?: string;
  budget: string;
  workers?: number;
  out?: string;
  replay?: string;
  hangMs?: number;
  shrinkTime: string;
  functions?: string;
  deviceTypes?: string;
  maxLength?: number;
  batchCalls?: number;
  threads: boolean;
  keep?: boolean;
}

/** Flags that decide which calls are made: a replay takes them from the run it replays. */
const GENERATION_FLAGS = ['functions', 'deviceTypes', 'maxLength', 'batchCalls', 'hangMs'] as const;

/**
 * `lab fuzz <suite>`: calls the suite never thought of, against its driver, until the budget is spent;
 * every crash, hang or broken rule shrunk to a case in findings.yaml. Exit 1 with a finding, 0 when clean.
 */
export async function fuzzCommand(suiteFile: string, flags: FuzzFlags): Promise<void> {
  const budget = parseBudget(flags.budget);
  const shrinkMs = parseDuration('--shrink-time', flags.shrinkTime);
  const replay = flags.replay ? await readReplayRecord(resolve(flags.replay)) : undefined;
  if (replay) {
    const given = GENERATION_FLAGS.filter((f) => flags[f] !== undefined);
    const drop = [...given.map((f) => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`), ...(flags.threads ? [] : ['--no-threads'])];
    if (given.length || !flags.threads)
      throw new UsageError('LAB_USAGE', `--replay sends the calls of ${flags.replay} again, with the options it had; drop ${drop.join(' ')}`);
    if (flags.seed !== undefined && parseSeed(flags.seed) !== replay.seed)
      throw new UsageError(
        'LAB_USAGE',
        `--seed ${flags.seed}: ${flags.replay} ran with seed ${replay.seed}; a replay sends the calls of that seed (drop --seed, or give ${replay.seed})`,
      );
    if ((flags.workers ?? 1) !== replay.workers)
      throw new UsageError(
        'LAB_USAGE',
        `--workers ${flags.workers ?? 1}: ${flags.replay} ran on ${replay.workers} worker(s); a replay runs the same sessions on as many (give --workers ${replay.workers})`,
      );
  }
  const seed = replay?.seed ?? (flags.seed !== undefined ? parseSeed(flags.seed) : randomBytes(4).readUInt32BE(0));
  const targetRef = await createTarget.resolve(flags.target);
  const workers = flags.workers ?? 1;
  if (workers > 1 && targetRef.exclusiveMachine) {
    throw new UsageError(
      'LAB_WORKERS_ONE_MACHINE',
      `--workers ${workers}: ${targetRef.name} is one machine (${targetRef.kind}); two workers would share its driver service and folder. Fix: use --workers on Wine.`,
    );
  }
  const { loaded, suite: given } = await loadSuiteCases(suiteFile, { target: targetRef, ...(flags.driver ? { driver: flags.driver } : {}) });
  // The suite's client and files are deployed as lab run deploys them (a driver may read a file beside it).
  const { suite, guestRunner } = await requireDeployFiles(given, targetRef, flags);
  if (flags.maxLength !== undefined && flags.maxLength > GUEST_LIMITS.maxBufferLength)
    throw new UsageError('LAB_USAGE', `--max-length ${flags.maxLength}: the guest runner takes buffers of at most ${GUEST_LIMITS.maxBufferLength} bytes`);

  const runId = newRunId(`${suite.name}-fuzz`, flags.target);
  const outDir = resolve(flags.out ?? join('reports', runId));
  const folder = claimRunFolder(outDir, { what: '--out', fix: 'give a new --out folder, or delete this one.' });
  const targets: Target[] = [];
  const interrupt = interruptSignal(() => targets.forEach((t) => t.killNow?.()));
  try {
    for (let i = 0; i < workers; i++)
      targets.push(
        createTarget(targetRef, {
          runId: i === 0 ? runId : `${runId}-w${i + 1}`,
          keep: Boolean(flags.keep),
          toolsDir: buildDir(),
          ...(i === 0 ? { onProgress: (line: string) => process.stderr.write(`lab: ${line}\n`) } : {}),
        }),
      );
    const { exitCode } = await runFuzz({
      suite,
      loaded,
      targets,
      runId,
      outDir,
      guestRunner,
      seed,
      budget,
      budgetText: budgetText(budget),
      hangMs: replay?.hangMs ?? flags.hangMs ?? 5000,
      shrinkMs,
      generate: {
        batchCalls: replay?.batchCalls ?? flags.batchCalls,
        threads: replay?.threads ?? flags.threads,
        badPointers: replay?.badPointers ?? !BAD_POINTERS_STOP_SHORT[targetRef.kind],
      },
      space: replay
        ? { functions: replay.functions, deviceTypes: replay.deviceTypes, maxLength: replay.maxLength }
        : {
            ...(flags.functions ? { functions: parseRanges('--functions', flags.functions, 0xfff) } : {}),
            ...(flags.deviceTypes ? { deviceTypes: deviceTypes(flags.deviceTypes) } : {}),
            ...(flags.maxLength !== undefined ? { maxLength: flags.maxLength } : {}),
          },
      ...(replay ? { replay: { from: relative(process.cwd(), replay.from) || replay.from, chunks: replay.chunks, planDigest: replay.planDigest } } : {}),
      signal: interrupt.signal,
      progress: FuzzProgress.forStdout(),
      schemaPath: relative(outDir, join(packageRoot(), 'lab', 'suite', 'suite.schema.json')),
    });
    process.exitCode = exitCode;
  } finally {
    await Promise.all(targets.map((t) => t.dispose()));
    interrupt.dispose();
    folder.release();
  }
}

/** At most 256 device types: each is swept over every function, method and access. */
function deviceTypes(text: string): number[] {
  const list = parseRanges('--device-types', text, 0xffff).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
  if (list.length > 256)
    throw new UsageError(
      'LAB_USAGE',
      `--device-types ${text}: ${list.length} device types; at most 256 (each is swept over every function, method and access)`,
    );
  return [...new Set(list)];
}
