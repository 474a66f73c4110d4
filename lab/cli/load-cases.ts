import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { UsageError } from '../errors/lab-error.js';
import type { ExpandedSuite } from '../suite/case.js';
import { caseFilter } from '../suite/case-filter.js';
import { checkPlan } from '../guest/check-plan.js';
import { expandSuite } from '../suite/expand.js';
import { loadSuite, type LoadedSuite } from '../suite/load-suite.js';
import { inShard, parseShard } from '../suite/shard.js';

export interface CaseSelection {
  target: { kind: string; name: string };
  filter?: string[];
  driver?: string;
  client?: string;
  timeoutCase?: number;
  /** `i/n`: only the cases of that shard (by case id). */
  shard?: string;
}

/** Suite file → validated, expanded, filtered cases; the same for `lab run` and `lab list`. */
export async function loadCases(file: string, selection: CaseSelection): Promise<ExpandedSuite> {
  return (await loadSuiteCases(file, selection)).suite;
}

/** loadCases, with the suite as written too (`lab fuzz` reads its IOCTL names and payloads). */
export async function loadSuiteCases(file: string, selection: CaseSelection): Promise<{ loaded: LoadedSuite; suite: ExpandedSuite }> {
  const loaded = await loadSuite(file);
  const suite = expandSuite(loaded, {
    target: selection.target,
    ...(selection.driver ? { driverImage: selection.driver } : {}),
    ...(selection.client ? { client: selection.client } : {}),
    ...(selection.timeoutCase ? { timeoutMs: selection.timeoutCase } : {}),
  });
  // What the guest runner would refuse is a suite error now, for every case, before a target starts.
  checkPlan(loaded, suite, selection.driver ? { driver: selection.driver } : {});
  const keep = caseFilter(selection.filter ?? []);
  const shard = selection.shard ? parseShard(selection.shard) : undefined;
  // Sharding comes after the filter and keeps each case's index, so shards merge back in suite order.
  const cases = suite.cases.filter((c) => keep(c) && (!shard || inShard(c.id, shard)));
  if (selection.filter?.length && cases.length === 0) {
    throw new UsageError(
      'LAB_FILTER_EMPTY',
      `--filter ${selection.filter.join(' ')}: expected at least one matching case in ${loaded.file}, found none (try \`lab list ${loaded.file}\`)`,
    );
  }
  return { loaded, suite: { ...suite, cases } };
}

/** Files the run needs must exist before anything starts; the message names who pointed at them. */
export async function requireFile(path: string, what: string, fix: string): Promise<void> {
  const rel = relative(process.cwd(), path);
  const shown = rel && !rel.startsWith('..') ? rel : path;
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Only a missing file "does not exist"; a folder lab may not enter says so, with the system's reason.
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`;
    throw new UsageError('LAB_FILE_MISSING', `${what} ${shown} ${why}. Fix: ${fix}`, { cause: error });
  }
  // A folder or a device (/dev/zero) would be copied and hashed forever.
  if (!info.isFile()) throw new UsageError('LAB_FILE_MISSING', `${what} ${shown} is not a regular file. Fix: ${fix}`);
}
