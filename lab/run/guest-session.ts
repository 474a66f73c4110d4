import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toGuestCase } from '../guest/from-case.js';
import { encodePlan } from '../guest/plan-encoder.js';
import type { GuestPlanHeader } from '../guest/plan.js';
import type { GuestEvent } from '../guest/result.js';
import { decodeGuestLine, GuestLineError } from '../guest/result-decoder.js';
import { parseMarker } from '../logs/case-markers.js';
import type { DebugStream } from '../logs/debug-stream.js';
import { driverLogLines, MAX_SLICE_BYTES } from '../logs/driver-log-slice.js';
import type { Case } from '../suite/case.js';
import type { Target } from '../targets/target.js';
import type { CaseResult } from '../verdict/case-result.js';
import { judgeCase, unfinishedCase } from '../verdict/judge-case.js';

export interface SessionInput {
  target: Target;
  header: GuestPlanHeader;
  /** Guest paths of what deploy put there. */
  runner: string;
  client?: string;
  /** Guest paths of the suite's `files` (and the driver image), by name. */
  file?: (name: string) => string;
  /** Local file the plan is written to before it is put into the guest. */
  localPlan: string;
  debug: DebugStream;
  signal: AbortSignal;
  onCaseBegin(c: Case): void;
  onCaseEnd(result: CaseResult): Promise<void>;
  /** Raw stdout lines, for the run's guest-output.jsonl. */
  onGuestLine?(line: string): void;
  /** How long loading and, after the last case, unloading may take (defaults 60 s and 30 s). */
  timeouts?: { loadMs?: number; unloadMs?: number };
}

const LOAD_TIMEOUT_MS = 60_000;
const UNLOAD_TIMEOUT_MS = 30_000;

export type SessionStop =
  | { kind: 'end' }
  | { kind: 'crash'; index?: number }
  | { kind: 'hang'; index: number }
  | { kind: 'runner-exit'; exitCode: number | null; index?: number }
  | { kind: 'load-failed'; error: number; message: string; crash?: string }
  /** DriverEntry did not return: no load result within the load timeout. */
  | { kind: 'load-hung'; afterMs: number }
  /** Every case has its result but the driver did not unload (the runner never ended). */
  | { kind: 'unload-hung'; afterMs: number }
  | { kind: 'interrupted' };

export interface SessionOutcome {
  stop: SessionStop;
  /** Cases that got no result in this session and can run in the next one. */
  remaining: Case[];
  loadUs?: number;
  unload?: Extract<GuestEvent, { t: 'unload' }>;
  /** Lines from the guest that did not follow the protocol (a harness problem, reported as warnings). */
  badLines: string[];
  /** Wall-clock marks: session start, first case begun, session stopped (ms since the epoch). */
  marks: { start: number; firstBegin?: number; stopped: number };
}

/**
 * After a crash line, the session stops as soon as the guest runner moves on (its pending request fails
 * once the driver host is gone, which is after the target's debugger has written its report), or after
 * this long at most.
 */
const CRASH_GRACE_MS = 15_000;
const AFTER_CASE_LINE_MS = 300;

/**
 * One run of the guest runner over `cases`: writes and deploys the plan, starts the session, turns result
 * lines into judged cases as they come, and stops the session on the first crash or hang (the in-flight
 * case gets that verdict, cases after it come back in `remaining` for a fresh target).
 */
