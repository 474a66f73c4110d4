import { countStatus, emptySummary, type GateSection, type RunStatus, type Summary } from '../report/run-report.js';
import type { CaseResult, GateClass } from '../verdict/case-result.js';
import { expiredMessage } from '../waivers/waiver-book.js';
import { isNewFailure, type GateOptions } from './mark-case.js';
import { gateOutcomeOf } from './outcome.js';

const CLASSES: GateClass[] = ['regression', 'fixed', 'still-failing', 'new', 'removed', 'waived', 'unchanged', 'not-run'];
const NAMED = 5;

export interface GateResult {
  section: GateSection;
  /** The run's summary with waived cases counted as `waived`. */
  summary: Summary;
  /** The run's status after waivers: `failed` only for failures no waiver covers. */
  status: RunStatus;
  /** The harness kept cases from running (or the run from finishing): exit 3 when nothing else fails. */
  harness: boolean;
}

/**
 * Adds up marked cases (one pass, in case order) into report.json's `gate` section and the verdict:
 * with a baseline the gate fails on regressions and on new failing cases (unless allowed); without one,
 * on any failure no waiver covers; in both, on every expired waiver.
 */
export class GateTally {
  private readonly summary = emptySummary();
  private readonly counts = Object.fromEntries(CLASSES.map((k) => [k, 0])) as Record<GateClass, number>;
  private readonly regressions: string[] = [];
  private readonly newFailures: string[] = [];
  private readonly fixed: string[] = [];
  /** Failures no waiver covers, for the verdict without a baseline. */
  private readonly failing: string[] = [];
  private readonly seen = new Set<string>();
  private waived = 0;
  private harnessCases = 0;

  constructor(private readonly options: GateOptions) {}

  add(c: CaseResult): void {
    countStatus(this.summary, c.status);
    this.seen.add(c.id);
    const outcome = gateOutcomeOf(c);
    if (outcome === 'fail') this.failing.push(c.id);
    if (outcome === 'waived') this.waived += 1;
    if (c.status === 'error' && c.blame === 'harness') this.harnessCases += 1;
    const klass = c.gate?.class;
    if (!klass) return;
    this.counts[klass] += 1;
    if (klass === 'regression') this.regressions.push(c.id);
    else if (klass === 'fixed') this.fixed.push(c.id);
    else if (isNewFailure(c)) this.newFailures.push(c.id);
  }

  result(run: { status: RunStatus; error?: unknown }): GateResult {
    const { baseline, waivers, allowNewFailures } = this.options;
    const removed = baseline ? [...baseline.cases].filter(([id]) => !this.seen.has(id)).map(([id, b]) => ({ id, status: b.status })) : [];
    this.counts.removed = removed.length;
    const expired = waivers?.expired() ?? [];
    const reasons: string[] = [];
    if (baseline) {
      if (this.regressions.length)
        reasons.push(`${plural(this.regressions.length, 'regression')}: passed in the baseline, failing now (${named(this.regressions)})`);
      if (this.newFailures.length && !allowNewFailures)
        reasons.push(
          `${plural(this.newFailures.length, 'new case')} failing, with no baseline result to compare (${named(this.newFailures)}). Fix: fix the driver, waive them, or pass --allow-new-failures`,
        );
    } else if (this.failing.length) {
      reasons.push(
        `${plural(this.failing.length, 'case')} failed, crashed or hung and no waiver covers ${this.failing.length === 1 ? 'it' : 'them'} (${named(this.failing)})`,
      );
    }
    for (const w of expired) reasons.push(expiredMessage(w));
    const harness = run.error !== undefined || this.harnessCases > 0;
    const status: RunStatus =
      run.status === 'interrupted' ? 'interrupted' : this.failing.length > 0 ? 'failed' : harness || run.status === 'error' ? 'error' : 'passed';
    const section: GateSection = {
      verdict: reasons.length ? 'fail' : 'pass',
      reasons,
      ...(baseline ? { baseline: baseline.info } : {}),
      allowNewFailures,
      counts: this.counts,
      regressions: this.regressions,
      newFailures: this.newFailures,
      fixed: this.fixed,
      removed,
      ...(waivers ? { waivers: { file: waivers.list.file, applied: this.waived, expired, unused: waivers.unused() } } : {}),
    };
    return { section, summary: this.summary, status, harness };
  }
}

/** The exit code CI reads: 1 when the gate fails, else 3 when the harness kept cases from running, else 0. */
export function gateExitCode(result: GateResult): 0 | 1 | 3 {
  if (result.section.verdict === 'fail') return 1;
  return result.harness ? 3 : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function named(ids: string[]): string {
  return ids.length > NAMED ? `${ids.slice(0, NAMED).join(', ')} and ${ids.length - NAMED} more` : ids.join(', ');
}
