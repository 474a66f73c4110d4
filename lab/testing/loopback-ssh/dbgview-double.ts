/**
 * TEST INFRASTRUCTURE (loopback SSH server): a stand-in for Sysinternals DebugView. Started with DbgView's
 * switches, it records where its log goes and waits to be stopped (taskkill); while it runs, the guest
 * runner's Wine debug channel (DbgPrint, OutputDebugString) is appended to that log in DbgView's format,
 * so lab's DbgView collection path reads a real, growing file over SFTP.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WineLine } from '../../logs/wine-debug-parser.js';
import { isAlive } from './process-tree.js';
import { hostPath, statePaths, type ShimConfig } from './shim-config.js';
import type { ShimSession } from './shim-session.js';

interface DbgViewState {
  pid: number;
  image: string;
  log: string;
}

export function isDbgView(program: string): boolean {
  return /(^|[\\/])dbgview(64)?(\.exe)?$/i.test(program);
}

/** Runs as the DbgView process (the session's client): until taskkill (a signal to it) or the connection's end. */
export async function runDbgView(config: ShimConfig, session: ShimSession, argv: string[]): Promise<number> {
  const flags = argv.slice(1).map((a) => a.toLowerCase());
  const logArg = argv[flags.indexOf('/l') + 2];
  const log = flags.includes('/l') && logArg ? hostPath(config, logArg) : undefined;
  if (!log) {
    session.stderr('DbgView (loopback double): expected /l <C:\\ log path>\r\n');
    return 1;
  }
  mkdirSync(dirname(log), { recursive: true });
  if (!flags.includes('/p') || !existsSync(log)) writeFileSync(log, '');
  const state: DbgViewState = { pid: session.pid, image: argv[0]!.split(/[\\/]/).pop()!, log };
  const file = statePaths(config).dbgview;
  writeFileSync(file, JSON.stringify(state));
  await session.stopped;
  const now = readState(config);
  if (now?.pid === session.pid) rmSync(file, { force: true });
  return 0;
}

export function readState(config: ShimConfig): DbgViewState | undefined {
  try {
    const state = JSON.parse(readFileSync(statePaths(config).dbgview, 'utf8')) as DbgViewState;
    return isAlive(state.pid) ? state : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns Wine's debug-channel lines into DbgView log lines while a DbgView double runs. With a lag, each
 * line reaches the file that long after it was printed, as on a busy machine whose DbgView trails the
 * guest: what lab reads of the log is then behind what the runner's stdout already said.
 */
export class DbgViewWriter {
  private seq: number;
  /** Lines captured but not yet in the file, oldest first. */
  private held: string[] = [];

  constructor(
    private readonly log: string,
    private readonly lagMs = 0,
  ) {
    this.seq = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
  }

  static forRunning(config: ShimConfig): DbgViewWriter | undefined {
    const state = readState(config);
    return state ? new DbgViewWriter(state.log, config.dbgviewLagMs ?? 0) : undefined;
  }

  /** One Wine debug-channel line: DbgPrint as DbgView shows kernel output, OutputDebugString as `[pid] text`. */
  wine(line: WineLine): void {
    if (line.kind === 'kernel') this.capture(line.text);
    else if (line.kind === 'user') this.capture(`[${line.pid}] ${line.text}`);
  }

  /** Writes every line still held: DbgView had them before the runner ended or the machine stopped. */
  flush(): void {
    this.write(this.held.length);
  }

  private capture(text: string): void {
    const d = new Date();
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    this.held.push(`${time}\t${text}`);
    if (this.lagMs <= 0) this.write(1);
    else setTimeout(() => this.write(1), this.lagMs);
  }

  private write(count: number): void {
    for (const line of this.held.splice(0, count)) appendFileSync(this.log, `${++this.seq}\t${line}\r\n`);
  }
}

export function stopDbgView(config: ShimConfig, image: string, force: boolean): boolean {
  const state = readState(config);
  if (!state || state.image.toLowerCase() !== image.toLowerCase()) return false;
  try {
    process.kill(state.pid, force ? 'SIGKILL' : 'SIGTERM');
  } catch {
    return false;
  }
  if (force) rmSync(statePaths(config).dbgview, { force: true });
  return true;
}
