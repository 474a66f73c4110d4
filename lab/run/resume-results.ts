import { createReadStream } from 'node:fs';
import { join, dirname } from 'node:path';
import { AtomicFile } from '../files/atomic-file.js';
import { appendOnce } from '../files/append-file.js';
import { readLines } from '../guest/line-splitter.js';
import { parseCase } from '../report/read-report.js';
import type { Case } from '../suite/case.js';

/** Where --resume sets aside results that no longer match a case of the suite (nothing finished is deleted). */
export const UNMATCHED_RESULTS = 'results.unmatched.jsonl';

/**
 * --resume: the results a killed or interrupted run left in results.jsonl, matched to the suite as it is
 * now by case id, never by position. When the suite was edited since (cases added, removed, reordered),
 * results.jsonl is rewritten (atomically) with each finished result under its case's new index; results
 * whose case is gone, and lines that are not results lab wrote, move to results.unmatched.jsonl, and the
 * warning names them.
 */
export async function matchFinishedResults(path: string, cases: Case[], warn: (message: string) => void): Promise<void> {
  const indexOf = new Map(cases.map((c) => [c.id, c.index]));
  const matched = new Map<string, string>();
  const unmatched: string[] = [];
  const goneIds: string[] = [];
  let bad = 0;
  let moved = false;
  let lineNo = 0;
  try {
    for await (const line of readLines(createReadStream(path))) {
      lineNo += 1;
      let id: string;
      let index: number | undefined;
      try {
        const c = parseCase(line, { file: path, line: lineNo });
        id = c.id;
        index = c.index;
      } catch {
        // A torn last line (a killed run) or a line lab did not write.
        bad += 1;
        unmatched.push(line);
        continue;
      }
      const now = indexOf.get(id);
      if (now === undefined) {
        goneIds.push(id);
        unmatched.push(line);
        continue;
      }
      if (now !== index) moved = true;
      matched.set(id, line);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!moved && unmatched.length === 0) return;

  const file = new AtomicFile(path);
  try {
    for (const c of cases) {
      const line = matched.get(c.id);
      if (line === undefined) continue;
      const { index: _old, ...rest } = JSON.parse(line) as { index?: number };
      file.write(`${JSON.stringify({ index: c.index, ...rest })}\n`);
    }
    if (unmatched.length) {
      appendOnce(join(dirname(path), UNMATCHED_RESULTS), `${unmatched.join('\n')}\n`);
    }
    file.commit();
  } finally {
    file.abandon();
  }
  if (moved) warn(`the suite changed since the run began: finished results were matched to its cases by id (${matched.size} kept)`);
  if (goneIds.length) {
    const shown = goneIds.slice(0, 10).join(', ');
    warn(
      `${goneIds.length} finished result${goneIds.length === 1 ? '' : 's'} no longer match a case of the suite ` +
        `and were set aside in ${UNMATCHED_RESULTS}: ${shown}${goneIds.length > 10 ? ', ...' : ''}`,
    );
  }
  if (bad)
    warn(
      `${bad} line${bad === 1 ? '' : 's'} of results.jsonl ${bad === 1 ? 'is' : 'are'} not a result lab wrote (a torn last line, or an edit) ` +
        `and ${bad === 1 ? 'was' : 'were'} set aside in ${UNMATCHED_RESULTS}`,
    );
}
