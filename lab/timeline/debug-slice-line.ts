import type { TimelineSource } from './timeline-entry.js';

export interface SliceLine {
  seq?: number;
  clock?: string;
  /** Milliseconds since midnight of the line's wall clock; undefined for lines without one (cut notes). */
  dayMs?: number;
  source: TimelineSource;
  text: string;
}

const LINE = /^(\d+)\t(\d{2}):(\d{2}):(\d{2})\.(\d{3})\t(.*)$/s;

/**
 * A line of a case's debug slice as the report stores it (DbgView format, lab/logs/debug-line.ts):
 * `seq<TAB>HH:MM:SS.mmm<TAB>text`, user-mode lines as `[pid] text`, the target's own as `[target] text`.
 */
export function parseSliceLine(raw: string): SliceLine {
  const m = LINE.exec(raw);
  if (!m) return { source: 'target', text: raw };
  const [, seq, h, min, s, ms, rest = ''] = m;
  const dayMs = ((Number(h) * 60 + Number(min)) * 60 + Number(s)) * 1000 + Number(ms);
  const clock = `${h}:${min}:${s}.${ms}`;
  const target = /^\[target\] (.*)$/s.exec(rest);
  if (target) return { seq: Number(seq), clock, dayMs, source: 'target', text: target[1] ?? '' };
  const user = /^\[(\d+)\] (.*)$/s.exec(rest);
  if (user) return { seq: Number(seq), clock, dayMs, source: 'guest', text: `[${user[1]}] ${user[2] ?? ''}` };
  return { seq: Number(seq), clock, dayMs, source: 'dbgprint', text: rest };
}
