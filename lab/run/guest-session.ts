import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toGuestCase } from '../guest/from-case.js';
import { encodePlan } from '../guest/plan-encoder.js';
import type { GuestPlanHeader } from '../guest/plan.js';
import type { GuestEvent } from '../guest/result.js';
import { decodeGuestLine, GuestLineError } from '../guest/result-decoder.js';
import { writeError } from '../files/write-error.js';
import { parseMarker } from '../logs/case-markers.js';
import type { DebugStream } from '../logs/debug-stream.js';
import { driverLogLines, MAX_SLICE_BYTES } from '../logs/driver-log-slice.js';
import type { Case } from '../suite/case.js';
import type { Target } from '../targets/target.js';
import type { CaseResult, CrashEvidence } from '../verdict/case-result.js';
import { judgeCase, unfinishedCase } from '../verdict/judge-case.js';
import { applyTargetGaps } from '../verdict/target-gap.js';
import { SessionMachine, type Effect, type MachineEvent, type SessionStop, type TimerName } from './session-machine.js';

export type { SessionStop } from './session-machine.js';

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
/**
 * After a crash the session stops as soon as the guest runner moves on (its pending request fails once
 * the kernel side is gone), or after this long at most: a bugcheck's evidence may still be on its way...
 */
const CRASH_GRACE_MS = 15_000;
/** ...while a driver host's end arrives with its evidence: only the runner's stdout may lag behind it. */
const HOST_GRACE_MS = 3_000;
const AFTER_CASE_LINE_MS = 300;

export interface SessionOutcome {
  stop: SessionStop;
  /** Cases that got no result in this session and can run in the next one. */
  remaining: Case[];
  loadUs?: number;
  unload?: Extract<GuestEvent, { t: 'unload' }>;
  /** Lines from the guest that did not follow the protocol (a harness problem, reported as warnings). */
  badLines: string[];
  /** What went wrong around the cases without being the driver's doing (unreadable logs, missing evidence). */
  warnings: string[];
  /** The debug lines of the load (outside any case), for a load that failed. */
  loadLines: string[];
  /** The crash evidence, when the session stopped on one outside any case (DriverEntry, unload). */
  evidence?: CrashEvidence;
  /** Wall-clock marks: session start, first case begun, session stopped (ms since the epoch). */
  marks: { start: number; firstBegin?: number; stopped: number };
}

/**
 * One run of the guest runner over `cases`: writes and deploys the plan, starts the session, feeds what
 * happens to the session machine (session-machine.ts decides; this file only does the I/O), writes each
 * case as it is settled, and stops the session on the first crash or hang (the in-flight case gets that
 * verdict, cases after it come back in `remaining` for a fresh target).
 */
