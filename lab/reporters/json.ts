import { join } from 'node:path';
import { writeAtomically } from '../files/atomic-file.js';
import type { FinalReport, Reporter } from './reporter.js';

/**
 * report.json (report/run-report.ts is its schema). Written as a stream, case by case, so a 10,000-case
 * run does not build one giant string; the result is ordinary, pretty enough JSON, put in place at once.
 */
export class JsonReporter implements Reporter {
  readonly name = 'json';
  readonly writes = 'report.json';

  async onEnd(report: FinalReport): Promise<void> {
    // Complete or not at all: a reader (or a Ctrl-C) never meets half a report.
    await writeAtomically(join(report.outDir, 'report.json'), async (write) => {
      const { timings: phaseTimings, warnings, lab, options, ...head } = report.header;
      // Reporters run in order and this one runs last, so its own writing is all that is left out.
      const timings = { ...phaseTimings, report: Date.now() - report.reportStartedAt };
      const headText = JSON.stringify(head, null, 2);
      write(`${headText.slice(0, -2)},\n  "cases": [`);
      let first = true;
      for await (const c of report.cases()) {
        write(`${first ? '\n' : ',\n'}    ${JSON.stringify(c)}`);
        first = false;
      }
      write(`${first ? '' : '\n  '}],\n`);
      const tail = JSON.stringify({ timings, warnings, lab, options }, null, 2);
      write(`${tail.slice(2)}\n`);
    });
  }
}
