import type { CaseResult } from '../verdict/case-result.js';
import type { WaiverBook } from '../waivers/waiver-book.js';
import type { Baseline } from './baseline.js';
import { classify } from './classify.js';
import { gateOutcomeOf } from './outcome.js';

export interface GateOptions {
  baseline?: Baseline;
  waivers?: WaiverBook;
  /** New cases that fail do not fail the gate (a suite that just grew cases for a known bug). */
  allowNewFailures: boolean;
}

/**
 * A case as every gated report shows it: `waived` when a live waiver covers it, and with a baseline its
 * class (regression, fixed, ...). Pure, so each reporter can map the streamed cases on its own.
 */
export function markCase(c: CaseResult, options: GateOptions): CaseResult {
  const shown = options.waivers ? options.waivers.apply(c) : c;
  if (!options.baseline) return shown;
  const before = options.baseline.cases.get(shown.id);
  return { ...shown, gate: { class: classify(gateOutcomeOf(shown), before?.outcome), ...(before ? { baselineStatus: before.status } : {}) } };
}

/** A new case blocks the gate only when it fails (unless new failures are allowed). */
export function isNewFailure(c: CaseResult): boolean {
  return c.gate?.class === 'new' && gateOutcomeOf(c) === 'fail';
}