export async function runGuestSession(input: SessionInput, cases: Case[]): Promise<SessionOutcome> {
  const { target, debug } = input;
  const byIndex = new Map(cases.map((c) => [c.index, c]));
  // pipeline listens for the file stream's errors; a full disk becomes LAB_WRITE_FAILED naming plan.txt.
  await pipeline(
    Readable.from(
      encodePlan(
        input.header,
        cases.map((c) => toGuestCase(c, { client: input.client, file: input.file })),
      ),
    ),
    createWriteStream(input.localPlan),
  ).catch((error: unknown) => {
    throw writeError(input.localPlan, error);
  });
  const guestPlan = target.guestPath('plan.txt');
  await target.put(input.localPlan, guestPlan);

  const machine = new SessionMachine(new Map(cases.map((c) => [c.index, c.timeoutMs])), {
    loadMs: input.timeouts?.loadMs ?? LOAD_TIMEOUT_MS,
    unloadMs: input.timeouts?.unloadMs ?? UNLOAD_TIMEOUT_MS,
    crashGraceMs: CRASH_GRACE_MS,
    hostGraceMs: HOST_GRACE_MS,
  });
  const badLines: string[] = [];
  const warnings: string[] = [];
  const judged = new Map<number, { result: CaseResult; log?: [number, number] }>();
  const done = new Set<number>();
  const timers = new Map<TimerName, NodeJS.Timeout>();
  let crashLines: string[] = [];
  let loadUs: number | undefined;
  let unload: SessionOutcome['unload'];
  let writing = Promise.resolve();
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const marks: SessionOutcome['marks'] = { start: Date.now(), stopped: 0 };

  const write = (index: number) => {
    const entry = judged.get(index);
    if (!entry) return;
    judged.delete(index);
    done.add(index);
    writing = writing.then(async () => {
      const slice = debug.take(index).lines();
      // Read no more than a slice can show: a noisy driver may log megabytes in one case.
      const range = entry.log;
      const bytes =
        range && input.header.logPath && range[0] >= 0
          ? await target.readGuestFile(input.header.logPath, range[0], Math.min(range[1], range[0] + MAX_SLICE_BYTES + 1)).catch((error: Error) => {
              warnings.push(`${entry.result.id}: the driver log slice could not be read from ${input.header.logPath}: ${error.message}`);
              return undefined;
            })
          : undefined;
      const driverLog = driverLogLines(bytes);
      const result = applyTargetGaps(entry.result, machine.gapsOf(index), target.name);
      result.log = { debug: slice.lines, driverLog: driverLog.lines, ...(slice.truncated || driverLog.truncated ? { truncated: true } : {}) };
      await input.onCaseEnd(result);
    });
  };
  const apply = (effects: Effect[]) => {
    for (const e of effects) {
      switch (e.do) {
        case 'arm':
          clearTimeout(timers.get(e.timer));
          timers.set(
            e.timer,
            setTimeout(() => feed({ t: 'timeout', timer: e.timer }), e.ms),
          );
          break;
        case 'disarm':
          clearTimeout(timers.get(e.timer));
          timers.delete(e.timer);
          break;
        case 'begun': {
          const c = byIndex.get(e.index);
          marks.firstBegin ??= Date.now();
          if (c) input.onCaseBegin(c);
          break;
        }
        case 'crashed':
          crashLines = (e.index !== undefined ? debug.bufferOf(e.index) : debug.sessionLines()).last(20);
          break;
        case 'write':
          write(e.index);
          break;
        case 'stop':
          settle();
          break;
      }
    }
  };
  const feed = (event: MachineEvent) => apply(machine.handle(event, Date.now()));

  const onGuestEvent = (event: GuestEvent) => {
    switch (event.t) {
      case 'load':
        if (event.error === 0 && loadUs === undefined) loadUs = event.elapsedUs;
        return feed({ t: 'load', error: event.error, message: event.message });
      case 'begin':
        return byIndex.has(event.index) ? feed({ t: 'begin', index: event.index }) : undefined;
      case 'case':
      case 'case-error': {
        const c = byIndex.get(event.index);
        if (!c) return;
        // Judged now, written when the machine says (its end marker may still be on the way).
        if (!done.has(c.index)) judged.set(c.index, { result: judgeCase(c, event), ...(event.t === 'case' && event.log ? { log: event.log } : {}) });
        return feed({ t: 'result', index: c.index });
      }
      case 'unload':
        // After a crash the runner's final unload only reports the dead host: not the driver's unload.
        if (!machine.stop || machine.stop.kind === 'end') unload = event;
        return;
      case 'end':
        return feed({ t: 'end' });
      case 'plan-error':
        badLines.push(`the guest runner could not read the plan (line ${event.line}): ${event.error}`);
        return feed({ t: 'plan-error' });
      default:
        return;
    }
  };

  debug.newSession();
  const services = [
    ...new Set(
      [input.header.driver?.service, ...cases.flatMap((c) => c.steps.flatMap((s) => (s.kind === 'load' ? [s.service] : [])))].filter((s): s is string =>
        Boolean(s),
      ),
    ),
  ];
  apply(machine.start());
  const session = target.startSession(
    [input.runner, guestPlan],
    {
      onStdout(line) {
        input.onGuestLine?.(line);
        try {
          onGuestEvent(decodeGuestLine(line));
        } catch (error) {
          if (!(error instanceof GuestLineError)) throw error;
          if (badLines.length < 20) badLines.push(error.message);
        }
      },
      onDebug(line) {
        debug.push(line);
        const marker = line.source === 'user' ? parseMarker(line.text) : undefined;
        if (marker) feed({ t: 'marker', edge: marker.edge, index: marker.index });
      },
      onCrash: (signature) => feed({ t: 'crash', signature }),
      onHostExit: (exit) => feed({ t: 'host-exit', exit }),
      onTargetGap: (gap) => feed({ t: 'gap', gap }),
      onLoadStatus: (status) => feed({ t: 'load-status', status }),
      onWarning: (message) => warnings.push(message),
    },
    { services },
  );
  const onAbort = () => feed({ t: 'interrupt' });
  input.signal.addEventListener('abort', onAbort, { once: true });
  if (input.signal.aborted) onAbort();
  void session.exited.then(({ exitCode }) => {
    // The runner's own exit: give the pipes a moment, then decide what it means.
    if (!machine.stop) setTimeout(() => feed({ t: 'runner-exit', exitCode }), AFTER_CASE_LINE_MS);
  });

  await settled;
  marks.stopped = Date.now();
  input.signal.removeEventListener('abort', onAbort);
  const stop = machine.stop!;
  // A crash's evidence is taken while the target still runs: its debugger may not have finished writing.
  const crashed = stop.kind === 'crash' || stop.kind === 'load-crashed';
  const extra = crashed
    ? await target.crashEvidence().catch((error: Error) => {
        warnings.push(`the crash evidence could not be collected from ${target.name}: ${error.message}`);
        return undefined;
      })
    : undefined;
  if (stop.kind === 'end') {
    // Every result is in: Wine's teardown can happen while the reports are written (the target waits
    // for it before it reverts or is disposed).
    void session.kill();
  } else {
    await session.drain();
  }
  for (const t of timers.values()) clearTimeout(t);
  // Cases whose end marker never came (a crash right after) are written now, with what the stream has.
  for (const index of machine.unwritten()) write(index);
  await writing;

  const evidence: CrashEvidence | undefined = crashed
    ? {
        signature: stop.signature,
        lastLines: crashLines,
        ...(extra?.backtrace ? { backtrace: extra.backtrace } : {}),
        ...(extra?.dumpPath ? { dumpPath: extra.dumpPath } : {}),
      }
    : undefined;
  const cutIndex = await closeOut(machine, evidence, byIndex, input, debug);
  const remaining = cases.filter((c) => !done.has(c.index) && c.index !== cutIndex);
  const loadLines = debug.sessionLines().last(50);
  return {
    stop,
    remaining,
    ...(loadUs !== undefined ? { loadUs } : {}),
    ...(unload ? { unload } : {}),
    badLines,
    warnings,
    loadLines,
    ...(evidence && (stop.kind === 'load-crashed' || (stop.kind === 'crash' && stop.index === undefined)) ? { evidence } : {}),
    marks,
  };
}

