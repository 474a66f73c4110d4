import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { FinalReport, Reporter } from './reporter.js';

/**
 * report.json (report/run-report.ts is its schema). Written as a stream, case by case, so a 10,000-case
 * run does not build one giant string; the result is ordinary, pretty enough JSON.
 */
export class JsonReporter implements Reporter {
  readonly name = 'json';
  readonly writes = 'report.json';

  async onEnd(report: FinalReport): Promise<void> {
    const out = createWriteStream(join(report.outDir, 'report.json'));
    // events.once removes its listeners again: one 'error' listener per drain would pile up on a big report.
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    const { timings: phaseTimings, warnings, lab, options, ...head } = report.header;
    // Reporters run in order and this one runs last, so its own writing is all that is left out.
    const timings = { ...phaseTimings, report: Date.now() - report.reportStartedAt };
    const headText = JSON.stringify(head, null, 2);
    await write(`${headText.slice(0, -2)},\n  "cases": [`);
    let first = true;
    for await (const c of report.cases()) {
      await write(`${first ? '\n' : ',\n'}    ${JSON.stringify(c)}`);
      first = false;
    }
    await write(`${first ? '' : '\n  '}],\n`);
    const tail = JSON.stringify({ timings, warnings, lab, options }, null, 2);
    await write(`${tail.slice(2)}\n`);
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