export async function runGuestSession(input: SessionInput, cases: Case[]): Promise<SessionOutcome> {
  const { target, debug } = input;
  const byIndex = new Map(cases.map((c) => [c.index, c]));
  await pipeline(Readable.from(encodePlan(input.header, cases.map((c) => toGuestCase(c, { client: input.client, file: input.file })))), createWriteStream(input.localPlan));
  const guestPlan = target.guestPath('plan.txt');
  await target.put(input.localPlan, guestPlan);

  const done = new Set<number>();
  let reported = 0;
  const badLines: string[] = [];
  let inFlight: { c: Case; timer: NodeJS.Timeout } | undefined;
  let crash: { signature: string; index?: number; before: string[] } | undefined;
  let stop: SessionStop | undefined;
  let loadUs: number | undefined;
  let unload: SessionOutcome['unload'];
  const judged = new Map<number, CaseResult>();
  const endMarkers = new Set<number>();
  let finalizing = Promise.resolve();
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const finish = (why: SessionStop) => {
    if (stop) return;
    stop = why;
    if (inFlight) clearTimeout(inFlight.timer);
    clearTimeout(phaseTimer);
    settle();
  };
  // Outside cases the driver can hang too: in DriverEntry (before the first result) and in its unload
  // routine (after the last). Each has its own bound, so a hung driver never hangs the run.
  const loadMs = input.timeouts?.loadMs ?? LOAD_TIMEOUT_MS;
  const unloadMs = input.timeouts?.unloadMs ?? UNLOAD_TIMEOUT_MS;
  let phaseTimer: NodeJS.Timeout | undefined = setTimeout(() => finish({ kind: 'load-hung', afterMs: loadMs }), loadMs);
  const loaded = () => {
    clearTimeout(phaseTimer);
    phaseTimer = undefined;
  };

  /** A case is written out once both its result line and its end marker are in, in arrival order. */
  const finalize = (index: number) => {
    const result = judged.get(index);
    if (!result || (!endMarkers.has(index) && !stop)) return;
    judged.delete(index);
    endMarkers.delete(index);
    done.add(index);
    const range = logRanges.get(index);
    logRanges.delete(index);
    finalizing = finalizing.then(async () => {
      const slice = debug.take(index).lines();
      // Read no more than a slice can show: a noisy driver may log megabytes in one case.
      const bytes = range && input.header.logPath && range[0] >= 0 ? await target.readGuestFile(input.header.logPath, range[0], Math.min(range[1], range[0] + MAX_SLICE_BYTES + 1)).catch(() => undefined) : undefined;
      const driverLog = driverLogLines(bytes);
      result.log = { debug: slice.lines, driverLog: driverLog.lines, ...(slice.truncated || driverLog.truncated ? { truncated: true } : {}) };
      await input.onCaseEnd(result);
    });
  };
  const logRanges = new Map<number, [number, number]>();

  const onEvent = (event: GuestEvent) => {
    if (stop && stop.kind !== 'end') return;
    if (crash && !(isCaseEvent(event) && crash.index !== undefined && event.index < crash.index)) {
      // Lines about earlier cases can still be in the pipe and count. Anything about the crashed case or
      // later is not to be trusted, but that the runner says it means the driver host is gone (after its
      // debugger wrote the report): time to stop.
      if (event.t !== 'hello' && event.t !== 'load') finish({ kind: 'crash', ...(crash.index !== undefined ? { index: crash.index } : {}) });
      return;
    }
    switch (event.t) {
      case 'load':
        loaded();
        if (event.error !== 0) finish({ kind: 'load-failed', error: event.error, message: event.message });
        else if (loadUs === undefined) loadUs = event.elapsedUs;
        return;
      case 'begin': {
        loaded();
        const c = byIndex.get(event.index);
        if (!c) return;
        marks.firstBegin ??= Date.now();
        if (inFlight) clearTimeout(inFlight.timer);
        inFlight = { c, timer: setTimeout(() => finish({ kind: 'hang', index: c.index }), c.timeoutMs) };
        input.onCaseBegin(c);
        return;
      }
      case 'case':
      case 'case-error': {
        const c = byIndex.get(event.index);
        if (!c) return;
        if (inFlight?.c.index === c.index) {
          clearTimeout(inFlight.timer);
          inFlight = undefined;
        }
        if (event.t === 'case' && event.log) logRanges.set(c.index, event.log);
        judged.set(c.index, judgeCase(c, event));
        finalize(c.index);
        if (++reported === cases.length) phaseTimer = setTimeout(() => finish({ kind: 'unload-hung', afterMs: unloadMs }), unloadMs);
        return;
      }
      case 'unload':
        unload = event;
        return;
      case 'end':
        finish({ kind: 'end' });
        return;
      case 'plan-error':
        badLines.push(`the guest runner could not read the plan (line ${event.line}): ${event.error}`);
        finish({ kind: 'runner-exit', exitCode: 2 });
        return;
      default:
        return;
    }
  };

  debug.newSession();
  const marks: SessionOutcome['marks'] = { start: Date.now(), stopped: 0 };
  const session = target.startSession([input.runner, guestPlan], {
    onStdout(line) {
      input.onGuestLine?.(line);
      try {
        onEvent(decodeGuestLine(line));
      } catch (error) {
        if (!(error instanceof GuestLineError)) throw error;
        if (badLines.length < 20) badLines.push(error.message);
      }
    },
    onDebug(line) {
      debug.push(line);
      const marker = line.source === 'user' ? parseMarker(line.text) : undefined;
      if (marker?.edge === 'end') {
        endMarkers.add(marker.index);
        finalize(marker.index);
      }
    },
    onCrash(signature) {
      if (crash || stop) return;
      // The debug stream orders the runner's case markers and the crash line (one pipe, written in that
      // order); stdout is a different pipe and may lag, so the marker decides which case was running.
      const index = debug.openCase ?? inFlight?.c.index;
      crash = { signature, ...(index !== undefined ? { index } : {}), before: index !== undefined ? debug.bufferOf(index).last(20) : debug.sessionLines().last(20) };
      if (inFlight) clearTimeout(inFlight.timer);
      clearTimeout(phaseTimer);
      phaseTimer = setTimeout(() => finish({ kind: 'crash', ...(index !== undefined ? { index } : {}) }), CRASH_GRACE_MS);
    },
  });
  const onAbort = () => finish({ kind: 'interrupted' });
  input.signal.addEventListener('abort', onAbort, { once: true });
  if (input.signal.aborted) onAbort();
  void session.exited.then(({ exitCode }) => {
    if (stop) return;
    // The runner's own exit: give the pipes a moment, then decide what it means.
    setTimeout(() => {
      if (crash) finish({ kind: 'crash', ...(crash.index !== undefined ? { index: crash.index } : {}) });
      else finish({ kind: 'runner-exit', exitCode, ...(inFlight ? { index: inFlight.c.index } : {}) });
    }, AFTER_CASE_LINE_MS);
  });

  await settled;
  marks.stopped = Date.now();
  input.signal.removeEventListener('abort', onAbort);
  // A crash's evidence is taken while the target still runs: its debugger may not have finished writing.
  const evidence = stop?.kind === 'crash' ? await target.crashEvidence().catch(() => undefined) : undefined;
  if (stop?.kind === 'end') {
    // Every result is in: Wine's teardown can happen while the reports are written (the target waits
    // for it before it reverts or is disposed).
    void session.kill();
  } else {
    await session.drain();
  }
  // Cases whose end marker never came (a crash right after) are written now, with what the stream has.
  for (const index of [...judged.keys()]) finalize(index);
  await finalizing;

  const finalStop = stop as SessionStop;
  const cut = await closeOut(finalStop, crash, evidence, byIndex, input, debug);
  const remaining = cases.filter((c) => !done.has(c.index) && !cut.has(c.index));
  return { stop: finalStop, remaining, ...(loadUs !== undefined ? { loadUs } : {}), ...(unload ? { unload } : {}), badLines, marks };
}

