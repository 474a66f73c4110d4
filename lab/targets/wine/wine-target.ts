import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';
import { parseWineLine } from '../../logs/wine-debug-parser.js';
import { LineSplitter } from '../../guest/line-splitter.js';
import type { GuestSession, SessionHooks, Target } from '../target.js';
import { labCacheDir } from './cache-dir.js';
import { hostPathOf } from './guest-path.js';
import { clonePrefix } from './prefix-clone.js';
import { CRASH_REPORT_PATH, ensureTemplate, templateVersion } from './prefix-template.js';
import { wineEnv } from './wine-env.js';
import { claimRunDir, killPrefixProcesses, killProcessesUnderSync, reapAbandonedRuns } from './wine-reaper.js';

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

/**
 * The embedded target: Wine's kernel emulation on this machine. Each clean state is a hard-link clone of
 * a cached template prefix; revert throws the used prefix away and clones a new one. One Wine session per
 * guest-runner start; the session ends with `wineserver -k` rather than Wine's own slow shutdown.
 */
export class WineTarget implements Target {
  readonly kind = 'wine' as const;
  readonly name: string;
  /** The runner's stderr is the debug stream's own pipe here: markers there keep their order, cheaply. */
  readonly markerChannel = 'stderr' as const;
  private template?: string;
  private prefix?: string;
  private generation = 0;
  private readonly runDir: string;
  private readonly facts: Record<string, string> = {};
  private session?: { child: ResultPromise; prefix: string; kill(): Promise<void> };
  private readonly removals: Array<Promise<void>> = [];
  private readonly openFiles = new Map<string, number>();

  constructor(private readonly options: WineTargetOptions) {
    this.name = options.name ?? 'wine';
    this.runDir = join(options.cacheDir ?? labCacheDir(), 'runs', options.runId);
  }

  describe(): Record<string, string> {
    return { ...this.facts };
  }

  async prepare(signal?: AbortSignal): Promise<void> {
    if (!this.template) await reapAbandonedRuns(dirname(this.runDir));
    await claimRunDir(this.runDir);
    this.template ??= await ensureTemplate({ cacheDir: this.options.cacheDir, onProgress: this.options.onProgress, signal });
    this.facts.wine = await templateVersion(this.template);
    await this.freshPrefix();
  }

  guestPath(name: string): string {
    return `C:\\lab\\${name}`;
  }

  async put(localPath: string, guestPath: string): Promise<void> {
    const dest = hostPathOf(this.currentPrefix(), guestPath);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(localPath, dest);
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
    const path = await findCaseInsensitive(hostPathOf(this.currentPrefix(), guestPath));
    if (!path) return undefined;
    const fd = openSync(path, 'r');
    this.openFiles.set(guestPath, fd);
    return fd;
  }

  private async closeGuestFiles(): Promise<void> {
    for (const fd of this.openFiles.values()) closeSync(fd);
    this.openFiles.clear();
  }

  startSession(argv: string[], hooks: SessionHooks): GuestSession {
    const prefix = this.currentPrefix();
    const child = execa('wine', argv, { env: wineEnv(prefix), buffer: false, stdin: 'ignore', reject: false, cleanup: true, cwd: join(prefix, 'drive_c') });
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
    const err = new LineSplitter();
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
    if (this.prefix) await killPrefixProcesses(this.prefix);
    this.prefix = undefined;
    await Promise.all(this.removals);
    // A kept run is disowned, so the next run's reaper does not take it for an abandoned one.
    if (this.options.keep) await rm(join(this.runDir, 'owner.json'), { force: true });
    else await rm(this.runDir, { recursive: true, force: true });
  }

  killNow(): void {
    killProcessesUnderSync(this.runDir);
  }

  /** The Linux path of the current prefix (for tests and the `--keep` message). */
  currentPrefix(): string {
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
    if (old && !this.options.keep) this.removals.push(rm(old, { recursive: true, force: true }));
    this.generation += 1;
    const prefix = join(this.runDir, `prefix-${this.generation}`);
    await clonePrefix(this.template!, prefix);
    this.prefix = prefix;
  }
}


function once(stream: NodeJS.ReadableStream | null | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}

/** Wine matches file names without regard to case; so does lab when it reads guest files. */
async function findCaseInsensitive(path: string): Promise<string | undefined> {
  const dir = dirname(path);
  const want = basename(path).toLowerCase();
  try {
    const names = await readdir(dir);
    const hit = names.find((n) => n === basename(path)) ?? names.find((n) => n.toLowerCase() === want);
    return hit ? join(dir, hit) : undefined;
  } catch {
    return undefined;
  }
}