/** The verdict for the case a crash, hang or dead runner cut off; returns its index. */
async function closeOut(
  machine: SessionMachine,
  evidence: CrashEvidence | undefined,
  byIndex: Map<number, Case>,
  input: SessionInput,
  debug: DebugStream,
): Promise<number | undefined> {
  const cut = machine.cut();
  const c = cut ? byIndex.get(cut.index) : undefined;
  if (!cut || !c) return undefined;
  const buffer = debug.take(c.index);
  const lines = buffer.lines();
  let result: CaseResult;
  if (cut.status === 'crashed' || cut.status === 'inconclusive') {
    // A crash in a function the target does not implement is the target's gap, not the driver's crash.
    result = unfinishedCase(c, 'crashed', `the driver crashed during this case: ${cut.signature}`, 'product');
    if (evidence) result.evidence = evidence;
    result = applyTargetGaps(result, [...(cut.gap ? [cut.gap] : []), ...machine.gapsOf(c.index)], input.target.name);
  } else if (cut.status === 'hung') {
    result = unfinishedCase(c, 'hung', `no result within ${c.timeoutMs} ms: the driver did not complete a request (the guest was killed)`, 'product');
    result.evidence = { signature: `timeout after ${c.timeoutMs} ms`, lastLines: buffer.last(20) };
    result = applyTargetGaps(result, machine.gapsOf(c.index), input.target.name);
  } else {
    const stop = machine.stop;
    const code = stop?.kind === 'runner-exit' ? stop.exitCode : null;
    result = unfinishedCase(
      c,
      'error',
      `the guest runner exited (code ${code ?? 'unknown'}) in the middle of this case without a crash report from the driver`,
      'harness',
    );
  }
  result.durationMs = cut.durationMs;
  result.log = { debug: lines.lines, driverLog: [], ...(lines.truncated ? { truncated: true } : {}) };
  await input.onCaseEnd(result);
  return c.index;
}
