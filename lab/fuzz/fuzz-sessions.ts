/**
 * The fuzzer runs its calls through the run pipeline's sessions (lab/run/run-sessions.ts): deploy, the
 * guest runner, results as they come, crash and hang attribution with the target's evidence, a revert
 * after each, harness retries. This file adds what fuzzing needs on top: a clean target before every set
 * of cases after the first, and stopping early once a result says enough.
 */
import { join } from 'node:path';
import { DebugStream } from '../logs/debug-stream.js';
import { HARNESS_RETRY, runSessions, type SessionsInput } from '../run/run-sessions.js';
import { withRetry } from '../run/retry.js';
import type { Case, ExpandedSuite } from '../suite/case.js';
import type { Target } from '../targets/target.js';
import type { Blame, CaseResult } from '../verdict/case-result.js';

/** What a worker shares with `lab run`'s sessions: the suite, its target and files, Ctrl-C, the clock, warnings. */
export type FuzzWorkerInput = Pick<
  SessionsInput,
  'suite' | 'target' | 'outDir' | 'fileTag' | 'guestRunner' | 'signal' | 'clock' | 'reporters' | 'warn' | 'fault' | 'onGuestLine'
>;

/** Called with each case's result; true stops the cases that follow. */
// biome-ignore lint/suspicious/noConfusingVoidType: a callback that returns nothing is a void function, which TypeScript does not take where `undefined` is asked.
type OnResult = (result: CaseResult) => boolean | void;

/** One worker's target and debug stream, kept across exploration and shrinking. */
export class FuzzWorker {
  readonly debug: DebugStream;
  private prepared = false;
  private dirty = false;

  constructor(readonly input: FuzzWorkerInput) {
    this.debug = new DebugStream(join(input.outDir, `dbgview${input.fileTag}.log`));
  }

  get target(): Target {
    return this.input.target;
  }

  /**
   * Runs `cases` in order until every one has a result, or `onResult` returns true (the rest are then
   * not run), or `options.stop` or Ctrl-C aborts. `options.suite` gives the driver and device when the cases
   * come from another suite file (findings.yaml). Each call starts on a clean target. Returns whether the
   * cases were cut short, and whose fault it was when the driver did not load (every case then has an
   * `error` result saying why).
   */
  async run(cases: Case[], onResult: OnResult, options: { stop?: AbortSignal; suite?: ExpandedSuite } = {}): Promise<{ cut: boolean; loadBlame?: Blame }> {
    const { input } = this;
    const early = new AbortController();
    const signal = AbortSignal.any([input.signal, early.signal, ...(options.stop ? [options.stop] : [])]);
    await this.clean(signal);
    if (signal.aborted) return { cut: true };
    this.dirty = true;
    const outcome = await runSessions(
      {
        suite: options.suite ?? input.suite,
        target: input.target,
        outDir: input.outDir,
        fileTag: input.fileTag,
        guestRunner: input.guestRunner,
        signal,
        clock: input.clock,
        debug: this.debug,
        reporters: input.reporters,
        warn: input.warn,
        fault: input.fault,
        ...(input.onGuestLine ? { onGuestLine: input.onGuestLine } : {}),
        record: async (result) => {
          if (onResult(result) === true) early.abort();
        },
      },
      cases,
    );
    return { cut: outcome.stopped, ...(outcome.loadBlame ? { loadBlame: outcome.loadBlame } : {}) };
  }

  private async clean(signal: AbortSignal): Promise<void> {
    const { target, clock, warn } = this.input;
    if (!this.prepared) {
      await clock.time('prepare', () =>
        withRetry(() => target.prepare(signal), {
          ...HARNESS_RETRY,
          signal,
          onRetry: (n, e, ms) => warn(`preparing ${target.name} failed (attempt ${n}): ${e.message}; retrying in ${ms} ms`),
        }),
      );
      this.prepared = true;
      return;
    }
    if (!this.dirty) return;
    await clock.time('revert', () =>
      withRetry(() => target.revert(signal), {
        ...HARNESS_RETRY,
        signal,
        onRetry: (n, e, ms) => warn(`reverting ${target.name} failed (attempt ${n}): ${e.message}; retrying in ${ms} ms`),
      }),
    );
    this.dirty = false;
  }

  async close(): Promise<void> {
    await this.debug.close();
  }
}
