import { resolve } from 'node:path';
import type { FinalReport, Reporter } from '../reporters/reporter.js';
import type { CaseResult } from '../verdict/case-result.js';
import { loadWaivers } from '../waivers/load-waivers.js';
import { utcDay } from '../waivers/waiver.js';
import { WaiverBook } from '../waivers/waiver-book.js';
import { loadBaseline } from '../gate/baseline.js';
import { GateTally, gateExitCode, type GateResult } from '../gate/gate-tally.js';
import { markCase, type GateOptions } from '../gate/mark-case.js';
import { visible } from '../text/visible.js';

export interface RunGateFlags {
  baseline?: string;
  waivers?: string;
  allowNewFailures?: boolean;
}

/**
 * `lab run --baseline/--waivers`: the run itself is untouched (results.jsonl keeps what really happened);
 * every reporter sees the cases through the gate (waived, classified) and, at the end, report.json's
 * `gate` section, and the exit code becomes the gate's. Each reporter is wrapped on its own, so the
 * multiplexer still switches off only the one that breaks.
 */
export class RunGate {
  private result?: GateResult;
  private failure?: Error;

  private constructor(private readonly options: GateOptions) {}

  /** Undefined when the run is not gated; reads (and validates) the baseline and waivers before anything runs. */
  static async fromFlags(flags: RunGateFlags, today = utcDay()): Promise<RunGate | undefined> {
    if (!flags.baseline && !flags.waivers) return undefined;
    const baseline = flags.baseline ? await loadBaseline(resolve(flags.baseline)) : undefined;
    const waivers = flags.waivers ? new WaiverBook(await loadWaivers(flags.waivers), today) : undefined;
    return new RunGate({ ...(baseline ? { baseline } : {}), ...(waivers ? { waivers } : {}), allowNewFailures: Boolean(flags.allowNewFailures) });
  }

  /** The gate's own reporter first (it computes the verdict once), then every reporter seeing the gated view. */
  wrap(reporters: Reporter[]): Reporter[] {
    return [this.evaluator(), ...reporters.map((r) => this.view(r))];
  }

  /** The run's exit code becomes the gate's; an interrupted run stays 130, a suite error 2. */
  exitCode(runExit: number): number {
    if (runExit === 130 || runExit === 2) return runExit;
    if (!this.result) {
      process.stderr.write(visible(`lab: the gate could not be evaluated: ${this.failure?.message ?? 'no report was produced'}\n`));
      return 3;
    }
    return gateExitCode(this.result);
  }

  private evaluator(): Reporter {
    return {
      name: 'gate',
      onEnd: async (report) => {
        const baseline = this.options.baseline?.info;
        if (baseline && baseline.suite !== report.header.suite)
          process.stderr.write(
            visible(
              `lab: warning: the baseline is suite \`${baseline.suite}\` and this run \`${report.header.suite}\`: no case id can match, every case is new.\n`,
            ),
          );
        try {
          const tally = new GateTally(this.options);
          for await (const c of report.cases()) tally.add(markCase(c, this.options));
          this.result = tally.result(report.header);
        } catch (error) {
          this.failure = error as Error;
          throw error;
        }
      },
    };
  }

  private view(inner: Reporter): Reporter {
    const mark = (c: CaseResult) => markCase(c, this.options);
    return {
      name: inner.name,
      ...(inner.writes ? { writes: inner.writes } : {}),
      onBegin: (run) => inner.onBegin?.(run),
      onPhase: (phase, detail) => inner.onPhase?.(phase, detail),
      onCaseBegin: (c) => inner.onCaseBegin?.(c),
      onCaseEnd: (result) => inner.onCaseEnd?.(mark(result)),
      onWarning: (message) => inner.onWarning?.(message),
      onEnd: (report) => inner.onEnd?.(this.gated(report, mark)),
      onWritten: (files, report) => inner.onWritten?.(files, this.gated(report, mark)),
    };
  }

  /** Read at each reporter's onEnd, so a status the run set late (interrupted) still shows. */
  private gated(report: FinalReport, mark: (c: CaseResult) => CaseResult): FinalReport {
    const result = this.result;
    if (!result) return report;
    const status = report.header.status === 'interrupted' ? 'interrupted' : result.status;
    return {
      ...report,
      header: { ...report.header, status, summary: result.summary, gate: result.section },
      cases: async function* () {
        for await (const c of report.cases()) yield mark(c);
      },
    };
  }
}
