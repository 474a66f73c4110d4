/**
 * One line of the debug stream (DbgPrint from the kernel side, OutputDebugString from user mode, and
 * what the target itself says), in the form DbgView logs use: `seq<TAB>time<TAB>text`, user-mode lines
 * starting with `[pid] `. Wine's stream and a real DbgView log file both end up as these.
 */
export interface DebugLine {
  seq: number;
  /** Host clock, ms since the epoch, when the line was seen. */
  timeMs: number;
  source: 'kernel' | 'user' | 'target';
  pid?: number;
  text: string;
}

export function toDbgView(line: DebugLine): string {
  const prefix = line.source === 'user' && line.pid !== undefined ? `[${line.pid}] ` : line.source === 'target' ? '[target] ' : '';
  return `${line.seq}\t${clock(line.timeMs)}\t${prefix}${line.text}`;
}

let lastSecond = -1;
let lastPrefix = '';

/** DbgView's /t clock: local wall time with milliseconds (the hh:mm:ss part reused within a second). */
export function clock(timeMs: number): string {
  const second = Math.floor(timeMs / 1000);
  if (second !== lastSecond) {
    const d = new Date(timeMs);
    const pad = (n: number) => String(n).padStart(2, '0');
    lastPrefix = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    lastSecond = second;
  }
  return `${lastPrefix}.${String(timeMs - second * 1000).padStart(3, '0')}`;
}

/** Parses a DbgView log line (`seq<TAB>time<TAB>text`); lines that do not fit are kept as text. */
export function parseDbgView(raw: string, seq: number, timeMs: number): DebugLine {
  const parts = raw.split('\t');
  const text = parts.length >= 3 ? parts.slice(2).join('\t') : raw;
  const user = /^\[(\d+)\] (.*)$/s.exec(text);
  if (user) return { seq, timeMs, source: 'user', pid: Number(user[1]), text: user[2] ?? '' };
  return { seq, timeMs, source: 'kernel', text };
}
