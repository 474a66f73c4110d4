import type { ErrorCode } from '../../errors/lab-error.js';
import { loadBaseline } from '../../gate/baseline.js';
import { gateLines, type NamedCase } from '../../gate/gate-lines.js';
import { GateTally, gateExitCode } from '../../gate/gate-tally.js';
import { isNewFailure, markCase, type GateOptions } from '../../gate/mark-case.js';
import { readReport } from '../../report/read-report.js';
import { loadWaivers } from '../../waivers/load-waivers.js';
import { utcDay } from '../../waivers/waiver.js';
import { unwaived, WaiverBook } from '../../waivers/waiver-book.js';
import { visible } from '../../text/visible.js';

export interface GateFlags {
  waivers?: string;
  allowNewFailures?: boolean;
  json?: boolean;
}

/** What `lab gate` prints and exits with. */
export interface GateOutcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * `lab gate <new> <baseline>`: the same classification `lab run --baseline` makes, on two finished runs.
 * With --waivers the new run's waivers are replaced by the file's (its cases are seen as they really
 * were, then waived again); without, the waivers the run applied stand.
 */
export async function gateCommand(newPath: string, baselinePath: string, flags: GateFlags): Promise<void> {
  const outcome = await gateRuns(newPath, baselinePath, flags);
  process.stderr.write(outcome.stderr);
  process.stdout.write(outcome.stdout);
  process.exitCode = outcome.exitCode;
}

/** The gate of two runs, as text and an exit code (in process, so tests need no CLI). */
export async function gateRuns(newPath: string, baselinePath: string, flags: GateFlags, today = utcDay()): Promise<GateOutcome> {
  const baseline = await loadBaseline(baselinePath, 'lab gate: baseline');
  const { report } = await readReport(newPath, 'lab gate: new run');
  const waivers = flags.waivers ? new WaiverBook(await loadWaivers(flags.waivers), today) : undefined;
  const options: GateOptions = { baseline, ...(waivers ? { waivers } : {}), allowNewFailures: Boolean(flags.allowNewFailures) };
  let stdout = '';
  let stderr = '';
  if (baseline.info.suite !== report.suite)
    stderr += visible(`lab: warning: the baseline is suite \`${baseline.info.suite}\` and the new run \`${report.suite}\`: no case id can match.\n`);

  const tally = new GateTally(options);
  const details = new Map<string, NamedCase>();
  for (const raw of report.cases) {
    const c = markCase(waivers ? unwaived(raw) : raw, options);
    tally.add(c);
    if (c.gate?.class === 'regression' || isNewFailure(c)) details.set(c.id, { status: c.status, ...(c.message ? { message: c.message } : {}) });
  }
  // A run that did not finish cannot vouch for the cases it did not reach: the harness's problem (exit 3).
  const unfinished = report.status === 'interrupted' ? { code: 'LAB_INTERRUPTED' satisfies ErrorCode, message: 'the new run was interrupted' } : report.error;
  const result = tally.result({ status: report.status, ...(unfinished ? { error: unfinished } : {}) });
  if (flags.json) stdout += `${JSON.stringify(result.section, null, 2)}\n`;
  else {
    if (unfinished) stdout += visible(`lab: the new run did not finish (${unfinished.message}); cases it did not reach count as removed.\n`);
    stdout += visible(`${gateLines(result.section, details).join('\n')}\n`);
  }
  return { stdout, stderr, exitCode: gateExitCode(result) };
}
