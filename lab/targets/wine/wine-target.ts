import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { HarnessError, UsageError } from '../../errors/lab-error.js';
import { parseWineLine } from '../../logs/wine-debug-parser.js';
import { LineSplitter } from '../../guest/line-splitter.js';
import { isPlainFolderName } from '../../files/folder-name.js';
import type { GuestSession, SessionHooks, Target } from '../target.js';
import { labCacheDir } from './cache-dir.js';
import { hostPathOf, resolveGuestPath } from './guest-path.js';
import { makePrefix } from './isolation.js';
import type { Prefix } from './prefix.js';
import { CRASH_REPORT_PATH, ensureTemplate, templateVersion } from './prefix-template.js';
import { wineEnv } from './wine-env.js';
import { claimRunDir, killPrefixProcesses, killProcessesUnderSync, ownsRunDir, reapAbandonedRuns } from './wine-reaper.js';

const CRASH_REPORT_WAIT_MS = 10_000;

export interface WineTargetOptions {
  name?: string;
  /** Unique per run (and per worker): names the folder holding this run's prefixes. */
  runId: string;
  cacheDir?: string;
  /** Keep the prefixes after the run, for debugging. */
  keep?: boolean;
  onProgress?: (line: string) => void;
}

/** A debug-stream line (DbgPrint, a Wine message) is held up to this; a longer one is cut and marked. */
const MAX_DEBUG_LINE_CHARS = 1024 * 1024;

/**
 * The embedded target: Wine's kernel emulation on this machine. Each clean state is a new prefix made
 * from a cached template (isolation.ts: an overlay in a namespace of its own, or a copy), so nothing a
 * driver writes reaches the template or another run; revert throws the used prefix away and makes a new
 * one. One Wine session per guest-runner start; the session ends by killing the prefix's processes rather
 * than Wine's own slow shutdown.
 */
export class WineTarget implements Target {
  readonly kind = 'wine' as const;
  readonly name: string;
  /** The runner's stderr is the debug stream's own pipe here: markers there keep their order, cheaply. */
  readonly markerChannel = 'stderr' as const;
  private template?: string;
  private prefix?: Prefix;
  private generation = 0;
  private readonly cacheDir: string;
  private readonly runDir: string;
  private readonly facts: Record<string, string> = {};
  private session?: { child: ResultPromise; prefix: string; kill(): Promise<void> };
  private readonly removals: Array<Promise<void>> = [];
  private readonly openFiles = new Map<string, number>();

  constructor(private readonly options: WineTargetOptions) {
    this.name = options.name ?? 'wine';
    // The run id names a folder lab makes and removes: one plain path component, never `..` (it may come
    // from a run.json on disk).
    if (!isPlainFolderName(options.runId)) throw new UsageError('LAB_RUN_ID', `the run id ${JSON.stringify(options.runId)} is not one plain folder name (letters, digits, _ . -). Fix: start a new run.`);
    this.cacheDir = options.cacheDir ?? labCacheDir();
    this.runDir = join(this.cacheDir, 'runs', options.runId);
  }

  describe(): Record<string, string> {
    return { ...this.facts };
  }

  async prepare(signal?: AbortSignal): Promise<void> {
    if (!this.template) await reapAbandonedRuns(dirname(this.runDir));
    try {
      await claimRunDir(this.runDir);
    } catch (error) {
      throw new HarnessError('LAB_RUN_DIR', `${(error as Error).message}. Fix: start a new run (or remove that folder yourself if it is yours).`);
    }
    this.template ??= await ensureTemplate({ cacheDir: this.options.cacheDir, onProgress: this.options.onProgress, signal });
    this.facts.wine = await templateVersion(this.template);
    await this.freshPrefix();
    this.facts.isolation = this.prefix!.isolation;
  }

  guestPath(name: string): string {
    return `C:\\lab\\${name}`;
  }

  async put(localPath: string, guestPath: string): Promise<void> {
    const prefix = this.current();
    const dest = prefix.host(hostPathOf(prefix.path, guestPath));
    await mkdir(dirname(dest), { recursive: true });
    // A file there already (a link a driver made) is replaced, never written through.
    await rm(dest, { force: true });
    await copyFile(localPath, dest, constants.COPYFILE_EXCL);
  }

  async checkGuestPath(guestPath: string): Promise<void> {
    const prefix = this.current();
    await resolveGuestPath(prefix.path, guestPath, prefix.host);
  }

