/**
 * One fuzz run: search (explore.ts) until the budget is spent, shrink each distinct sighting to the
 * smallest case that still shows it and confirm findings.yaml by running it (shrink-findings.ts), then
 * fuzz.json and fuzz.html. Everything is written whatever happened (an interruption, a harness fault); the
 * exit code is 1 with a finding, 0 when the budget ran out clean, 3 when lab or the target could not run,
 * 130 on Ctrl-C.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { LabError, UsageError } from '../errors/lab-error.js';
import { boundedAppender } from '../files/bounded-append.js';
import { writeFileAtomic } from '../files/atomic-file.js';
import { ReporterMultiplexer } from '../reporters/multiplexer.js';
import { fileFacts } from '../run/file-facts.js';
import { PhaseClock } from '../run/phase-clock.js';
import type { ExpandedSuite } from '../suite/case.js';
import type { LoadedSuite } from '../suite/load-suite.js';
import type { Target } from '../targets/target.js';
import type { Blame } from '../verdict/case-result.js';
import { Coverage } from './coverage.js';
import { explore, type Budget } from './explore.js';
import { ACCESS_NAMES, codeParts, METHOD_NAMES, totalCalls } from './fuzz-op.js';
import { renderFuzzPage } from './fuzz-page.js';
import type { FuzzProgress } from './fuzz-progress.js';
import { FUZZ_SCHEMA_VERSION, type Chunk, type FindingReport, type FuzzReport, type SightingReport, type TargetStop } from './fuzz-report.js';
import { FuzzWorker } from './fuzz-sessions.js';
import { fuzzSpace, type SpaceOptions } from './fuzz-space.js';
import { BAD_POINTERS_STOP_SHORT, fuzzPlan, planDigest, type GenerateOptions } from './generate.js';
import { shrinkFindings, type SeenSighting } from './shrink-findings.js';
import { sightingsOf } from './sighting.js';

export interface FuzzInput {
  suite: ExpandedSuite;
  loaded: LoadedSuite;
  /** One target per worker; disposed of here once the search and the shrinking are done. */
  targets: Target[];
  runId: string;
  outDir: string;
  guestRunner: string;
  seed: number;
  budget: Budget;
  /** The budget as the user wrote it, for the report. */
  budgetText: string;
  hangMs: number;
  /** Time for shrinking and confirming every finding, after the search. */
  shrinkMs: number;
  generate: GenerateOptions;
  space: SpaceOptions;
  replay?: { from: string; chunks: Chunk[]; planDigest: string };
  /** Ctrl-C. */
  signal: AbortSignal;
  progress: FuzzProgress;
  /** suite.schema.json relative to the output folder, for editors opening findings.yaml. */
  schemaPath?: string;
}

export interface FuzzOutcome {
  report: FuzzReport;
  exitCode: 0 | 1 | 2 | 3 | 130;
}

/** The guest runner's own lines are kept up to this size (a driver returning megabytes per call fills it fast). */
const GUEST_OUTPUT_CAP = 64 * 1024 * 1024;
/** Batches before a sighting's own that a shrink may replay when the batch alone does not show it. */
const HISTORY_CAP = 64;

/** Why nothing was fuzzed, by whose fault the driver did not load. */
const NO_LOAD: Record<Blame, string> = {
  product: "the driver did not load (the driver's fault)",
  test: 'the driver image is not one a target loads (the --driver or the suite is wrong)',
  harness: "the driver could not be loaded on the target (lab's or the target's fault)",
  target: 'the target cannot run this driver (a gap of the target)',
};