/** Verdicts for the case a crash, hang or dead runner cut off; returns the indexes it settled. */
async function closeOut(
  stop: SessionStop,
  crash: { signature: string; index?: number; before: string[] } | undefined,
  extra: Awaited<ReturnType<Target['crashEvidence']>>,
  byIndex: Map<number, Case>,
  input: SessionInput,
  debug: DebugStream,
): Promise<Set<number>> {
  const settled = new Set<number>();
  const index = stop.kind === 'crash' || stop.kind === 'hang' || stop.kind === 'runner-exit' ? stop.index : undefined;
  const c = index !== undefined ? byIndex.get(index) : undefined;
  if (!c) return settled;
  const buffer = debug.take(c.index);
  const lines = buffer.lines();
  let result: CaseResult;
  if (stop.kind === 'crash' && crash) {
    result = unfinishedCase(c, 'crashed', `the driver crashed during this case: ${crash.signature}`, 'product');
    result.evidence = {
      signature: crash.signature,
      lastLines: crash.before,
      ...(extra?.backtrace ? { backtrace: extra.backtrace } : {}),
      ...(extra?.dumpPath ? { dumpPath: extra.dumpPath } : {}),
    };
  } else if (stop.kind === 'hang') {
    result = unfinishedCase(c, 'hung', `no result within ${c.timeoutMs} ms: the driver did not complete a request (the guest was killed)`, 'product');
    result.evidence = { signature: `timeout after ${c.timeoutMs} ms`, lastLines: buffer.last(20) };
  } else {
    const code = stop.kind === 'runner-exit' ? stop.exitCode : null;
    result = unfinishedCase(c, 'error', `the guest runner exited (code ${code ?? 'unknown'}) in the middle of this case without a crash report from the driver`, 'harness');
  }
  result.durationMs = c.timeoutMs;
  result.log = { debug: lines.lines, driverLog: [], ...(lines.truncated ? { truncated: true } : {}) };
  settled.add(c.index);
  await input.onCaseEnd(result);
  return settled;
}

function isCaseEvent(event: GuestEvent): event is Extract<GuestEvent, { t: 'begin' | 'case' | 'case-error' }> {
  return event.t === 'begin' || event.t === 'case' || event.t === 'case-error';
}
