import { createReadStream, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError, type ErrorCode } from '../errors/lab-error.js';
import { readLines } from '../guest/line-splitter.js';
import { parseCase, readReport } from '../report/read-report.js';
import { ResultsStore } from '../report/results-store.js';
import type { RunHeader, RunReport } from '../report/run-report.js';
import { runOutcomeOfStore, withLostReports } from '../run/run-outcome.js';
import type { Reporter } from '../reporters/reporter.js';
import { ReporterMultiplexer } from '../reporters/multiplexer.js';
import { parseShard } from '../suite/shard.js';
import type { CaseResult } from '../verdict/case-result.js';

export interface MergeOptions {
  /** Merge although shards are missing: the report names them and the run is not `passed`. */
  allowPartial?: boolean;
}

/**
 * `lab merge`: the shards of one suite (from `--shard i/n` runs on a CI matrix) joined into one run's
 * reports, equal to an unsharded run's: cases in suite order, the summary and verdict recomputed from them.
 * It fails closed: every shard says which one of how many it is, so a missing or repeated shard is refused
 * (unless --allow-partial, and then the merged run says so and cannot pass); every report and case read is
 * checked against the report schema; the output folder is never one of the inputs.
 */
export async function mergeReports(
  dirs: string[],
  outDir: string,
  reporters: Reporter[],
  options: MergeOptions = {},
): Promise<{ header: RunHeader; exitCode: number }> {
  if (dirs.length === 0) throw new UsageError('LAB_MERGE_NOTHING', 'lab merge: expected one or more run folders (each with report.json), found none');
  const out = realpathSync(outDir);
  for (const dir of dirs) {
    if ((await realOf(dir)) === out)
      throw new UsageError(
        'LAB_MERGE_OUT_IS_INPUT',
        `lab merge: --out ${outDir} is also an input (${dir}); merging into it would overwrite that shard. Fix: give a new --out folder.`,
      );
  }
  const runs = await Promise.all(dirs.map((dir) => readReport(dir, 'lab merge:').then(({ report }) => ({ dir, report }))));
  const first = runs[0]!.report;
  for (const { dir, report } of runs) {
    if (report.suite !== first.suite)
      throw new UsageError(
        'LAB_MERGE_MISMATCH',
        `lab merge: ${dir} holds suite ${report.suite}, ${runs[0]!.dir} holds ${first.suite}; merge shards of one suite`,
      );
  }
  const missing = checkShards(runs, Boolean(options.allowPartial));

  const store = new ResultsStore(join(outDir, 'results.jsonl'));
  const seen = new Map<string, string>();
  for (const { dir, report } of runs) {
    for await (const c of casesOf(dir, report)) {
      const other = seen.get(c.id);
      if (other) throw new UsageError('LAB_MERGE_OVERLAP', `lab merge: case ${c.id} is in both ${other} and ${dir}; merge the shards of one run, each once`);
      seen.set(c.id, dir);
      await store.append(c);
    }
  }
  await store.close();
  const headers = runs.map(({ report }) => headerOf(report));
  const partial = missing.length
    ? {
        code: 'LAB_MERGE_PARTIAL' satisfies ErrorCode,
        message: `merged without shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (--allow-partial): their cases did not run here`,
      }
    : undefined;
  const interrupted = headers.some((h) => h.status === 'interrupted');
  const outcome = await runOutcomeOfStore(store.path, { interrupted, harnessFailure: Boolean(partial) || headers.some((h) => h.error !== undefined) });
  const targets = [...new Set(headers.map((h) => h.target))];
  const started = Math.min(...headers.map((h) => Date.parse(h.startedAt)));
  const ended = Math.max(...headers.map((h) => Date.parse(h.startedAt) + (h.durationMs ?? 0)));
  const firstHeader = headers[0]!;
  const header: RunHeader = {
    ...firstHeader,
    runId: `merged-${firstHeader.runId ?? 'run'}`,
    target: targets.join('+'),
    targetInfo: Object.assign({}, ...headers.map((h) => h.targetInfo ?? {})),
    status: outcome.status,
    startedAt: new Date(started).toISOString(),
    durationMs: ended - started,
    summary: outcome.summary,
    timings: sumTimings(headers),
    warnings: [...(partial ? [partial.message] : []), ...headers.flatMap((h) => h.warnings ?? [])],
    options: { ...firstHeader.options, shard: null, mergedFrom: dirs.map((d) => resolve(d)), ...(missing.length ? { missingShards: missing } : {}) },
  };
  const error = partial ?? headers.find((h) => h.error)?.error;
  if (error) header.error = error;
  else delete header.error;
  const multiplexer = new ReporterMultiplexer(reporters);
  await multiplexer.onEnd({ header, outDir, reportStartedAt: Date.now(), cases: () => ResultsStore.read(store.path) });
  return { header, exitCode: withLostReports(outcome.exitCode, multiplexer) };
}

