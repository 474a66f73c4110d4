import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Case } from '../suite/case.js';
import type { CaseResult, CaseStatus } from '../verdict/case-result.js';
import type { FinalReport, Reporter, RunBegin } from './reporter.js';
import { STATUS_MARK } from './status-mark.js';
import { plural } from '../verdict/plural.js';
import { gateLines, type NamedCase } from '../gate/gate-lines.js';
import { visible } from '../text/visible.js';

export interface TerminalOptions {
  /** Live, redrawn progress (a terminal) or plain lines (CI, pipes). */
  live: boolean;
  write?: (text: string) => void;
  /** Cases listed at the end with their messages. */
  listLimit?: number;
}

const REDRAW_MS = 100;

/**
 * The terminal: a live status line on a TTY, quiet line-based output elsewhere (a line per case that did
 * not pass, progress every 10%), and at the end the summary, the cases that did not pass, and where the
 * reports are.
 */
export class TerminalReporter implements Reporter {
  readonly name = 'terminal';
  private readonly write: (text: string) => void;
  private readonly say: (text: string) => void;
  private total = 0;
  private done = 0;
  private readonly counts: Partial<Record<CaseStatus, number>> = {};
  private current = '';
  private phase = '';
  private lastDraw = 0;
  private nextMilestone = 0.1;
  private drawn = false;
  /** Consecutive cases that did not pass for the same reason are printed once, with a count. */
  private streak = { key: '', count: 0 };

  constructor(private readonly options: TerminalOptions) {
    const raw = options.write ?? ((text: string) => process.stdout.write(text));
    this.write = raw;
    // Everything but lab's own redraw sequences goes out with control characters made visible: driver
    // text (messages, debug lines) and suite text (case ids from matrix values) must not steer the terminal.
    this.say = (text) => raw(visible(text));
  }

  static forStdout(): TerminalReporter {
    return new TerminalReporter({ live: Boolean(process.stdout.isTTY) && !process.env.CI });
  }

  onBegin(run: RunBegin): void {
    this.total = run.total;
    this.line(`lab: ${run.suite} on ${run.target}: ${run.total} cases → ${relative(process.cwd(), run.outDir) || '.'}`);
  }

  onPhase(phase: string, detail?: string): void {
    this.flushStreak();
    this.phase = phase;
    if (this.options.live) this.draw(true);
    else if (phase !== 'execute' || this.done === 0) this.line(`lab: ${phase}${detail ? ` (${detail})` : ''}`);
  }

  onCaseBegin(c: Case): void {
    this.current = c.id;
    if (this.options.live) this.draw(false);
  }

  onCaseEnd(result: CaseResult): void {
    this.done += 1;
    this.counts[result.status] = (this.counts[result.status] ?? 0) + 1;
    if (result.status !== 'passed' && result.status !== 'skipped') {
      const key = `${result.status}\n${firstLine(why(result))}`;
      if (key === this.streak.key) this.streak.count += 1;
      else {
        this.flushStreak();
        this.streak = { key, count: 0 };
        this.line(`${STATUS_MARK[result.status]} ${result.status.padEnd(7)} ${result.id}  ${firstLine(why(result))}`);
      }
    }
    if (this.options.live) this.draw(false);
    else if (this.total > 0 && this.done / this.total >= this.nextMilestone && this.done < this.total) {
      this.line(`lab: ${this.done}/${this.total} cases done (${this.counts.passed ?? 0} passed)`);
      while (this.done / this.total >= this.nextMilestone) this.nextMilestone += 0.1;
    }
  }

  onWarning(message: string): void {
    this.line(`lab: warning: ${message}`);
  }

