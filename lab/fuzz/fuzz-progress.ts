/**
 * The terminal during a fuzz run: on a TTY a status line redrawn a few times a second (calls, calls/s,
 * codes covered, findings, time left); elsewhere (CI, pipes) a line every 10 s. Findings, phases and
 * warnings are lines of their own either way. Driver and suite text goes out with its control characters
 * made visible.
 */
import { visible } from '../text/visible.js';
import type { Reporter } from '../reporters/reporter.js';

export interface ProgressOptions {
  live: boolean;
  write?: (text: string) => void;
}

const REDRAW_MS = 250;
const CI_EVERY_MS = 10_000;

export class FuzzProgress {
  private readonly write: (text: string) => void;
  private calls = 0;
  private codes = 0;
  private findings = 0;
  private startedAt = 0;
  private endsAt: number | undefined;
  private lastDraw = 0;
  private lastLine = 0;
  private drawn = false;
  private timer: NodeJS.Timeout | undefined;
  private searching = false;

  constructor(private readonly options: ProgressOptions) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  static forStdout(): FuzzProgress {
    return new FuzzProgress({ live: Boolean(process.stdout.isTTY) && !process.env.CI });
  }

  line(text: string): void {
    this.clear();
    this.write(`${visible(text)}\n`);
    if (this.searching && this.options.live) this.draw();
  }

  /** The search began; `budgetMs` when the budget is time. */
  searchBegan(budgetMs?: number): void {
    this.startedAt = Date.now();
    this.lastLine = this.startedAt;
    if (budgetMs !== undefined) this.endsAt = this.startedAt + budgetMs;
    this.searching = true;
    if (this.options.live) this.timer = setInterval(() => this.draw(), REDRAW_MS).unref();
  }

  update(calls: number, codes: number, findings: number): void {
    this.calls = calls;
    this.codes = codes;
    this.findings = findings;
    const now = Date.now();
    if (this.options.live) {
      if (now - this.lastDraw >= REDRAW_MS) this.draw();
    } else if (now - this.lastLine >= CI_EVERY_MS) {
      this.lastLine = now;
      this.write(`${this.status()}\n`);
    }
  }

  searchEnded(): void {
    if (!this.searching) return;
    this.searching = false;
    clearInterval(this.timer);
    this.clear();
    this.write(`${this.status()}\n`);
  }

  /** What the run pipeline reports (phases, warnings) on the way, as a reporter. */
  reporter(onWarning: (message: string) => void): Reporter {
    return { name: 'fuzz-progress', onWarning };
  }

  private status(): string {
    const elapsed = Math.max(1, Date.now() - this.startedAt);
    const rate = Math.round((this.calls / elapsed) * 1000);
    const left = this.endsAt !== undefined ? ` · ${Math.max(0, Math.ceil((this.endsAt - Date.now()) / 1000))} s left` : '';
    return (
      `lab fuzz: ${this.calls.toLocaleString('en')} calls (${rate.toLocaleString('en')}/s) · ` +
      `${this.codes.toLocaleString('en')} codes · ${this.findings} finding${this.findings === 1 ? '' : 's'}${left}`
    );
  }

  private draw(): void {
    if (!this.searching) return;
    this.lastDraw = Date.now();
    this.write(`\r\x1b[2K${this.status()}`);
    this.drawn = true;
  }

  private clear(): void {
    if (!this.drawn) return;
    this.write('\r\x1b[2K');
    this.drawn = false;
  }
}
