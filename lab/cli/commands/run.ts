import { join, resolve } from 'node:path';
import { selectReporters } from '../../reporters/select-reporters.js';
import { newRunId } from '../../run/run-id.js';
import { runSuite } from '../../run/run-suite.js';
import { createTarget } from '../../targets/create-target.js';
import { requireDeployFiles } from '../deploy-files.js';
import { loadCases } from '../load-cases.js';
import { buildDir } from '../../package-root/package-root.js';
import { interruptSignal } from '../signals.js';
import { UsageError } from '../../errors/lab-error.js';
import { readRunRecord, writeRunRecord, type RunRecord } from '../../run/run-record.js';
import { claimRunFolder } from '../../files/run-folder.js';

export interface RunFlags {
  target: string;
  driver?: string;
  client?: string;
  out?: string;
  filter?: string[];
  timeoutCase?: number;
  reporter?: string[];
  keep?: boolean;
  deadline?: number;
  repeatFailures?: number;
  resume?: string;
  /** Gate the run (lab/gate/): compare with a previous report.json, apply known-failure waivers. */
  baseline?: string;
  waivers?: string;
  allowNewFailures?: boolean;
  workers?: number;
  shard?: string;
}

export async function runCommand(suiteArg: string | undefined, given: RunFlags): Promise<void> {
  const resumed = given.resume ? await readRunRecord(resolve(given.resume)) : undefined;
  if (!resumed && !suiteArg) throw new UsageError('LAB_USAGE', 'lab run: expected a suite file (e.g. suites/echo.yaml), or --resume <run folder>');
  if (resumed && suiteArg)
    throw new UsageError('LAB_USAGE', `lab run: --resume continues the suite the run began with (${resumed.suiteFile}); drop ${suiteArg}`);
  // A resumed run is the same run: its suite, flags and id, from run.json.
  const flags: RunFlags = resumed ? { ...resumed.flags, out: resolve(given.resume!), resume: given.resume } : given;
  const suiteFile = resumed ? resumed.suiteFile : suiteArg!;
  const reporters = selectReporters(flags.reporter);
  const targetRef = await createTarget.resolve(flags.target);
  if ((flags.workers ?? 1) > 1 && targetRef.exclusiveMachine) {
    throw new UsageError(
      'LAB_WORKERS_ONE_MACHINE',
      `--workers ${flags.workers}: ${targetRef.name} is one machine (${targetRef.kind}); two workers would share its driver service and folder. ` +
        `Fix: use --workers on Wine, or split the suite across machines with --shard i/n.`,
    );
  }
  const { target: _name, ...selection } = flags;
  const loaded = await loadCases(suiteFile, { ...selection, target: targetRef });
  // The gate (and its waivers) loads only for gated runs: an ungated run does not pay for it.
  const gate = flags.baseline || flags.waivers ? await (await import('../../run/run-gate.js')).RunGate.fromFlags(flags) : undefined;
  const { suite, guestRunner } = await requireDeployFiles(loaded, targetRef, flags);

  const runId = resumed?.runId ?? newRunId(suite.name, flags.target);
  const outDir = resolve(flags.out ?? join('reports', runId));
  // The folder is this run's alone: another run's files are refused (a resumed run continues its own), and
  // a lock keeps a second lab out while this one writes there.
  const folder = claimRunFolder(outDir, { what: resumed ? '--resume' : '--out', resume: Boolean(resumed) });
  if (!resumed) {
    const { resume: _resume, ...recorded } = flags;
    await writeRunRecord(outDir, { version: 1, runId, suiteFile: resolve(suiteFile), flags: absolutePaths(recorded), startedAt: new Date().toISOString() });
  }
  const interrupt = interruptSignal(() => target.killNow?.());
  const target = createTarget(targetRef, {
    runId,
    keep: Boolean(flags.keep),
    toolsDir: buildDir(),
    onProgress: (line) => process.stderr.write(`lab: ${line}\n`),
  });
  try {
    const { exitCode } = await runSuite({
      suite,
      cases: suite.cases,
      target,
      runId,
      outDir,
      guestRunner,
      reporters: gate ? gate.wrap(reporters) : reporters,
      signal: interrupt.signal,
      ...(flags.deadline ? { deadlineMs: flags.deadline } : {}),
      ...(flags.repeatFailures ? { repeatFailures: flags.repeatFailures } : {}),
      ...(resumed ? { resume: true } : {}),
      ...(flags.workers && flags.workers > 1
        ? {
            workers: flags.workers,
            makeTarget: (worker: number) => createTarget(targetRef, { runId: `${runId}-w${worker}`, keep: Boolean(flags.keep), toolsDir: buildDir() }),
          }
        : {}),
      options: {
        target: flags.target,
        filter: flags.filter ?? [],
        timeoutCase: flags.timeoutCase ?? null,
        deadline: flags.deadline ?? null,
        repeatFailures: flags.repeatFailures ?? 0,
        workers: flags.workers ?? 1,
        shard: flags.shard ?? null,
        driverOverride: Boolean(flags.driver),
        resumed: Boolean(resumed),
      },
    });
    process.exitCode = gate ? gate.exitCode(exitCode) : exitCode;
  } finally {
    await target.dispose();
    interrupt.dispose();
    folder.release();
  }
}

/** Paths in the recorded flags are made absolute, so --resume works from any folder. */
function absolutePaths(flags: Omit<RunFlags, 'resume'>): RunRecord['flags'] {
  return {
    ...flags,
    ...(flags.driver ? { driver: resolve(flags.driver) } : {}),
    ...(flags.client ? { client: resolve(flags.client) } : {}),
    ...(flags.out ? { out: resolve(flags.out) } : {}),
    ...(flags.baseline ? { baseline: resolve(flags.baseline) } : {}),
    ...(flags.waivers ? { waivers: resolve(flags.waivers) } : {}),
  };
}
