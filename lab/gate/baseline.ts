import { readReport } from '../report/read-report.js';
import type { GateSection } from '../report/run-report.js';
import type { CaseStatus } from '../verdict/case-result.js';
import { realStatus } from '../waivers/waiver-book.js';
import { gateOutcomeOf, type GateOutcome } from './outcome.js';

export interface BaselineCase {
  /** The status seen through any waiver. */
  status: Exclude<CaseStatus, 'waived'>;
  outcome: Exclude<GateOutcome, 'waived'>;
}

/** A previous run's verdicts by stable case id: all a gate needs of it (not its steps or logs). */
export interface Baseline {
  info: NonNullable<GateSection['baseline']>;
  cases: Map<string, BaselineCase>;
}

export async function loadBaseline(path: string, what = '--baseline'): Promise<Baseline> {
  const { file, report } = await readReport(path, what);
  const cases = new Map<string, BaselineCase>();
  for (const c of report.cases) {
    const status = realStatus(c);
    const outcome = gateOutcomeOf({ status, blame: c.blame });
    // Seen through its waiver a case is never `waived`.
    cases.set(c.id, { status, outcome: outcome === 'waived' ? 'fail' : outcome });
  }
  return {
    info: {
      path: file,
      runId: report.runId ?? '',
      suite: report.suite,
      startedAt: report.startedAt,
      status: report.status,
      ...(report.driver?.sha256 ? { driverSha256: report.driver.sha256 } : {}),
    },
    cases,
  };
}
