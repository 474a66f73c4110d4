import { UsageError } from '../errors/lab-error.js';
import { HtmlReporter } from './html.js';
import { JsonReporter } from './json.js';
import { JunitReporter } from './junit.js';
import type { Reporter } from './reporter.js';
import { SummaryMarkdownReporter } from './summary-markdown.js';
import { TerminalReporter } from './terminal.js';

/** In the order they run: json last, so report.json can carry the time the others took. */
const REPORTERS: Record<string, () => Reporter> = {
  terminal: () => TerminalReporter.forStdout(),
  junit: () => new JunitReporter(),
  html: () => new HtmlReporter(),
  summary: () => new SummaryMarkdownReporter(),
  json: () => new JsonReporter(),
};

export const REPORTER_NAMES = Object.keys(REPORTERS);

/** `--reporter a b`: the named reporters (all by default), in their fixed order. */
export function selectReporters(wanted: readonly string[] = REPORTER_NAMES): Reporter[] {
  const unknown = wanted.find((name) => !(name in REPORTERS));
  if (unknown) throw new UsageError('LAB_BAD_REPORTER', `--reporter ${unknown}: expected one of ${REPORTER_NAMES.join(', ')}`);
  return REPORTER_NAMES.filter((name) => wanted.includes(name)).map((name) => REPORTERS[name]!());
}
