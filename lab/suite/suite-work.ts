import { combinationCount } from './matrix.js';
import type { RawCase } from './schema.js';

/**
 * What a suite asks of lab before any of it is expanded: the steps it holds in memory once expanded
 * (cases × steps) and the calls the guest makes (a `parallel` step repeats its steps threads × iterations
 * times). Both are bounded, so a typo in a range (1..100,000 cases of 1,000 steps once took 6 GB and three
 * minutes before V8 gave up) is a suite error in milliseconds.
 */
export const MAX_EXPANDED_STEPS = 1_000_000;
export const MAX_SUITE_CALLS = 100_000_000;

export interface SuiteWork {
  steps: number;
  calls: number;
  /** The template that contributes most, for the message. */
  largest: { index: number; combinations: number; steps: number; calls: number };
}

export function suiteWork(cases: readonly RawCase[]): SuiteWork {
  let steps = 0;
  let calls = 0;
  let largest = { index: 0, combinations: 0, steps: 0, calls: 0 };
  cases.forEach((template, index) => {
    const combinations = combinationCount(template.matrix);
    let perCaseSteps = 0;
    let perCaseCalls = 0;
    for (const step of template.steps) {
      if ('parallel' in step) {
        perCaseSteps += 1 + step.steps.length;
        perCaseCalls += numberOr(step.parallel.threads, 1) * numberOr(step.parallel.iterations, 1) * step.steps.length;
      } else {
        perCaseSteps += 1;
        perCaseCalls += 1;
      }
    }
    steps += combinations * perCaseSteps;
    calls += combinations * perCaseCalls;
    if (combinations * perCaseSteps > largest.combinations * largest.steps) largest = { index, combinations, steps: perCaseSteps, calls: perCaseCalls };
  });
  return { steps, calls, largest };
}

/** Counts may still be placeholders (`${n}`) before expansion: those count as 1 (the expansion checks each value). */
function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
