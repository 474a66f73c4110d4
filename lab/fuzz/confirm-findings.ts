/**
 * A finding is only handed back once the case written for it does what it says: findings.yaml is read
 * back as any suite is (schema, rules, the runner's limits), expanded, and run by the run pipeline on a
 * clean target. A case that passes there is marked unconfirmed (a fault of lab's shrinking or writing, never
 * the driver's), and its finding says so.
 */
import { checkPlan } from '../guest/check-plan.js';
import { expandSuite } from '../suite/expand.js';
import { loadSuite } from '../suite/load-suite.js';
import type { CaseResult, CaseStatus } from '../verdict/case-result.js';
import type { FuzzWorker } from './fuzz-sessions.js';
import type { FindingKind } from './fuzz-report.js';

/** What the case of each kind must give when the defect is there. */
const EXPECTED: Record<FindingKind, CaseStatus> = { crash: 'crashed', hang: 'hung', divergence: 'failed' };

export interface Confirmation {
  confirmed: boolean;
  text: string;
}

/** Runs every case of findings.yaml; `kinds[i]` is what case i was written for. */
export async function confirmFindings(worker: FuzzWorker, file: string, kinds: FindingKind[], target: { kind: string; name: string }): Promise<Confirmation[]> {
  const loaded = await loadSuite(file);
  const suite = expandSuite(loaded, { target });
  checkPlan(loaded, suite, {});
  const results = new Map<number, CaseResult>();
  await worker.run(
    suite.cases,
    (result) => {
      results.set(result.index, result);
    },
    { suite },
  );
  return kinds.map((kind, i) => {
    const c = suite.cases[i];
    const result = c ? results.get(c.index) : undefined;
    if (!result) return { confirmed: false, text: 'not run (the run was interrupted)' };
    const want = EXPECTED[kind];
    if (result.status === want)
      return { confirmed: true, text: `${result.status} when run from findings.yaml${result.message ? `: ${result.message.split('\n')[0]}` : ''}` };
    return {
      confirmed: false,
      text: `expected ${want} when run from findings.yaml, got ${result.status}${result.message ? `: ${result.message.split('\n')[0]}` : ''}`,
    };
  });
}
