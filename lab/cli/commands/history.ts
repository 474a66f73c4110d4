import { join, relative, resolve } from 'node:path';
import { loadHistory } from '../../history/load-history.js';
import { renderHistory } from '../../history/render-history.js';
import { visible } from '../../text/visible.js';
import { writeFileAtomic } from '../../files/atomic-file.js';

export interface HistoryFlags {
  last: number;
  suite?: string;
  out?: string;
}

/** `lab history <reports>`: a static page of the last runs, from their report.json files alone. */
export async function historyCommand(root: string, flags: HistoryFlags): Promise<void> {
  const runs = await loadHistory(root, { last: flags.last, ...(flags.suite ? { suite: flags.suite } : {}) }, (m) =>
    process.stderr.write(visible(`lab: warning: ${m}\n`)),
  );
  const file = resolve(flags.out ?? join(root, 'history.html'));
  writeFileAtomic(file, renderHistory(runs, { file, root }));
  const shown = relative(process.cwd(), file);
  process.stdout.write(`${shown && !shown.startsWith('..') ? shown : file}: ${runs.length} run${runs.length === 1 ? '' : 's'}\n`);
}
