import { mkdirSync } from 'node:fs';
import { basename, join, win32 } from 'node:path';
import { HarnessError } from '../errors/lab-error.js';
import { appendOnce } from '../files/append-file.js';
import type { GuestPlanHeader } from '../guest/plan.js';
import type { DebugStream } from '../logs/debug-stream.js';
import type { ReporterMultiplexer } from '../reporters/multiplexer.js';
import type { Case, ExpandedSuite } from '../suite/case.js';
import type { Target } from '../targets/target.js';
import type { Blame, CaseResult } from '../verdict/case-result.js';
import { unfinishedCase } from '../verdict/judge-case.js';
import { describeNtStatus } from '../status-codes/ntstatus.js';
import { describeWin32Error } from '../status-codes/win32-errors.js';
import { describeGaps, RUN_ON_WINDOWS } from '../verdict/target-gap.js';
import { runGuestSession, type SessionOutcome } from './guest-session.js';
import { checkImage, type ImageCheck } from './image-check.js';
import type { PhaseClock } from './phase-clock.js';
import { withRetry } from './retry.js';

export interface SessionsInput {
  suite: ExpandedSuite;
  target: Target;
  outDir: string;
  /** Names this worker's files in outDir: '' for the first (plan.txt), '.worker-2' for the second. */
  fileTag: string;
  guestRunner: string;
  /** Aborted by Ctrl-C or by the run's deadline. */
  signal: AbortSignal;
  clock: PhaseClock;
  debug: DebugStream;
  reporters: ReporterMultiplexer;
  record(result: CaseResult): Promise<void>;
  warn(message: string): void;
  /** A fault of the driver outside any case (a hung or failed unload): it fails the run. */
  fault(message: string): void;
  /** Bounds on loading and unloading the driver (defaults in guest-session.ts). */
  sessionTimeouts?: { loadMs?: number; unloadMs?: number };
  /** Every stdout line of the guest runner, as it came (lab fuzz keeps them for --replay comparisons). */
  onGuestLine?(line: string): void;
}

export interface SessionsOutcome {
  /** True when the signal stopped the sessions before every case had a result. */
  stopped: boolean;
  /** Set when the driver did not load; every case then has an `error` result. */
  loadBlame?: Blame;
}

/** Win32 errors from loading a driver that point at the machine, not at the driver's code. */
const ENVIRONMENT_LOAD_ERRORS = new Set([2, 3, 5, 577, 1058, 1072, 1275, 1722]);
/** Sessions in a row that may end without a single result before lab gives up (harness retries). */
const MAX_FRUITLESS_SESSIONS = 3;
export const HARNESS_RETRY = { attempts: 3, baseDelayMs: 500 };

/**
 * Sessions until every case has a result. A crash or hang settles the case it happened in; the target is
 * then reverted to its clean state and the next session starts with the cases left. A session that ends
 * without any result (the guest runner could not start) is a harness fault: retried with backoff, bounded.
 */
