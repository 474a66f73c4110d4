import { appendFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HarnessError, LabError } from '../errors/lab-error.js';
import type { GuestPlanHeader } from '../guest/plan.js';
import { DebugStream } from '../logs/debug-stream.js';
import { ResultsStore } from '../report/results-store.js';
import { countStatus, emptySummary, REPORT_SCHEMA_VERSION, runStatusOf, type RunHeader } from '../report/run-report.js';
import { ReporterMultiplexer } from '../reporters/multiplexer.js';
import type { Reporter } from '../reporters/reporter.js';
import type { Case, ExpandedSuite } from '../suite/case.js';
import type { Target } from '../targets/target.js';
import type { Blame, CaseResult } from '../verdict/case-result.js';
import { unfinishedCase } from '../verdict/judge-case.js';
import { describeWin32Error } from '../verdict/win32-errors.js';
import { fileFacts } from './file-facts.js';
import { runGuestSession, type SessionOutcome } from './guest-session.js';
import { labVersion } from './lab-version.js';
import { PhaseClock } from './phase-clock.js';

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
  signal: AbortSignal;
  /** What the user asked for, recorded in report.json. */
  options: Record<string, unknown>;
}

export interface RunOutcome {
  header: RunHeader;
  exitCode: 0 | 1 | 3 | 130;
}

/** Win32 errors from loading a driver that point at the machine, not at the driver's code. */
const ENVIRONMENT_LOAD_ERRORS = new Set([2, 3, 5, 577, 1058, 1072, 1275]);

/**
 * One run of a suite on one target: prepare, deploy, run the guest session (and, after a crash or hang,
 * revert the target and go on with the cases left), collect, report. Every finished case is on disk in
 * results.jsonl before the next one is judged; the reports are written whatever happened.
 */
export async function runSuite(input: RunInput): Promise<RunOutcome> {
  const { target, suite, outDir, signal } = input;
  await mkdir(outDir, { recursive: true });
  const started = Date.now();
  const clock = new PhaseClock();
  const reporters = new ReporterMultiplexer(input.reporters);
  const store = new ResultsStore(join(outDir, 'results.jsonl'));
  const debug = new DebugStream(join(outDir, 'dbgview.log'));
  const summary = emptySummary();
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    reporters.onWarning(message);
  };
  const record = async (result: CaseResult) => {
    countStatus(summary, result.status);
    await store.append(result);
    await reporters.onCaseEnd(result);
  };

  await reporters.onBegin({ runId: input.runId, suite: suite.name, target: target.name, outDir, total: input.cases.length });
  const runnable: Case[] = [];
  for (const c of input.cases) {
    if (c.skip) await record({ ...unfinishedCase(c, 'skipped', c.skip) });
    else runnable.push(c);
  }

  let failure: { error: LabError | Error; blame: Blame } | undefined;
  let interrupted = signal.aborted;
  let loadBlame: Blame | undefined;
  try {
    if (runnable.length > 0 && !interrupted) {
      reporters.onPhase('prepare', target.name);
      await clock.time('prepare', () => target.prepare(signal));
      const outcome = await runCases(input, runnable, { clock, debug, reporters, record, warn });
      interrupted = outcome.interrupted;
      loadBlame = outcome.loadBlame;
    }
  } catch (error) {
    if (signal.aborted) interrupted = true;
    else failure = { error: error as Error, blame: 'harness' };
  }

  // The target is done with: let it tear down (Wine's processes, the prefix) while the reports are written.
  const teardown = target.dispose().catch((error: Error) => warn(`tearing down ${target.name} failed: ${error.message}`));

  // Every case without a result gets one, so the report accounts for the whole suite.
  const finished = new Set<number>();
  for await (const r of ResultsStore.read(store.path)) finished.add(r.index);
  for (const c of runnable) {
    if (finished.has(c.index)) continue;
    if (interrupted) continue;
    const message = failure ? `not run: ${failure.error.message}` : 'not run: the run ended before this case';
    await record(unfinishedCase(c, 'error', message, failure?.blame ?? 'harness'));
  }
  await store.close();
  await debug.close();

  const driverFacts = await fileFacts(suite.driver.image);
  const clientFacts = suite.client ? await fileFacts(suite.client) : undefined;
  const status = interrupted ? 'interrupted' : failure ? 'error' : runStatusOf(summary);
  const header: RunHeader = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: input.runId,
    suite: suite.name,
    suiteFile: suite.file,
    target: target.name,
    targetKind: target.kind,
    targetInfo: target.describe(),
    status,
    ...(failure ? { error: { code: failure.error instanceof LabError ? failure.error.code : 'LAB_INTERNAL', message: failure.error.message } } : {}),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    driver: { path: suite.driver.image, sha256: driverFacts.sha256, signed: driverFacts.signed },
    ...(clientFacts && suite.client ? { client: { path: suite.client, sha256: clientFacts.sha256 } } : {}),
    summary,
    timings: clock.timings(),
    warnings,
    lab: { version: labVersion(), node: process.version },
    options: input.options,
  };
  reporters.onPhase('report');
  const reportStart = Date.now();
  await reporters.onEnd({ header, outDir, reportStartedAt: reportStart, cases: () => ResultsStore.read(store.path) });
  header.timings.report = Date.now() - reportStart;
  await teardown;

  const exitCode = interrupted ? 130 : failure || loadBlame === 'harness' ? 3 : status === 'passed' ? 0 : 1;
  return { header, exitCode };
}

