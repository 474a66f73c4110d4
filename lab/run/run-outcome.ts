import { ResultsStore } from '../report/results-store.js';
import { countStatus, emptySummary, type RunStatus, type Summary } from '../report/run-report.js';
import type { CaseResult } from '../verdict/case-result.js';

/** What the verdict needs of a case; the run keeps these (not whole results) for every case. */
export type Verdict = Pick<CaseResult, 'status' | 'blame'>;

export interface Outcome {
  summary: Summary;
  status: RunStatus;
  exitCode: 0 | 1 | 3 | 130;
}

interface How {
  interrupted: boolean;
  harnessFailure: boolean;
  driverFaults?: number;
}

/**
 * The run's verdict: the summary, report.json's status, and the exit code CI reads. 1 when the driver (or
 * the suite) failed anything; 3 when the only problems are the harness's (the lab or the target could not
 * run cases), never counted as driver failures; 130 when interrupted. Inconclusive cases (the target
 * lacks what they need) count for neither, but a run in which the target could judge no case at all is
 * a 3: nothing was tested, and CI must not read that as a pass.
 */
export function outcomeOf(verdicts: Iterable<Verdict>, how: How): Outcome {
  const summary = emptySummary();
  let productOrTest = 0;
  let harness = 0;
  let judged = 0;
  for (const r of verdicts) {
    countStatus(summary, r.status);
    if (r.status !== 'inconclusive' && r.status !== 'skipped') judged += 1;
    if (r.status === 'failed' || r.status === 'crashed' || r.status === 'hung' || r.status === 'error') {
      if (r.blame === 'harness') harness += 1;
      else productOrTest += 1;
    }
  }
  if (how.interrupted) return { summary, status: 'interrupted', exitCode: 130 };
  if (productOrTest > 0 || (how.driverFaults ?? 0) > 0) return { summary, status: 'failed', exitCode: 1 };
  if (how.harnessFailure || harness > 0 || (summary.inconclusive > 0 && judged === 0)) return { summary, status: 'error', exitCode: 3 };
  return { summary, status: 'passed', exitCode: 0 };
}

/** The same verdict from a results.jsonl on disk (`lab merge`), keeping only status and blame in memory. */
export async function outcomeOfStore(resultsPath: string, how: How): Promise<Outcome> {
  const verdicts: Verdict[] = [];
  for await (const r of ResultsStore.read(resultsPath)) verdicts.push({ status: r.status, ...(r.blame ? { blame: r.blame } : {}) });
  return outcomeOf(verdicts, how);
}