/**
 * Shard runs record `shard: "i/n"`: all must be of one n, each i at most once, and (unless `allowPartial`)
 * every i from 1 to n there. Returns the missing ones. Unsharded runs are merged as they are (their cases
 * may not overlap).
 */
function checkShards(runs: Array<{ dir: string; report: RunReport }>, allowPartial: boolean): string[] {
  const shards = runs.map(({ dir, report }) => {
    const text = report.options?.shard;
    if (text === undefined || text === null) return { dir, shard: undefined };
    if (typeof text !== 'string')
      throw new UsageError('LAB_REPORT_INVALID', `lab merge: ${dir}/report.json: options.shard: expected "i/n", found ${JSON.stringify(text)}`);
    return { dir, shard: parseShard(text) };
  });
  const sharded = shards.filter((s) => s.shard);
  if (sharded.length === 0) return [];
  if (sharded.length < shards.length) {
    const plain = shards.find((s) => !s.shard)!;
    throw new UsageError('LAB_MERGE_MISMATCH', `lab merge: ${plain.dir} is not a shard run but ${sharded[0]!.dir} is; merge the shards of one sharded run`);
  }
  const count = sharded[0]!.shard!.count;
  const byIndex = new Map<number, string>();
  for (const { dir, shard } of sharded) {
    if (shard!.count !== count)
      throw new UsageError(
        'LAB_MERGE_MISMATCH',
        `lab merge: ${dir} is shard ${shard!.index}/${shard!.count}, ${sharded[0]!.dir} is one of ${count}; merge the shards of one split`,
      );
    const other = byIndex.get(shard!.index);
    if (other)
      throw new UsageError('LAB_MERGE_DUPLICATE', `lab merge: shard ${shard!.index}/${count} is given twice (${other} and ${dir}); give each shard once`);
    byIndex.set(shard!.index, dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1)
    .filter((i) => !byIndex.has(i))
    .map((i) => `${i}/${count}`);
  if (missing.length && !allowPartial) {
    throw new UsageError(
      'LAB_MERGE_INCOMPLETE',
      `lab merge: shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${count} ${missing.length === 1 ? 'is' : 'are'} missing; ` +
        `a merged report without them would pass cases that never ran. ` +
        `Fix: give every shard's folder, or --allow-partial to merge what there is ` +
        `(the report then says which are missing and does not pass).`,
    );
  }
  return missing;
}

/** A shard's cases: its results.jsonl when it has one (every line checked), else report.json's cases. */
async function* casesOf(dir: string, report: RunReport): AsyncGenerator<CaseResult> {
  const results = join(dir, 'results.jsonl');
  if (!(await stat(results).catch(() => undefined))?.isFile()) {
    yield* report.cases;
    return;
  }
  // The last line per case index wins (a resumed run stores a case again); lines are checked first.
  const latest = new Map<number, CaseResult>();
  let n = 0;
  for await (const line of readLines(createReadStream(results))) {
    n += 1;
    const c = parseCase(line, { argument: 'lab merge:', file: results, line: n });
    latest.set(c.index ?? n, c);
  }
  yield* [...latest.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
}

function headerOf(report: RunReport): RunHeader {
  const { cases: _cases, ...header } = report;
  return header;
}

async function realOf(path: string): Promise<string | undefined> {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function sumTimings(headers: RunHeader[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const h of headers) for (const [k, v] of Object.entries(h.timings ?? {})) total[k] = (total[k] ?? 0) + v;
  return total;
}
