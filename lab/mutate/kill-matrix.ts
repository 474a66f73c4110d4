import type { Blame, CaseResult } from '../verdict/case-result.js';
import type { Mutant } from './catalog.js';

export type MutantFate = 'killed' | 'survived' | 'not-observable';

export interface MutantRow {
  mutant: Mutant;
  fate: MutantFate;
  /** Case ids that told this mutant from the driver, with how each did not pass. */
  killedBy: Array<{ id: string; status: CaseResult['status'] }>;
  exitCode: number;
  durationMs: number;
  /** For a mutant this target cannot observe: why, for this target. */
  why?: string;
}

export interface KillMatrix {
  rows: MutantRow[];
  /** Killed among the mutants this target can observe. */
  killed: number;
  observable: number;
  score: number;
}

/** Blames that say the case judged nothing about the driver: lab or the target could not run it, the suite is wrong, or the target cannot show it. */
const NOT_THE_DRIVER: ReadonlySet<Blame | undefined> = new Set<Blame>(['harness', 'test', 'target']);

/** A case that told the driver under test apart: it did not pass, and not for a reason outside the driver. */
export function toldApart(c: CaseResult): boolean {
  return c.status !== 'passed' && c.status !== 'skipped' && !NOT_THE_DRIVER.has(c.blame);
}

/**
 * A mutant is killed when a case that passes on the real driver does not pass on it because of the
 * driver (a case the target could not run, a client Wine could not start, kills nothing). A mutant the catalog
 * says this target cannot observe (Wine's serial IRP dispatch hides a missing lock) is counted apart,
 * `observes` being what the target stands for in the catalog (its kind's registry entry says),
 * with its reason, instead of as a survivor the suite could have caught.
 */
export function killMatrix(
  observes: readonly string[],
  baselinePassed: ReadonlySet<string>,
  runs: Array<{ mutant: Mutant; cases: CaseResult[]; exitCode: number; durationMs: number }>,
): KillMatrix {
  const observableHere = (m: Mutant) => m.observableOn.some((o) => observes.includes(o));
  const rows = runs.map(({ mutant, cases, exitCode, durationMs }): MutantRow => {
    const killedBy = cases.filter((c) => baselinePassed.has(c.id) && toldApart(c)).map((c) => ({ id: c.id, status: c.status }));
    const fate: MutantFate = killedBy.length > 0 ? 'killed' : observableHere(mutant) ? 'survived' : 'not-observable';
    const why = fate === 'not-observable' ? (observes.map((o) => mutant.whyNot?.[o]).find(Boolean) ?? mutant.why) : undefined;
    return { mutant, fate, killedBy, exitCode, durationMs, ...(why ? { why } : {}) };
  });
  const observable = rows.filter((r) => r.fate !== 'not-observable').length;
  const killed = rows.filter((r) => r.fate === 'killed').length;
  return { rows, killed, observable, score: observable ? killed / observable : 1 };
}