  async onEnd(report: FinalReport): Promise<void> {
    this.flushStreak();
    this.clear();
    const h = report.header;
    const s = h.summary;
    const parts = (['passed', 'failed', 'crashed', 'hung', 'error', 'flaky', 'waived', 'inconclusive', 'skipped'] as const)
      .filter((k) => (s[k] ?? 0) > 0)
      .map((k) => `${s[k]} ${k}`);
    // Cases that did not pass, grouped: one entry per distinct reason, with how many more share it.
    // Cases the target could not judge are not failures: listed apart, after them.
    const limit = this.options.listLimit ?? 30;
    const failures = new Grouping(limit);
    const gapCases = new Grouping(limit);
    // The cases the gate names get their status and first line of why.
    const named = new Map<string, NamedCase>();
    for await (const c of report.cases()) {
      if (h.gate && (c.gate?.class === 'regression' || c.gate?.class === 'new'))
        named.set(c.id, { status: c.status, ...(c.message ? { message: c.message } : {}) });
      if (c.status === 'passed' || c.status === 'skipped' || c.status === 'waived') continue;
      if (c.status === 'inconclusive') gapCases.add(c.targetGap.functions.join(','), c);
      else failures.add(`${c.status}\n${c.message}`, c);
    }
    const groups = failures.groups;
    const gaps = gapCases.groups;
    const unlisted = failures.unlisted;
    this.say('\n');
    if (groups.length) {
      this.say('Cases that did not pass:\n');
      for (const { first: c, more } of groups) {
        this.say(`  ${STATUS_MARK[c.status]} ${c.id} (${c.status}${c.blame ? `, ${c.blame}` : ''})${more ? ` and ${more} more with the same result` : ''}\n`);
        for (const l of (c.message ?? '').split('\n').slice(0, 12)) this.say(`      ${l}\n`);
      }
      if (unlisted > 0) this.say(`  ... and ${unlisted} more (see report.html)\n`);
      this.say('\n');
    }
    if (gaps.length) {
      this.say(`Cases ${h.target} could not judge (inconclusive: a gap of the target, not a failure of the driver):\n`);
      for (const { first: c, more } of gaps) {
        this.say(`  ${STATUS_MARK[c.status]} ${c.id}${more ? ` and ${more} more like it` : ''}\n`);
        for (const l of (c.message ?? '').split('\n').slice(0, 6)) this.say(`      ${l}\n`);
      }
      this.say('\n');
    }
    if (h.error) this.say(`lab could not finish the run: ${h.error.message}\n`);
    if (h.gate) this.say(`${gateLines(h.gate, named).join('\n')}\n`);
    this.say(`${h.suite} on ${h.target}: ${h.status.toUpperCase()}: ${s.total} cases: ${parts.join(', ') || 'none'} (${(h.durationMs / 1000).toFixed(1)} s)\n`);
  }

  /** Where the reports are: only the files the reporters wrote, report.html first, and the debug log. */
  onWritten(files: readonly string[], report: FinalReport): void {
    // Relative only inside the working folder: "../../tmp/x" says less than the absolute path.
    const near = relative(process.cwd(), report.outDir);
    const dir = near === '' ? '.' : near.startsWith('..') || isAbsolute(near) ? report.outDir : near;
    const logs = existsSync(join(report.outDir, 'dbgview.log')) ? ['dbgview.log'] : [];
    const ordered = [...files].sort((a, b) => Number(b === 'report.html') - Number(a === 'report.html'));
    const [first, ...rest] = ordered;
    if (first) this.say(`reports: ${dir}/${first}${[...rest, ...logs].length ? ` (${[...rest, ...logs].join(', ')})` : ''}\n`);
    else if (logs.length) this.say(`no report files (--reporter terminal); the debug log: ${dir}/${logs[0]}\n`);
  }

  private flushStreak(): void {
    if (this.streak.count > 0) this.line(`  ... and ${plural(this.streak.count, 'more case')} with the same result`);
    this.streak = { key: '', count: 0 };
  }

  private line(text: string): void {
    this.clear();
    this.say(`${text}\n`);
    if (this.options.live) this.draw(true);
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const bad = (this.counts.failed ?? 0) + (this.counts.crashed ?? 0) + (this.counts.hung ?? 0) + (this.counts.error ?? 0);
    const status = `[${this.done}/${this.total}] ${this.counts.passed ?? 0} passed${bad ? `, ${bad} not` : ''} · ${this.phase}${this.current && this.phase === 'execute' ? ` ${this.current}` : ''}`;
    const width = process.stdout.columns ?? 100;
    this.write(`\r\x1b[2K${visible(status, { oneLine: true }).slice(0, width - 1)}`);
    this.drawn = true;
  }

  private clear(): void {
    if (this.options.live && this.drawn) {
      this.write('\r\x1b[2K');
      this.drawn = false;
    }
  }
}

/** Cases by reason, the first of each with how many more share it, up to `limit` reasons. */
class Grouping {
  readonly groups: Array<{ first: CaseResult; more: number }> = [];
  private readonly byKey = new Map<string, { first: CaseResult; more: number }>();
  unlisted = 0;

  constructor(private readonly limit: number) {}

  add(key: string, c: CaseResult): void {
    const group = this.byKey.get(key);
    if (group) group.more += 1;
    else if (this.groups.length < this.limit) {
      const made = { first: c, more: 0 };
      this.byKey.set(key, made);
      this.groups.push(made);
    } else this.unlisted += 1;
  }
}

/** A waived case is not news: the line says it is known and why, not the failure again. */
function why(result: CaseResult): string | undefined {
  return result.status === 'waived' ? `known ${result.waiver.status}, waived: ${result.waiver.reason}` : result.message;
}

function firstLine(text: string | undefined): string {
  const line = (text ?? '').split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
