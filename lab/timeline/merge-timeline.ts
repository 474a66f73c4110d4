import type { CaseResult } from '../verdict/case-result.js';
import { alignLines } from './align-lines.js';
import { parseSliceLine, type SliceLine } from './debug-slice-line.js';
import { stepLine } from './step-line.js';
import type { TimelineEntry } from './timeline-entry.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One case's timeline from what its result holds, merged from three sources that share no clock:
 *
 * 1. The DbgView slice is the backbone: its lines carry the host's wall clock (1 ms resolution), and the
 *    guest's begin marker is time zero.
 * 2. The driver's log file has no times but mirrors its DbgPrint lines, so each log line is aligned to its
 *    DbgPrint twin (longest common subsequence by text) and shown once with both sources; a line only the
 *    log has goes after the twin of the log line before it, with that time, marked estimated.
 * 3. Steps carry their measured duration (µs), not a start time. The guest runs them back to back from
 *    its begin marker, so step k's result is placed at the sum of the durations of steps 0..k, stretched
 *    to the host's begin-to-end marker window, after the debug lines of that millisecond (a step's result
 *    comes after what the driver printed while serving it). With 1 ms clock resolution and sub-millisecond IOCTLs, the order within one millisecond is an
 *    estimate, and the report says so. The client's output of a `run` step comes with its result.
 */
export function mergeTimeline(c: Pick<CaseResult, 'log' | 'steps'>): TimelineEntry[] {
  const slice = (c.log?.debug ?? []).map(parseSliceLine);
  const backbone = withDriverLog(slice, c.log?.driverLog ?? []);
  return withSteps(backbone, c.steps ?? []);
}

function withDriverLog(slice: SliceLine[], driverLog: readonly string[]): TimelineEntry[] {
  const zero = slice.find((l) => l.dayMs !== undefined)?.dayMs;
  let last: number | null = zero === undefined ? null : 0;
  let previousDay = zero ?? 0;
  let wrap = 0;
  const entries: TimelineEntry[] = slice.map((l) => {
    if (l.dayMs !== undefined && zero !== undefined) {
      // A case that runs over midnight: the wall clock goes back by about a day.
      if (l.dayMs + wrap < previousDay - DAY_MS / 2) wrap += DAY_MS;
      previousDay = l.dayMs + wrap;
      last = previousDay - zero;
    }
    return {
      atMs: last,
      ...(l.dayMs === undefined ? { estimated: true } : {}),
      sources: [l.source],
      text: l.text,
      ...(l.seq !== undefined ? { seq: l.seq } : {}),
      ...(l.clock ? { clock: l.clock } : {}),
      ...(l.source === 'target' && /fault|exception|bugcheck|crash/i.test(l.text) ? { bad: true } : {}),
    };
  });
  if (driverLog.length === 0) return entries;

  const printed = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.sources[0] === 'dbgprint');
  const twins = alignLines(
    printed.map(({ e }) => e.text.trim()),
    driverLog.map((l) => l.trim()),
  );
  // Log-only lines, keyed by the entry they follow (-1: before every DbgPrint, after the begin marker).
  const after = new Map<number, TimelineEntry[]>();
  let anchor = entries.findIndex((e) => e.sources[0] === 'guest');
  driverLog.forEach((text, j) => {
    const twin = twins[j]!;
    if (twin >= 0) {
      const at = printed[twin]!.i;
      entries[at]!.sources.push('driver-log');
      anchor = at;
      return;
    }
    const atMs = anchor >= 0 ? entries[anchor]!.atMs : (entries[0]?.atMs ?? null);
    const list = after.get(anchor) ?? [];
    list.push({ atMs, estimated: true, sources: ['driver-log'], text });
    after.set(anchor, list);
  });
  const merged: TimelineEntry[] = [...(after.get(-1) ?? [])];
  entries.forEach((e, i) => merged.push(e, ...(after.get(i) ?? [])));
  return merged;
}

function withSteps(backbone: TimelineEntry[], steps: CaseResult['steps']): TimelineEntry[] {
  if (steps.length === 0) return backbone;
  const scale = stepScale(backbone, steps);
  const placed: TimelineEntry[] = [];
  let endUs = 0;
  for (const s of steps) {
    endUs += s.elapsedUs ?? 0;
    const atMs = Math.round(endUs * scale) / 1000;
    placed.push({ atMs, estimated: true, sources: ['step'], text: stepLine(s), step: s.index, ...(s.ok ? {} : { bad: true }) });
    for (const line of (s.stdout ?? '').split(/\r?\n/).filter((l) => l.length > 0))
      placed.push({ atMs, estimated: true, sources: ['guest'], text: `client: ${line}`, step: s.index });
  }
  // Markers bound the steps: the guest writes its begin marker before the first step and its end marker
  // after the last, whatever the clocks say.
  const out: TimelineEntry[] = [];
  let k = 0;
  backbone.forEach((e, i) => {
    const marker = MARKER.exec(e.text)?.[1];
    if (!(i === 0 && marker === 'begin')) {
      while (k < placed.length && (marker === 'end' || (e.atMs !== null && placed[k]!.atMs! < e.atMs))) out.push(placed[k++]!);
    }
    out.push(e);
  });
  out.push(...placed.slice(k));
  return out;
}

/**
 * The guest's durations cover its calls only, not the time between them (writing results, the debug
 * channel's delay), so they are stretched to the host's begin-to-end marker window when there is one.
 */
function stepScale(backbone: TimelineEntry[], steps: CaseResult['steps']): number {
  const end = backbone.find((e) => MARKER.exec(e.text)?.[1] === 'end' && !e.estimated)?.atMs;
  const totalMs = steps.reduce((sum, s) => sum + (s.elapsedUs ?? 0), 0) / 1000;
  return end && totalMs > 0 ? end / totalMs : 1;
}

/** The guest runner's case markers (driver/guest/PROTOCOL.md), as user-mode lines `[pid] lab: case-begin ...`. */
const MARKER = /^\[\d+\] lab: case-(begin|end) /;
