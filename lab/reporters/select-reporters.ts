import { UsageError } from '../errors/lab-error.js';
import type { FinalReport, Reporter } from './reporter.js';
import { TerminalReporter } from './terminal.js';

/**
 * The reporters that only write files at the end load lazily: their modules (the XML writer, the page and
 * its timeline) are imported once the run is under way and the process mostly waits for the target, not
 * at start-up, where every millisecond is on the way to the first case.
 */
function lazy(name: string, writes: string, load: () => Promise<Reporter>): Reporter {
  let loading: Promise<Reporter> | undefined;
  const get = () => (loading ??= load());
  return {
    name,
    writes,
    onCaseEnd() {
      void get();
    },
    async onEnd(report: FinalReport) {
      await (await get()).onEnd?.(report);
    },
  };
}

/** In the order they run: json last, so report.json can carry the time the others took. */
const REPORTERS: Record<string, () => Reporter> = {
  terminal: () => TerminalReporter.forStdout(),
  junit: () => lazy('junit', 'junit.xml', async () => new (await import('./junit.js')).JunitReporter()),
  html: () => lazy('html', 'report.html', async () => new (await import('./html.js')).HtmlReporter()),
  summary: () => lazy('summary', 'summary.md', async () => new (await import('./summary-markdown.js')).SummaryMarkdownReporter()),
  json: () => lazy('json', 'report.json', async () => new (await import('./json.js')).JsonReporter()),
};

export const REPORTER_NAMES = Object.keys(REPORTERS);

/** `--reporter a b`: the named reporters (all by default), in their fixed order. */
export function selectReporters(wanted: readonly string[] = REPORTER_NAMES): Reporter[] {
  const unknown = wanted.find((name) => !(name in REPORTERS));
  if (unknown) throw new UsageError('LAB_BAD_REPORTER', `--reporter ${unknown}: expected one of ${REPORTER_NAMES.join(', ')}`);
  return REPORTER_NAMES.filter((name) => wanted.includes(name)).map((name) => REPORTERS[name]!());
}