  /**
   * The driver log is read a slice per case, thousands of times a run: the file is found and opened once
   * per prefix, and read synchronously (a slice of a local file in the page cache costs microseconds, less
   * than a trip through the thread pool).
   */
  async readGuestFile(guestPath: string, start = 0, end?: number): Promise<Buffer | undefined> {
    const fd = await this.openGuestFile(guestPath);
    if (fd === undefined) return undefined;
    // With an end given (a case's slice) the read itself stops at the end of the file; no stat needed.
    const stop = end !== undefined && end - start <= 1 << 20 ? end : Math.min(end ?? Infinity, fstatSync(fd).size);
    if (stop <= start) return Buffer.alloc(0);
    const buffer = Buffer.allocUnsafe(stop - start);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, start));
  }

  private async openGuestFile(guestPath: string): Promise<number | undefined> {
    const known = this.openFiles.get(guestPath);
    if (known !== undefined) return known;
    const prefix = this.current();
    // Links followed inside the prefix only: a path that leads to the host (the user's home) is refused.
    const path = await resolveGuestPath(prefix.path, guestPath, prefix.host);
    if (!path) return undefined;
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      return undefined;
    }
    this.openFiles.set(guestPath, fd);
    return fd;
  }

  private async closeGuestFiles(): Promise<void> {
    for (const fd of this.openFiles.values()) closeSync(fd);
    this.openFiles.clear();
  }

  startSession(argv: string[], hooks: SessionHooks): GuestSession {
    const current = this.current();
    const prefix = current.path;
    const { file, args } = current.command('wine', argv, join(prefix, 'drive_c'));
    // Only an allow-list of lab's environment reaches Wine, and through it the driver (wine-env.ts).
    const child = execa(file, args, { env: wineEnv(prefix), extendEnv: false, buffer: false, stdin: 'ignore', reject: false, cleanup: true });
    const onStderr = (raw: string) => {
      const line = parseWineLine(raw);
      const timeMs = Date.now();
      if (line.kind === 'kernel' || line.kind === 'user') hooks.onDebug({ timeMs, source: line.kind, pid: line.pid, text: line.text });
      else if (line.kind === 'crash') {
        hooks.onDebug({ timeMs, source: 'target', text: line.text });
        hooks.onCrash(line.text);
      } else if (line.kind === 'other') hooks.onDebug({ timeMs, source: 'target', text: line.text });
    };
    const out = new LineSplitter();
    const err = new LineSplitter(MAX_DEBUG_LINE_CHARS);
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk).forEach((l) => hooks.onStdout(l)));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk).forEach(onStderr));
    // Wine's services inherit the pipes and outlive the program, so "exited" is the process exit, not EOF.
    const exited = new Promise<{ exitCode: number | null }>((resolve) => {
      child.once('exit', (code) => resolve({ exitCode: code }));
      child.once('error', () => resolve({ exitCode: null }));
    });
    let killed: Promise<void> | undefined;
    const kill = () =>
      (killed ??= (async () => {
        await killPrefixProcesses(prefix);
        child.kill('SIGKILL');
        await exited;
      })());
    this.session = { child, prefix, kill };
    return {
      exited,
      kill,
      drain: async () => {
        await kill();
        // Lines written before the kill may still be in the pipes; they close as Wine's processes die.
        await Promise.race([Promise.all([once(child.stdout), once(child.stderr)]), new Promise((r) => setTimeout(r, 500))]);
        const lastOut = out.end();
        if (lastOut !== null) hooks.onStdout(lastOut);
        const lastErr = err.end();
        if (lastErr !== null) onStderr(lastErr);
      },
    };
  }

  /** winedbg's report of the crashed driver host (the template points AeDebug at this file). */
  async crashEvidence(): Promise<{ backtrace: string } | undefined> {
    // winedbg may still be writing when the session stops (a loaded machine starts it late): wait,
    // bounded, for the section after the backtrace before taking what is there.
    const deadline = Date.now() + CRASH_REPORT_WAIT_MS;
    let lines: string[] = [];
    for (;;) {
      const bytes = await this.readGuestFile(CRASH_REPORT_PATH);
      lines = bytes ? bytes.toString('utf8').split(/\r?\n/) : [];
      const end = lines.findIndex((l) => /^Modules:/.test(l));
      if (end > 0) return { backtrace: lines.slice(0, end).join('\n').trimEnd() };
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return lines.some((l) => l.trim()) ? { backtrace: lines.slice(0, 200).join('\n').trimEnd() } : undefined;
  }

  async revert(): Promise<void> {
    await this.stopSession();
    await this.freshPrefix();
  }

  async dispose(): Promise<void> {
    await this.stopSession();
    await this.closeGuestFiles();
    const last = this.prefix;
    this.prefix = undefined;
    if (last) this.removals.push(last.remove(this.options.keep ? join(this.runDir, `kept-prefix-${this.generation}`) : undefined));
    await Promise.all(this.removals);
    // Only a folder this process made and marked is removed (never one a run.json named, nor another lab's).
    if (!(await ownsRunDir(this.runDir))) return;
    // A kept run is disowned, so the next run's reaper does not take it for an abandoned one.
    if (this.options.keep) await rm(join(this.runDir, 'owner.json'), { force: true });
    else await rm(this.runDir, { recursive: true, force: true });
  }

  killNow(): void {
    killProcessesUnderSync(this.runDir);
  }

  /** The current prefix (WINEPREFIX as Wine sees it), for tests. */
  currentPrefix(): string {
    return this.current().path;
  }

  /** The path by which this process reaches `path` of the current prefix (in its namespace), for tests. */
  hostPath(path: string): string {
    return this.current().host(path);
  }

  private current(): Prefix {
    if (!this.prefix) throw new HarnessError('LAB_TARGET_NOT_READY', 'the Wine target was used before prepare(); this is a bug in lab');
    return this.prefix;
  }

  /** Waits for (or starts) the end of the current session: a session that ended cleanly is torn down in the background. */
  private async stopSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.kill();
  }

  private async freshPrefix(): Promise<void> {
    await this.closeGuestFiles();
    const old = this.prefix;
    this.prefix = undefined;
    if (old) this.removals.push(old.remove(this.options.keep ? join(this.runDir, `kept-prefix-${this.generation}`) : undefined));
    this.generation += 1;
    this.prefix = await makePrefix(this.template!, join(this.runDir, `prefix-${this.generation}`), this.cacheDir);
  }
}


function once(stream: NodeJS.ReadableStream | null | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}
