import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError, UsageError, type ErrorCode } from '../errors/lab-error.js';
import { DebugStream } from '../logs/debug-stream.js';
import { ResultsStore } from '../report/results-store.js';
import { REPORT_SCHEMA_VERSION, type RunHeader } from '../report/run-report.js';
import { ReporterMultiplexer } from '../reporters/multiplexer.js';
import type { Reporter } from '../reporters/reporter.js';
import type { Case, ExpandedSuite } from '../suite/case.js';
import type { Target } from '../targets/target.js';
import type { CaseResult } from '../verdict/case-result.js';
import { skippedCase, unfinishedCase } from '../verdict/judge-case.js';
import { fileFacts } from './file-facts.js';
import { labVersion } from './lab-version.js';
import { PhaseClock } from './phase-clock.js';
import { rerunFailures } from './rerun-failures.js';
import { matchFinishedResults } from './resume-results.js';
import { withRetry } from './retry.js';
import { runOutcomeOf, withLostReports, type StatusAndBlame } from './run-outcome.js';
import { HARNESS_RETRY, runSessions, type SessionsInput } from './run-sessions.js';

export interface RunInput {
  suite: ExpandedSuite;
  /** Cases to run (already filtered and sharded), in order. */
  cases: Case[];
  target: Target;
  runId: string;
  outDir: string;
  /** Local path of the guest runner (driver/build/lab-guest.exe). */
  guestRunner: string;
  reporters: Reporter[];
  /** Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** Independent targets running disjoint cases at once; `makeTarget` makes workers 2..n. */
  workers?: number;
  makeTarget?: (worker: number) => Target;
  /** The whole run's budget; cases it leaves unrun are `error` (harness), never driver failures. */
  deadlineMs?: number;
  /** Rerun the driver's failures this many times on a clean target; a pass makes the case `flaky`. */
  repeatFailures?: number;
  /** Continue a run in outDir: cases already in its results.jsonl are kept, not run again. */
  resume?: boolean;
  /** Bounds on loading and unloading the driver (60 s and 30 s unless set). */
  sessionTimeouts?: { loadMs?: number; unloadMs?: number };
  /** What the user asked for, recorded in report.json. */
  options: Record<string, unknown>;
}

export interface RunOutcome {
  header: RunHeader;
  /** 2 when the suite asked for something lab refuses once the target was there (a guest path leading outside it). */
  exitCode: 0 | 1 | 2 | 3 | 130;
}

/**
 * One run of a suite on one target: prepare, deploy, sessions (reverting after a crash or hang), reruns,
 * collect, report. Every finished case is in results.jsonl before the next is judged, and the reports are
 * written whatever happened: a crash, a hang, a dead harness, the deadline, Ctrl-C.
 */
export async function runSuite(input: RunInput): Promise<RunOutcome> {
  const { target, suite, outDir } = input;
  await mkdir(outDir, { recursive: true });
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  const clock = new PhaseClock();
  const reporters = new ReporterMultiplexer(input.reporters);
  const store = new ResultsStore(join(outDir, 'results.jsonl'));

  const deadline = input.deadlineMs ? AbortSignal.timeout(input.deadlineMs) : undefined;
  const signal = deadline ? AbortSignal.any([input.signal, deadline]) : input.signal;
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    reporters.onWarning(message);
  };
  const faults: string[] = [];
  const fault = (message: string) => {
    faults.push(message);
    warn(`driver fault outside any case: ${message}`);
  };
  // The latest verdict of every case, by index: the summary and the exit code come from here, without
  // reading results.jsonl back.
  const verdicts = new Map<number, StatusAndBlame>();
  const record = async (result: CaseResult) => {
    verdicts.set(result.index, { status: result.status, ...(result.blame ? { blame: result.blame } : {}) });
    await store.append(result);
    await reporters.onCaseEnd(result);
  };

  await reporters.onBegin({ runId: input.runId, suite: suite.name, target: target.name, outDir, total: input.cases.length });
  if (input.resume) await matchFinishedResults(store.path, input.cases, warn);
  const finished = input.resume ? await replayFinished(store.path, input.cases, reporters, verdicts) : new Set<string>();
  const runnable: Case[] = [];
  for (const c of input.cases) {
    if (finished.has(c.id)) continue;
    if (c.skip) await record(skippedCase(c, c.skip));
    else runnable.push(c);
  }

  let failure: Error | undefined;
  const workers = workerTools(input, runnable.length, { signal, clock, reporters, record, warn, fault });
  try {
    if (runnable.length > 0 && !signal.aborted) {
      // Each worker gets every n-th case: a partition that does not depend on timing, so a run with n
      // workers gives each case the same neighbours every time.
      // Every worker finishes (or is stopped) before the first failure is raised: none may still be
      // writing results when the store closes.
      const settled = await Promise.allSettled(
        workers.map((w, i) =>
          runWorker(
            w,
            runnable.filter((_, k) => k % workers.length === i),
          ),
        ),
      );
      const rejected = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (rejected) throw rejected.reason;
      if (!settled.some((r) => r.status === 'fulfilled' && r.value) && input.repeatFailures) {
        await rerunFailures(workers[0]!, runnable, await failuresOf(store.path, runnable), input.repeatFailures);
      }
    }
  } catch (error) {
    if (!signal.aborted) failure = error as Error;
  }
  const interrupted = input.signal.aborted;
  const pastDeadline = !interrupted && Boolean(deadline?.aborted);

  // The targets are done with: let them tear down (Wine's processes, the prefixes) while the reports are written.
  const teardown = Promise.all(workers.map((w) => w.target.dispose().catch((error: Error) => warn(`tearing down ${w.target.name} failed: ${error.message}`))));

  // Every case without a result gets one, so the report accounts for the whole suite (an interrupted run
  // keeps the unfinished ones open for --resume).
  if (!interrupted) {
    const why = failure
      ? `not run: ${failure.message}`
      : pastDeadline
        ? `not run: the run's deadline of ${input.deadlineMs} ms passed`
        : 'not run: the run ended before this case';
    // A usage error (the suite asks for something lab refuses) is the test's fault, not the harness's.
    const blame = failure instanceof UsageError ? 'test' : 'harness';
    for (const c of runnable) if (!verdicts.has(c.index)) await record(unfinishedCase(c, 'error', why, blame));
  }
  await store.close();
  // dbgview.log that could not be written (a full disk) leaves the cases judged, and the run a harness failure.
  for (const closed of await Promise.allSettled(workers.map((w) => w.debug.close()))) {
    if (closed.status === 'fulfilled') continue;
    failure ??= closed.reason as Error;
    if (failure !== closed.reason) warn((closed.reason as Error).message);
  }

  const outcome = runOutcomeOf(verdicts.values(), { interrupted, harnessFailure: Boolean(failure), driverFaults: faults.length });
  const driverFacts = await fileFacts(suite.driver.image);
  const clientFacts = suite.client ? await fileFacts(suite.client) : undefined;
  const header: RunHeader = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: input.runId,
    suite: suite.name,
    suiteFile: suite.file,
    target: target.name,
    targetKind: target.kind,
    targetInfo: target.describe(),
    status: outcome.status,
    ...(failure ? { error: { code: failure instanceof LabError ? failure.code : ('LAB_INTERNAL' satisfies ErrorCode), message: failure.message } } : {}),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    driver: { path: suite.driver.image, sha256: driverFacts.sha256, signed: driverFacts.signed },
    ...(clientFacts && suite.client ? { client: { path: suite.client, sha256: clientFacts.sha256 } } : {}),
    summary: outcome.summary,
    timings: clock.timings(),
    warnings,
    lab: { version: labVersion(), node: process.version },
    resources: resourcesSince(cpuAtStart),
    options: input.options,
  };
  reporters.onPhase('report');
  const reportStartedAt = Date.now();
  // Ctrl-C while the reports are written: they are finished (every case has its result) but say
  // `interrupted` from the first one written after it; report.json is last.
  const markInterrupted = () => {
    if (input.signal.aborted) header.status = 'interrupted';
    header.resources = resourcesSince(cpuAtStart);
  };
  await reporters.onEnd({ header, outDir, reportStartedAt, cases: () => ResultsStore.read(store.path) }, markInterrupted);
  header.timings.report = Date.now() - reportStartedAt;
  await teardown;
  return { header, exitCode: input.signal.aborted ? 130 : failure instanceof UsageError ? 2 : withLostReports(outcome.exitCode, reporters) };
}

