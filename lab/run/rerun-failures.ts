import type { Case } from '../suite/case.js';
import type { Attempt, CaseResult } from '../verdict/case-result.js';
import { withRetry } from './retry.js';
import { HARNESS_RETRY, runSessions, type SessionsInput } from './run-sessions.js';

const RERUN: ReadonlySet<CaseResult['status']> = new Set(['failed', 'crashed', 'hung']);

/**
 * `--repeat-failures N`: the driver's failures, crashes and hangs run again, each round on a clean target.
 * A case that passes on a rerun is `flaky` (neither passed nor failed) and keeps every attempt; one that
 * never passes keeps its last failure with the earlier attempts attached.
 */
export async function rerunFailures(input: SessionsInput, cases: Case[], results: Map<number, CaseResult>, repeats: number): Promise<{ stopped: boolean }> {
  for (let round = 1; round <= repeats; round++) {
    const again = cases.filter((c) => {
      const r = results.get(c.index);
      return r !== undefined && RERUN.has(r.status) && r.blame === 'product';
    });
    if (again.length === 0) break;
    input.reporters.onPhase('rerun', `round ${round} of ${repeats}: ${again.length} cases`);
    await withRetry(() => input.target.revert(input.signal), { ...HARNESS_RETRY, signal: input.signal });
    const outcome = await runSessions(
      {
        ...input,
        record: async (result) => {
          const merged = withAttempt(results.get(result.index), result, round);
          results.set(result.index, merged);
          await input.record(merged);
        },
      },
      again,
    );
    if (outcome.stopped) return { stopped: true };
  }
  return { stopped: false };
}

/** Only failures the driver is blamed for are rerun, so `previous` has a blame; `latest` may have passed. */
function withAttempt(previous: CaseResult | undefined, latest: CaseResult, round: number): CaseResult {
  if (!previous?.blame) return latest;
  const attempts: Attempt[] = [
    ...(previous.attempts ?? []),
    { status: previous.status, ...(previous.message ? { message: previous.message } : {}), blame: previous.blame },
  ];
  if (latest.status === 'passed') {
    const first = attempts[0];
    const firstLine = (first?.message ?? '').split('\n')[0];
    return {
      ...latest,
      status: 'flaky',
      attempts,
      message: `passed on rerun ${round} after ${attempts.length} ${attempts.length === 1 ? 'attempt' : 'attempts'} that did not (first: ${first?.status}${firstLine ? `: ${firstLine}` : ''})`,
    };
  }
  return latest.blame ? { ...latest, attempts } : latest;
}