interface Tools {
  clock: PhaseClock;
  debug: DebugStream;
  reporters: ReporterMultiplexer;
  record(result: CaseResult): Promise<void>;
  warn(message: string): void;
}

/** Sessions until every case has a result: after a crash or hang the target is reverted and the rest run. */
async function runCases(input: RunInput, cases: Case[], tools: Tools): Promise<{ interrupted: boolean; loadBlame?: Blame }> {
  const { target, suite, signal } = input;
  const { clock, reporters } = tools;
  const header: GuestPlanHeader = {
    device: suite.driver.device,
    driver: { service: suite.driver.service, imagePath: target.guestPath(basename(suite.driver.image)) },
    ...(suite.driver.log ? { logPath: suite.driver.log } : {}),
  };
  let remaining = cases;
  let sessions = 0;
  let harnessRetries = 0;
  while (remaining.length > 0) {
    if (signal.aborted) return { interrupted: true };
    if (sessions > 0) {
      reporters.onPhase('revert', `${remaining.length} cases left`);
      await clock.time('revert', () => target.revert(signal));
    }
    reporters.onPhase('deploy');
    const paths = await clock.time('deploy', () => deploy(input));
    reporters.onPhase('execute', `${remaining.length} cases`);
    const outcome: SessionOutcome = await runGuestSession(
      {
        target,
        header,
        runner: paths.runner,
        ...(paths.client ? { client: paths.client } : {}),
        localPlan: join(input.outDir, 'plan.txt'),
        debug: tools.debug,
        signal,
        onCaseBegin: (c) => reporters.onCaseBegin(c),
        onCaseEnd: tools.record,
      },
      remaining,
    );
    sessions += 1;
    const { marks } = outcome;
    clock.add('load', (marks.firstBegin ?? marks.stopped) - marks.start);
    if (marks.firstBegin) clock.add('execute', marks.stopped - marks.firstBegin);
    await clock.time('collect', () => collectDriverLog(input, sessions));
    for (const line of outcome.badLines) tools.warn(line);
    if (outcome.unload && outcome.unload.error !== 0) tools.warn(`unloading the driver failed: ${describeWin32Error(outcome.unload.error)} ${outcome.unload.message.trim()}`);
    if (outcome.unload && outcome.unload.openAfter !== null && outcome.unload.openAfter !== 2 && outcome.unload.openAfter !== 3) {
      tools.warn(`after unload, ${suite.driver.device} could still be opened (error ${describeWin32Error(outcome.unload.openAfter)}): the driver left its device or link behind`);
    }

    const stop = outcome.stop;
    if (stop.kind === 'interrupted') return { interrupted: true };
    const progressed = outcome.remaining.length < remaining.length;
    if (stop.kind === 'load-failed' || (stop.kind === 'crash' && stop.index === undefined && !progressed)) {
      const error = stop.kind === 'load-failed' ? stop.error : null;
      const blame: Blame = error !== null && ENVIRONMENT_LOAD_ERRORS.has(error) ? 'harness' : 'product';
      const why =
        stop.kind === 'load-failed'
          ? `the driver did not load: StartService failed with ${describeWin32Error(stop.error)}${stop.message ? ` (${stop.message.trim()})` : ''}`
          : 'the driver crashed while loading (DriverEntry)';
      const fix =
        blame === 'harness'
          ? 'Fix: check the target (test signing on, the image deployed) with `lab doctor`.'
          : 'Fix: DriverEntry failed, or the file is not a valid kernel-mode image; see dbgview.log and check it with `x86_64-w64-mingw32-objdump -p`.';
      tools.warn(`${suite.driver.image}: ${why} on ${target.name}. ${fix}`);
      for (const c of outcome.remaining) await tools.record(unfinishedCase(c, 'error', `not run: ${why}`, blame));
      return { interrupted: false, loadBlame: blame };
    }
    if (stop.kind === 'runner-exit' && !progressed) {
      harnessRetries += 1;
      if (harnessRetries > 2) throw new HarnessError('LAB_GUEST_RUNNER', `the guest runner exited (code ${stop.exitCode ?? 'unknown'}) before running any case, ${harnessRetries} times. Fix: run \`lab doctor\`; see dbgview.log in ${input.outDir}.`);
      tools.warn(`the guest runner exited before running any case (code ${stop.exitCode ?? 'unknown'}); retrying on a clean target`);
    }
    remaining = outcome.remaining;
  }
  return { interrupted: false };
}

async function deploy(input: RunInput): Promise<{ runner: string; client?: string }> {
  const { target, suite } = input;
  const runner = target.guestPath('lab-guest.exe');
  await target.put(input.guestRunner, runner);
  await target.put(suite.driver.image, target.guestPath(basename(suite.driver.image)));
  if (!suite.client) return { runner };
  const client = target.guestPath(basename(suite.client));
  await target.put(suite.client, client);
  return { runner, client };
}

/** The whole driver log of a session, appended to the run's copy (a revert starts a new file in the guest). */
async function collectDriverLog(input: RunInput, session: number): Promise<void> {
  const logPath = input.suite.driver.log;
  if (!logPath) return;
  const bytes = await input.target.readGuestFile(logPath).catch(() => undefined);
  if (!bytes) return;
  const name = basename(logPath.replace(/\\/g, '/')) || 'driver.log';
  const banner = session > 1 ? `---- lab: session ${session} (after a revert) ----\n` : '';
  await appendFile(join(input.outDir, name), Buffer.concat([Buffer.from(banner), bytes]));
}