type Shared = Pick<SessionsInput, 'signal' | 'clock' | 'reporters' | 'record' | 'warn' | 'fault'>;

/** One set of tools per worker: its own target, debug stream and files; one store and one set of reporters. */
function workerTools(input: RunInput, cases: number, shared: Shared): SessionsInput[] {
  const count = Math.max(1, Math.min(input.workers ?? 1, cases));
  return Array.from({ length: count }, (_, i) => {
    const fileTag = i === 0 ? '' : `.worker-${i + 1}`;
    const target = i === 0 ? input.target : input.makeTarget!(i + 1);
    return {
      ...shared,
      suite: input.suite,
      target,
      outDir: input.outDir,
      fileTag,
      guestRunner: input.guestRunner,
      debug: new DebugStream(join(input.outDir, `dbgview${fileTag}.log`)),
      ...(input.sessionTimeouts ? { sessionTimeouts: input.sessionTimeouts } : {}),
    };
  });
}

async function runWorker(worker: SessionsInput, cases: Case[]): Promise<boolean> {
  const { target, signal, clock, reporters, warn } = worker;
  reporters.onPhase('prepare', target.name);
  await clock.time('prepare', () =>
    withRetry(() => target.prepare(signal), {
      ...HARNESS_RETRY,
      signal,
      onRetry: (n, e, ms) => warn(`preparing ${target.name} failed (attempt ${n}): ${e.message}; retrying in ${ms} ms`),
    }),
  );
  return (await runSessions(worker, cases)).stopped;
}

function resourcesSince(cpuAtStart: NodeJS.CpuUsage): { cpuMs: number; maxRssMb: number } {
  const cpu = process.cpuUsage(cpuAtStart);
  return { cpuMs: Math.round((cpu.user + cpu.system) / 1000), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

/** --resume: the cases results.jsonl already holds (matched by id) are reported again and not run again. */
async function replayFinished(path: string, cases: Case[], reporters: ReporterMultiplexer, verdicts: Map<number, StatusAndBlame>): Promise<Set<string>> {
  const known = new Map(cases.map((c) => [c.index, c.id]));
  const finished = new Set<string>();
  for await (const r of ResultsStore.read(path)) {
    if (known.get(r.index) !== r.id) continue;
    finished.add(r.id);
    verdicts.set(r.index, { status: r.status, ...(r.blame ? { blame: r.blame } : {}) });
    await reporters.onCaseEnd(r);
  }
  return finished;
}

async function failuresOf(path: string, cases: Case[]): Promise<Map<number, CaseResult>> {
  const wanted = new Set(cases.map((c) => c.index));
  const failing = new Map<number, CaseResult>();
  for await (const r of ResultsStore.read(path)) if (wanted.has(r.index) && r.status !== 'passed' && r.status !== 'skipped') failing.set(r.index, r);
  return failing;
}