export async function runSessions(input: SessionsInput, cases: Case[]): Promise<SessionsOutcome> {
  const { target, suite, signal, clock, reporters } = input;
  const header: GuestPlanHeader = {
    device: suite.driver.device,
    driver: { service: suite.driver.service, imagePath: target.guestPath(basename(suite.driver.image)) },
    ...(suite.driver.log ? { logPath: suite.driver.log } : {}),
    ...(target.markerChannel === 'stderr' ? { markers: 'stderr' as const } : {}),
    // `run` steps start where the files were deployed, so a client finds what lies beside it.
    workdir: win32.dirname(target.guestPath('lab-guest.exe')),
  };
  let remaining = cases;
  let sessions = 0;
  let fruitless = 0;
  while (remaining.length > 0) {
    if (signal.aborted) return { stopped: true };
    if (sessions > 0) {
      reporters.onPhase('revert', `${remaining.length} cases left`);
      await clock.time('revert', () =>
        withRetry(() => target.revert(signal), { ...HARNESS_RETRY, signal, onRetry: retryWarning(input, 'reverting the target') }),
      );
    }
    reporters.onPhase('deploy');
    const paths = await clock.time('deploy', () => withRetry(() => deploy(input), { ...HARNESS_RETRY, signal, onRetry: retryWarning(input, 'deploying') }));
    if (sessions === 0) {
      // Before loading (on a target that took the deploy): a file that is not a driver, or one this target
      // cannot run, gets its own message.
      const image: ImageCheck = await checkImage(suite.driver.image, target).catch((error: Error) => {
        input.warn(`the driver image could not be checked against ${target.name} before loading: ${error.message}`);
        return { ok: true };
      });
      if (image.ok && image.warning) input.warn(image.warning);
      if (!image.ok) {
        input.warn(image.message);
        for (const c of remaining) await input.record(notLoaded(c, image.message, image.blame, image.functions));
        return { stopped: false, loadBlame: image.blame };
      }
    }
    // `isolation: vm`: such a case runs alone, on a target reverted to its clean state (the revert above;
    // the first session's target is clean from prepare), and the case after it gets a revert too.
    const cut = remaining[0]!.cleanTarget ? 1 : remaining.findIndex((c) => c.cleanTarget);
    const batch = cut < 0 ? remaining : remaining.slice(0, cut);
    const rest = remaining.slice(batch.length);
    reporters.onPhase('execute', `${batch.length} cases`);
    const outcome = await runGuestSession(
      {
        target,
        header,
        runner: paths.runner,
        ...(paths.client ? { client: paths.client } : {}),
        file: (name: string) => target.guestPath(name),
        localPlan: join(input.outDir, `plan${input.fileTag}.txt`),
        debug: input.debug,
        signal,
        onCaseBegin: (c) => reporters.onCaseBegin(c),
        onCaseEnd: input.record,
        ...(input.sessionTimeouts ? { timeouts: input.sessionTimeouts } : {}),
        ...(input.onGuestLine ? { onGuestLine: input.onGuestLine } : {}),
      },
      batch,
    );
    sessions += 1;
    const { marks } = outcome;
    clock.add('load', (marks.firstBegin ?? marks.stopped) - marks.start);
    if (marks.firstBegin) clock.add('execute', marks.stopped - marks.firstBegin);
    await clock.time('collect', () => collectDriverLog(input, sessions));
    for (const line of [...outcome.badLines, ...outcome.warnings]) input.warn(line);
    warnAboutUnload(input, outcome.unload);

    const stop = outcome.stop;
    if (stop.kind === 'interrupted') return { stopped: true };
    const progressed = outcome.remaining.length < batch.length;
    const left = [...outcome.remaining, ...rest];
    // A load refused for the machine's reasons (1722: the service manager not answering) is a harness
    // fault like a runner that dies: it goes through the bounded retries on a clean target below.
    const machineRefusedLoad = stop.kind === 'load-failed' && ENVIRONMENT_LOAD_ERRORS.has(stop.error) && fruitless + 1 < MAX_FRUITLESS_SESSIONS;
    if (
      !machineRefusedLoad &&
      (stop.kind === 'load-failed' ||
        stop.kind === 'load-hung' ||
        stop.kind === 'load-crashed' ||
        (stop.kind === 'crash' && stop.index === undefined && !progressed))
    ) {
      return { stopped: false, loadBlame: await failLoad(input, outcome, left) };
    }
    if (stop.kind === 'unload-hung')
      input.fault(`the driver did not unload within ${stop.afterMs / 1000} s after the last case: its unload routine hangs (the guest was killed)`);
    if (stop.kind === 'crash' && stop.index === undefined)
      input.fault(
        `the driver crashed between cases or while unloading: ${stop.signature}${outcome.evidence?.backtrace ? `\n${outcome.evidence.backtrace}` : ''}`,
      );
    if (!progressed) {
      fruitless += 1;
      const code = stop.kind === 'runner-exit' ? stop.exitCode : null;
      if (fruitless >= MAX_FRUITLESS_SESSIONS) {
        throw new HarnessError(
          'LAB_GUEST_RUNNER',
          `the guest runner ended ${fruitless} sessions in a row (last exit code ${code ?? 'unknown'}) before running any case. Fix: run \`lab doctor\`; see dbgview.log in ${input.outDir}.`,
        );
      }
      const delayMs = HARNESS_RETRY.baseDelayMs * 2 ** (fruitless - 1);
      const why =
        stop.kind === 'load-failed'
          ? `the driver could not be loaded: ${describeWin32Error(stop.error)}`
          : `the guest runner ended before running any case (exit code ${code ?? 'unknown'})`;
      input.warn(`${why}; retrying on a clean target in ${delayMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    } else {
      fruitless = 0;
    }
    remaining = left;
  }
  return { stopped: false };
}

/**
 * Every case of a driver that did not load, with why: the Win32 error of the load and, when the target can
 * tell, DriverEntry's NTSTATUS or its crash (with the backtrace), and the debug lines of the load. A load
 * that failed on a gap of the target (a stub the driver called in DriverEntry) is the target's.
 */
async function failLoad(input: SessionsInput, outcome: SessionOutcome, cases: Case[]): Promise<Blame> {
  const { suite, target } = input;
  const stop = outcome.stop;
  const error = stop.kind === 'load-failed' ? stop.error : null;
  const gaps =
    stop.kind === 'load-failed' || stop.kind === 'load-crashed' ? [...(stop.kind === 'load-crashed' && stop.gap ? [stop.gap] : []), ...stop.gaps] : [];
  let blame: Blame = error !== null && ENVIRONMENT_LOAD_ERRORS.has(error) ? 'harness' : 'product';
  let why: string;
  if (stop.kind === 'load-failed') {
    const service = `StartService failed with ${describeWin32Error(stop.error)}${stop.message ? ` (${stop.message.trim()})` : ''}`;
    why =
      stop.status !== undefined
        ? `the driver did not load: DriverEntry returned ${describeNtStatus(stop.status)} (${service})`
        : `the driver did not load: ${service}`;
  } else if (stop.kind === 'load-hung') {
    why = `the driver did not finish loading within ${stop.afterMs / 1000} s: DriverEntry did not return (the guest was killed)`;
  } else {
    why = `the driver crashed while loading (in DriverEntry): ${stop.kind === 'load-crashed' || stop.kind === 'crash' ? stop.signature : 'see dbgview.log'}`;
  }
  if (gaps.length > 0) {
    const { functions, detail } = describeGaps(gaps);
    blame = 'target';
    why = `inconclusive on ${target.name}: while loading, the driver called ${functions.join(', ')}, which ${target.name} does not implement (${detail}); ${why}. Run it on ${RUN_ON_WINDOWS}`;
  }
  const fix =
    blame === 'harness'
      ? 'Fix: check the target (test signing on, the image deployed) with `lab doctor`.'
      : blame === 'target'
        ? ''
        : stop.kind === 'load-crashed'
          ? "Fix: see the backtrace in each case's evidence, and the load's debug lines."
          : "Fix: see why DriverEntry failed in the load's debug lines (each case has them, and dbgview.log).";
  input.warn(`${suite.driver.image}: ${why} on ${target.name}.${fix ? ` ${fix}` : ''}`);
  for (const c of cases) {
    const result = notLoaded(
      c,
      `not run: ${why}`,
      blame,
      gaps.map((g) => g.function),
    );
    result.log = { debug: outcome.loadLines, driverLog: [] };
    if (outcome.evidence) result.evidence = outcome.evidence;
    await input.record(result);
  }
  return blame;
}

/** A case that could not run because the driver did not load: `inconclusive` when the target is to blame. */
function notLoaded(c: Case, message: string, blame: Blame, functions: string[] = []): CaseResult {
  const result = unfinishedCase(c, 'error', message, blame);
  if (blame !== 'target') return result;
  return {
    ...result,
    status: 'inconclusive',
    blame,
    targetGap: { functions, detail: message, runOn: RUN_ON_WINDOWS, was: { status: 'error', blame: 'product', message } },
  };
}

function warnAboutUnload(input: SessionsInput, unload: SessionOutcome['unload']): void {
  if (!unload) return;
  // 1060 / 1062: a case already unloaded the service and did not load it again; the suite's doing.
  if (unload.error !== 0 && unload.error !== 1060 && unload.error !== 1062) {
    input.fault(`unloading the driver failed: ${describeWin32Error(unload.error)} ${unload.message.trim()}`);
  }
  if (unload.openAfter !== null && unload.openAfter !== 2 && unload.openAfter !== 3) {
    input.fault(
      `after unload, ${input.suite.driver.device} could still be opened (error ${describeWin32Error(unload.openAfter)}): the driver left its device or link behind`,
    );
  }
}

function retryWarning(input: SessionsInput, what: string) {
  return (attempt: number, error: Error, delayMs: number) => input.warn(`${what} failed (attempt ${attempt}): ${error.message}; retrying in ${delayMs} ms`);
}

async function deploy(input: SessionsInput): Promise<{ runner: string; client?: string }> {
  const { target, suite } = input;
  // A driver log path that leads out of the guest (a folder linked to the host's home) is the suite's
  // mistake: the target refuses it (a usage error) before any case runs, and never reads the file.
  if (suite.driver.log) await target.checkGuestPath?.(suite.driver.log);
  const runner = target.guestPath('lab-guest.exe');
  await target.putTools?.();
  await target.put(input.guestRunner, runner);
  await target.put(suite.driver.image, target.guestPath(basename(suite.driver.image)));
  // The suite's `files` (a config file, a second driver, a program and its DLLs) go beside the driver.
  for (const file of suite.files) await target.put(file.path, target.guestPath(file.name));
  if (!suite.client) return { runner };
  const client = target.guestPath(basename(suite.client));
  await target.put(suite.client, client);
  return { runner, client };
}

/** Files lab collects from the guest go here, apart from lab's own outputs: a driver logging to `C:\results.jsonl` or `C:\run.json` must not overwrite them. */
export const COLLECTED_DIR = 'collected';

/** The whole driver log of a session, appended to the run's copy (a revert starts a new file in the guest). */
async function collectDriverLog(input: SessionsInput, session: number): Promise<void> {
  const logPath = input.suite.driver.log;
  if (!logPath) return;
  // A runaway driver can log gigabytes; the run keeps the first 64 MiB of each session's log.
  const limit = 64 * 1024 * 1024;
  // Undefined when the driver wrote no log; a read that fails (a lost connection) is said, and the run goes on.
  const read = await input.target.readGuestFile(logPath, 0, limit + 1).catch((error: Error) => {
    input.warn(`the driver log ${logPath} could not be collected from ${input.target.name} (session ${session}): ${error.message}`);
    return undefined;
  });
  if (!read) return;
  const bytes = read.length > limit ? Buffer.concat([read.subarray(0, limit), Buffer.from('\n---- lab: cut at 64 MiB ----\n')]) : read;
  const base = basename(logPath.replace(/\\/g, '/')).replace(/^\.+$/, '') || 'driver.log';
  const name = input.fileTag ? base.replace(/(\.[^.]*)?$/, `${input.fileTag}$1`) : base;
  const banner = session > 1 ? `---- lab: session ${session} (after a revert) ----\n` : '';
  const dir = join(input.outDir, COLLECTED_DIR);
  mkdirSync(dir, { recursive: true });
  appendOnce(join(dir, name), Buffer.concat([Buffer.from(banner), bytes]));
}
