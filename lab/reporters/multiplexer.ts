import type { FinalReport, Reporter, RunBegin } from './reporter.js';
import type { Case } from '../suite/case.js';
import type { CaseResult } from '../verdict/case-result.js';
import { visible } from '../text/visible.js';

/** Fans every hook out to the reporters; a reporter that throws is named on stderr and dropped. */
export class ReporterMultiplexer implements Reporter {
  readonly name = 'multiplexer';
  private active: Reporter[];
  /** The reporters that failed; `file` when it was one that writes a report file (which is then missing or old). */
  readonly failures: Array<{ reporter: string; error: string; file?: string }> = [];

  constructor(
    reporters: Reporter[],
    private readonly onFailure: (message: string) => void = (m) => process.stderr.write(`${visible(m)}\n`),
  ) {
    this.active = [...reporters];
  }

  async onBegin(run: RunBegin): Promise<void> {
    await this.each((r) => r.onBegin?.(run));
  }

  onPhase(phase: string, detail?: string): void {
    void this.each((r) => r.onPhase?.(phase, detail));
  }

  onCaseBegin(c: Case): void {
    void this.each((r) => r.onCaseBegin?.(c));
  }

  async onCaseEnd(result: CaseResult): Promise<void> {
    await this.each((r) => r.onCaseEnd?.(result));
  }

  onWarning(message: string): void {
    void this.each((r) => r.onWarning?.(message));
  }

  /**
   * Every reporter's onEnd, then onWritten with the files of the reporters still standing: a reporter
   * that failed is not said to have written its file. `beforeEach` runs before every reporter's onEnd:
   * the run uses it to mark a report interrupted by a late Ctrl-C.
   */
  async onEnd(report: FinalReport, beforeEach?: () => void): Promise<void> {
    await this.each((r) => {
      beforeEach?.();
      return r.onEnd?.(report);
    });
    const written = this.active.flatMap((r) => (r.writes ? [r.writes] : []));
    await this.each((r) => r.onWritten?.(written, report));
  }

  private async each(call: (r: Reporter) => unknown): Promise<void> {
    for (const reporter of [...this.active]) {
      try {
        const value = call(reporter);
        if (value && typeof (value as Promise<unknown>).then === 'function') await value;
      } catch (error) {
        this.active = this.active.filter((r) => r !== reporter);
        const message = error instanceof Error ? error.message : String(error);
        this.failures.push({ reporter: reporter.name, error: message, ...(reporter.writes ? { file: reporter.writes } : {}) });
        this.onFailure(`lab: the ${reporter.name} reporter failed and was switched off: ${message}`);
      }
    }
  }
}
