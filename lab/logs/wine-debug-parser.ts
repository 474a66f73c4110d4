/**
 * Classifies the lines Wine prints on stderr with WINEDEBUG=-all,warn+debugstr,+pid (and, for the driver
 * hosts of the Wine target, err+all,fixme+all):
 *   0030:0034:warn:debugstr:vDbgPrintExWithPrefix 00000000:00000001: objdev: ...   (DbgPrint)
 *   0020:0024:warn:debugstr:OutputDebugStringA "lab: case-begin 0 echo/x\n"        (OutputDebugString)
 *   00c8:00d8:fixme:ntoskrnl:MmMapLockedPagesSpecifyCache (...): stub            (Wine's own word: a channel line)
 *   wine: Unhandled page fault on write access to 0000000000000000 at address ...   (a crash, as text)
 * plus the noise of a Wine without 32-bit support or a display, which is dropped. Text is only text: the
 * Wine target learns that a driver host died from the host's debugger (lab-monitor), never from a line.
 */
export type WineLine =
  | { kind: 'kernel'; pid: number; text: string }
  | { kind: 'user'; pid: number; text: string }
  | { kind: 'channel'; pid: number; level: 'fixme' | 'err' | 'warn' | 'trace'; channel: string; fn: string; text: string }
  | { kind: 'crash'; text: string; thread?: number }
  | { kind: 'other'; text: string }
  | { kind: 'noise' };

const PREFIX = /^([0-9a-f]{4,8}):([0-9a-f]{4,8}):warn:debugstr:(\w+) (.*)$/;
const CHANNEL = /^([0-9a-f]{4,8}):([0-9a-f]{4,8}):(fixme|err|warn|trace):([\w.]+):(\S+) ?(.*)$/;
const DBGPRINT = /^[0-9a-f]{8}:[0-9a-f]{8}: ?(.*)$/;
const CRASH = /^wine: Unhandled (.*)$/;
/** The guest runner's case markers, written to stderr under Wine (`markers stderr`) in DbgView's "[pid] text". */
const STDERR_MARKER = /^\[(\d+)\] (lab: case-(?:begin|end) .*)$/;
const NOISE = [
  /wine32 is missing/,
  /multiarch needs to be enabled/,
  /dpkg --add-architecture i386/,
  /apt-get install wine32/,
  /^\s*execute "dpkg/,
  /no driver could be loaded/,
  /Make sure that your X server is running/,
  /^err:systray/,
  /^[0-9a-f:]*err:(winediag|ole|explorer)/,
];

export function parseWineLine(raw: string): WineLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const m = PREFIX.exec(line);
  if (m) {
    const pid = parseInt(m[1]!, 16);
    const fn = m[3]!;
    const rest = m[4]!;
    if (fn.startsWith('OutputDebugString')) return { kind: 'user', pid, text: unquote(rest) };
    const k = DBGPRINT.exec(rest);
    return { kind: 'kernel', pid, text: (k ? k[1]! : rest).replace(/\r?\n$/, '') };
  }
  const marker = STDERR_MARKER.exec(line);
  if (marker) return { kind: 'user', pid: Number(marker[1]), text: marker[2]! };
  const crash = CRASH.exec(line);
  if (crash) {
    const thread = /\(thread ([0-9a-f]+)\)/.exec(line);
    return { kind: 'crash', text: line, ...(thread ? { thread: parseInt(thread[1]!, 16) } : {}) };
  }
  if (line.trim() === '' || NOISE.some((re) => re.test(line))) return { kind: 'noise' };
  const channel = CHANNEL.exec(line);
  if (channel) {
    const level = channel[3] as 'fixme' | 'err' | 'warn' | 'trace';
    return { kind: 'channel', pid: parseInt(channel[1]!, 16), level, channel: channel[4]!, fn: channel[5]!, text: channel[6]! };
  }
  return { kind: 'other', text: line };
}

/** Wine prints OutputDebugStringA's text as a C string literal: "…\n" with \x, \n, \t, \", \\ escapes. */
function unquote(text: string): string {
  const m = /^[Lu]?"(.*)"$/s.exec(text.trim());
  if (!m) return text;
  const body = m[1]!;
  // Most lines (every case marker) have no escape but the final \n: no byte-by-byte decoding for them.
  const plain = body.endsWith('\\n') ? body.slice(0, -2) : body;
  if (!plain.includes('\\')) return plain;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[++i]!;
    if (next === 'n') bytes.push(10);
    else if (next === 't') bytes.push(9);
    else if (next === 'r') bytes.push(13);
    else if (next === 'x' || next === 'u') {
      const hex = /^[0-9a-fA-F]{1,4}/.exec(body.slice(i + 1))?.[0] ?? '';
      i += hex.length;
      const code = parseInt(hex || '0', 16);
      if (next === 'x' && code < 256) bytes.push(code);
      else bytes.push(...Buffer.from(String.fromCharCode(code), 'utf8'));
    } else if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))?.[0] ?? '0';
      i += oct.length - 1;
      bytes.push(parseInt(oct, 8) & 0xff);
    } else bytes.push(...Buffer.from(next, 'utf8'));
  }
  return Buffer.from(bytes)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