export async function runFuzz(input: FuzzInput): Promise<FuzzOutcome> {
  const { suite, progress, outDir } = input;
  await mkdir(outDir, { recursive: true });
  const started = Date.now();
  const clock = new PhaseClock();
  const space = fuzzSpace(suite, input.loaded.raw, input.space);
  const plan = fuzzPlan(input.seed, space, input.generate);
  const digest = planDigest(plan);
  if (input.replay && input.replay.planDigest !== digest) {
    throw new UsageError(
      'LAB_REPLAY',
      `--replay ${input.replay.from}: that run's calls came from another suite, other options or another version of lab fuzz ` +
        `(its plan digest ${input.replay.planDigest.slice(0, 12)}, this one ${digest.slice(0, 12)}), so they cannot be sent again byte for byte. ` +
        `Fix: replay with the suite file and lab that made it.`,
    );
  }
  const warnings: string[] = [];
  const faults: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    progress.line(`lab fuzz: warning: ${message}`);
  };
  const reporters = new ReporterMultiplexer([progress.reporter(warn)]);
  const guestOutput = boundedAppender(join(outDir, 'guest-output.jsonl'), GUEST_OUTPUT_CAP);
  const workers = input.targets.map(
    (target, i) =>
      new FuzzWorker({
        suite,
        target,
        outDir,
        fileTag: i === 0 ? '' : `.worker-${i + 1}`,
        guestRunner: input.guestRunner,
        signal: input.signal,
        clock,
        reporters,
        warn,
        fault: (message) => {
          faults.push(message);
          warn(`driver fault outside any call: ${message}`);
        },
        onGuestLine: guestOutput.write,
      }),
  );

  const coverage = new Coverage();
  const seen = new Map<string, SeenSighting>();
  const targetStops = new Map<string, TargetStop>();
  const image = basename(suite.driver.image);
  const batchErrors = new Set<string>();
  let calls = 0;
  let batches = 0;
  let failure: Error | undefined;
  let chunks: Chunk[] = [];
  let exploreMs = 0;
  let loadBlame: Blame | undefined;
  const findings: FindingReport[] = [];
  const notReproduced: SightingReport[] = [];

  try {
    progress.line(
      `lab fuzz: ${suite.name} (${suite.driver.image}) on ${input.targets[0]!.name}` +
        `${input.targets.length > 1 ? ` ×${input.targets.length}` : ''}` +
        `, seed ${plan.seed}, budget ${input.budgetText}${input.replay ? `, replaying ${input.replay.from}` : ''}`,
    );
    progress.line(
      `lab fuzz: ${space.named.length} named IOCTLs, ${plan.sweep.length} codes to sweep, ${space.corpus.length} calls from the suite, lengths up to ${space.maxLength}`,
    );
    const noPointers = BAD_POINTERS_STOP_SHORT[input.targets[0]!.kind];
    if (!plan.badPointers && noPointers) progress.line(`lab fuzz: no bad pointers on ${input.targets[0]!.name}: ${noPointers}`);
    progress.searchBegan(input.budget.kind === 'time' ? input.budget.ms : undefined);
    const searchStart = Date.now();
    const explored = await explore({
      plan,
      workers,
      budget: input.budget,
      ...(input.replay ? { replay: input.replay.chunks } : {}),
      hangMs: input.hangMs,
      onResult(batch, result, worker, history) {
        batches += 1;
        const finished = result.status === 'passed' || result.status === 'failed';
        if (finished) {
          calls += totalCalls(batch.ops);
          coverage.addBatch(batch.ops, result.steps);
        }
        // A batch lab or the target could not run is said once per reason; a driver that did not load has
        // said why already, in a warning every batch's result repeats.
        if (result.status === 'error' && (result.blame === 'harness' || result.blame === 'test')) {
          const why = result.message.split('\n')[0]!.replace(/^not run: /, '');
          if (!batchErrors.has(why) && !warnings.some((w) => w.includes(why)))
            warn(`batch ${batch.index}: ${why} (lab's or the target's fault, not the driver's; said once)`);
          batchErrors.add(why);
        }
        for (const sighting of sightingsOf(result, image)) {
          if (sighting.targetOwn) {
            // The target's own stop: said once, listed in the report, never shrunk into a case.
            const known = targetStops.get(sighting.key);
            if (known) known.seen += 1;
            else {
              targetStops.set(sighting.key, {
                kind: sighting.kind,
                summary: sighting.summary,
                why: sighting.targetOwn,
                first: { batch: batch.index, worker, atMs: Date.now() - searchStart, afterCalls: calls },
                seen: 1,
                ...(sighting.evidence ? { evidence: sighting.evidence } : {}),
              });
              progress.line(`  ! not the driver's: ${sighting.targetOwn} (batch ${batch.index}): ${sighting.summary.split('\n')[0]}`);
            }
            continue;
          }
          const known = seen.get(sighting.key);
          if (known) {
            known.count += 1;
            continue;
          }
          seen.set(sighting.key, {
            sighting,
            batch: batch.index,
            worker,
            atMs: Date.now() - searchStart,
            afterCalls: calls,
            count: 1,
            history: history.slice(-HISTORY_CAP),
          });
          progress.line(
            `  ✗ ${sighting.kind}: ${sighting.summary.split('\n')[0]} (batch ${batch.index}, ${((Date.now() - searchStart) / 1000).toFixed(1)} s in)`,
          );
        }
        progress.update(calls, coverage.codeCount, seen.size);
      },
    });
    progress.searchEnded();
    chunks = explored.chunks;
    exploreMs = explored.durationMs;
    loadBlame = explored.loadBlame;

    if (!loadBlame && !input.signal.aborted && seen.size > 0) {
      const shrunk = await clock.time('shrink', () =>
        shrinkFindings(
          {
            suite,
            raw: input.loaded.raw,
            plan,
            worker: workers[0]!,
            outDir,
            ...(input.schemaPath ? { schemaPath: input.schemaPath } : {}),
            hangMs: input.hangMs,
            shrinkMs: input.shrinkMs,
            signal: input.signal,
            progress,
          },
          seen.values(),
        ),
      );
      findings.push(...shrunk.findings);
      notReproduced.push(...shrunk.notReproduced);
    }
  } catch (error) {
    progress.searchEnded();
    if (!input.signal.aborted) failure = error as Error;
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await guestOutput.close();
  }

  const interrupted = input.signal.aborted;
  // The targets are done with: they tear down (Wine's processes, the prefixes) while the reports are written.
  const teardown = Promise.all(input.targets.map((t) => t.dispose().catch((error: Error) => warnings.push(`tearing down ${t.name} failed: ${error.message}`))));
  const driverFacts = await fileFacts(suite.driver.image);
  const crashOnce = notReproduced.some((s) => s.kind === 'crash');
  const status: FuzzReport['status'] = interrupted
    ? 'interrupted'
    : failure || loadBlame
      ? 'error'
      : findings.length || crashOnce || faults.length
        ? 'findings'
        : 'clean';
  const names = space.names;
  const report: FuzzReport = {
    schemaVersion: FUZZ_SCHEMA_VERSION,
    kind: 'lab-fuzz',
    runId: input.runId,
    suite: suite.name,
    suiteFile: suite.file,
    driver: { path: suite.driver.image, sha256: driverFacts.sha256, signed: driverFacts.signed },
    target: input.targets[0]!.name,
    targetKind: input.targets[0]!.kind,
    targetInfo: input.targets[0]!.describe(),
    seed: plan.seed,
    planDigest: digest,
    ...(input.replay ? { replayOf: input.replay.from } : {}),
    options: {
      budget: input.budgetText,
      workers: input.targets.length,
      hangMs: input.hangMs,
      batchCalls: plan.batchCalls,
      threads: plan.threads,
      badPointers: plan.badPointers,
      functions: space.functions.map(([a, b]) => `${hex3(a)}-${hex3(b)}`),
      deviceTypes: space.deviceTypes.map((d) => `0x${d.toString(16).toUpperCase()}`),
      maxLength: space.maxLength,
    },
    status,
    ...(failure
      ? { error: { code: failure instanceof LabError ? failure.code : 'LAB_INTERNAL', message: failure.message } }
      : loadBlame
        ? { error: { code: 'LAB_FUZZ_NO_LOAD', message: `${NO_LOAD[loadBlame]}; nothing was fuzzed (see the warning above)` } }
        : {}),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    exploration: {
      batches,
      calls,
      callsPerSecond: exploreMs > 0 ? Math.round((calls / exploreMs) * 1000) : 0,
      codes: coverage.codeCount,
      durationMs: exploreMs,
      chunks,
    },
    findings,
    notReproduced,
    targetStops: [...targetStops.values()],
    coverage: coverage.table().map((row) => {
      const p = codeParts(row.code);
      const name = names.get(row.code);
      return {
        ...row,
        ...(name ? { name } : {}),
        deviceType: p.deviceType,
        function: p.function,
        method: METHOD_NAMES[p.method]!,
        access: ACCESS_NAMES[p.access]!,
      };
    }),
    warnings,
    faults,
    timings: { ...clock.timings(), explore: exploreMs },
  };
  writeFileAtomic(join(outDir, 'fuzz.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(outDir, 'fuzz.html'), renderFuzzPage(report));
  summary(progress, report, outDir);
  await teardown;
  // As lab run: the driver's or the suite's fault is 1; the harness's, or a target that cannot run the driver, 3.
  const exitCode = interrupted
    ? 130
    : failure
      ? failure instanceof LabError
        ? failure.exitCode
        : 3
      : loadBlame
        ? loadBlame === 'harness' || loadBlame === 'target'
          ? 3
          : 1
        : status === 'findings'
          ? 1
          : 0;
  return { report, exitCode };

  function hex3(n: number): string {
    return `0x${n.toString(16).toUpperCase().padStart(3, '0')}`;
  }
}

function summary(progress: FuzzProgress, report: FuzzReport, outDir: string): void {
  const e = report.exploration;
  progress.line(
    `lab fuzz: ${report.status.toUpperCase()}: ${e.calls.toLocaleString('en')} calls in ${(e.durationMs / 1000).toFixed(1)} s ` +
      `(${e.callsPerSecond.toLocaleString('en')}/s), ` +
      `${e.codes.toLocaleString('en')} codes, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}` +
      `${report.notReproduced.length ? `, ${report.notReproduced.length} seen once and not reproduced` : ''}` +
      `${report.targetStops.length ? `, ${report.targetStops.length} stop${report.targetStops.length === 1 ? '' : 's'} of the target's own` : ''}` +
      `; seed ${report.seed}`,
  );
  if (report.error) progress.line(`lab fuzz: ${report.error.message}`);
  for (const f of report.findings)
    progress.line(
      `  ${f.id} ${f.kind}${f.site ? ` at ${f.site}` : ''}: ${f.minimized.calls} call${f.minimized.calls === 1 ? '' : 's'}${f.confirmed ? '' : ' (NOT confirmed)'}`,
    );
  progress.line(`reports: ${outDir}/fuzz.html (fuzz.json${report.findings.length ? ', findings.yaml' : ''})`);
}
