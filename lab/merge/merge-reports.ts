import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors/lab-error.js';
import { ResultsStore } from '../report/results-store.js';
import type { RunHeader, RunReport } from '../report/run-report.js';
import { outcomeOfStore } from '../run/run-outcome.js';
import type { Reporter } from '../reporters/reporter.js';
import { ReporterMultiplexer } from '../reporters/multiplexer.js';

/**
 * `lab merge`: the shards of one suite (from `--shard i/n` runs on a CI matrix) joined into one run's
 * reports, equal to an unsharded run's: cases in suite order, the summary and verdict recomputed from them.
 */
export async function mergeReports(dirs: string[], outDir: string, reporters: Reporter[]): Promise<{ header: RunHeader; exitCode: number }> {
  if (dirs.length === 0) throw new UsageError('LAB_MERGE_NOTHING', 'lab merge: expected one or more run folders (each with report.json), found none');
  const headers = await Promise.all(dirs.map(readHeader));
  const first = headers[0]!;
  for (const [i, h] of headers.entries()) {
    if (h.suite !== first.suite) throw new UsageError('LAB_MERGE_MISMATCH', `lab merge: ${dirs[i]} holds suite ${h.suite}, ${dirs[0]} holds ${first.suite}; merge shards of one suite`);
  }
  const store = new ResultsStore(join(outDir, 'results.jsonl'));
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    for await (const c of ResultsStore.read(join(dir, 'results.jsonl'))) {
      const other = seen.get(c.id);
      if (other) throw new UsageError('LAB_MERGE_OVERLAP', `lab merge: case ${c.id} is in both ${other} and ${dir}; merge the shards of one run, each once`);
      seen.set(c.id, dir);
      await store.append(c);
    }
  }
  await store.close();
  const interrupted = headers.some((h) => h.status === 'interrupted');
  const outcome = await outcomeOfStore(store.path, { interrupted, harnessFailure: headers.some((h) => h.error !== undefined) });
  const targets = [...new Set(headers.map((h) => h.target))];
  const started = Math.min(...headers.map((h) => Date.parse(h.startedAt)));
  const ended = Math.max(...headers.map((h) => Date.parse(h.startedAt) + h.durationMs));
  const header: RunHeader = {
    ...first,
    runId: `merged-${first.runId}`,
    target: targets.join('+'),
    targetInfo: Object.assign({}, ...headers.map((h) => h.targetInfo)),
    status: outcome.status,
    startedAt: new Date(started).toISOString(),
    durationMs: ended - started,
    summary: outcome.summary,
    timings: sumTimings(headers),
    warnings: headers.flatMap((h) => h.warnings),
    options: { ...first.options, shard: null, mergedFrom: dirs.map((d) => resolve(d)) },
  };
  const errors = headers.filter((h) => h.error);
  if (errors.length) header.error = errors[0]!.error!;
  else delete header.error;
  await new ReporterMultiplexer(reporters).onEnd({ header, outDir, reportStartedAt: Date.now(), cases: () => ResultsStore.read(store.path) });
  return { header, exitCode: outcome.exitCode };
}

async function readHeader(dir: string): Promise<RunHeader> {
  let report: RunReport;
  try {
    report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunReport;
  } catch {
    throw new UsageError('LAB_MERGE_NOT_A_RUN', `lab merge: ${dir} holds no readable report.json; expected the --out folder of a lab run`);
  }
  const { cases: _cases, ...header } = report;
  return header;
}

function sumTimings(headers: RunHeader[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const h of headers) for (const [k, v] of Object.entries(h.timings)) total[k] = (total[k] ?? 0) + v;
  return total;
}
