import { dirname, join } from 'node:path';
import { ResultsStore } from '../report/results-store.js';
import { JsonReporter } from '../reporters/json.js';
import { newRunId } from '../run/run-id.js';
import { runSuite } from '../run/run-suite.js';
import type { ExpandedSuite } from '../suite/case.js';
import { createTarget, type TargetRef } from '../targets/create-target.js';
import type { CaseResult } from '../verdict/case-result.js';

export interface DriverRun {
  cases: CaseResult[];
  exitCode: number;
  durationMs: number;
}

/** One quiet run of the suite against one driver image, its report in `outDir`. */
export async function runAgainst(
  suite: ExpandedSuite,
  image: string,
  targetRef: TargetRef,
  outDir: string,
  guestRunner: string,
  signal: AbortSignal,
): Promise<DriverRun> {
  const withImage: ExpandedSuite = { ...suite, driver: { ...suite.driver, image } };
  const runId = newRunId(suite.name, targetRef.name);
  const target = createTarget(targetRef, { runId, keep: false, toolsDir: dirname(guestRunner) });
  const started = Date.now();
  try {
    const { exitCode } = await runSuite({
      suite: withImage,
      cases: suite.cases,
      target,
      runId,
      outDir,
      guestRunner,
      reporters: [new JsonReporter()],
      signal,
      options: { mutation: image },
    });
    const cases: CaseResult[] = [];
    for await (const c of ResultsStore.read(join(outDir, 'results.jsonl'))) cases.push(c);
    return { cases, exitCode, durationMs: Date.now() - started };
  } finally {
    await target.dispose();
  }
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
