import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HarnessError } from '../../errors/lab-error.js';
import type { GuestSession, KernelModules, SessionHooks, SessionOptions, Target } from '../target.js';
import { labCacheDir } from './cache-dir.js';
import { hostPathOf } from './guest-path.js';
import { clonePrefix } from './prefix-clone.js';
import { crashReport } from './crash-report.js';
import type { HostWatch } from './host-watch.js';
import { readKernelModules } from './kernel-modules.js';
import { ensureTemplate, templateVersion } from './prefix-template.js';
import { startWineSession } from './wine-session.js';
import { claimRunDir, killPrefixProcesses, killProcessesUnderSync, reapAbandonedRuns } from './wine-reaper.js';

const MONITOR = 'lab-monitor.exe';
const ANCHOR = 'lab-anchor.sys';

export interface WineTargetOptions {
  name?: string;
  /** Unique per run (and per worker): names the folder holding this run's prefixes. */
  runId: string;
  cacheDir?: string;
  /** Keep the prefixes after the run, for debugging. */
  keep?: boolean;
  /** The local folder with lab's Windows programs (driver/build): lab-monitor.exe and lab-anchor.sys come from there. */
  toolsDir: string;
  onProgress?: (line: string) => void;
}

/**
 * The embedded target: Wine's kernel emulation on this machine. Each clean state is a hard-link clone of
 * a cached template prefix; revert throws the used prefix away and clones a new one. One Wine session per
 * guest-runner start (wine-session.ts), watched by lab-monitor; the session ends with `wineserver -k`
 * rather than Wine's own slow shutdown.
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
  private session?: { prefix: string; kill(): Promise<void>; watch: HostWatch };
  private lastWatch?: HostWatch;
  private readonly images = new Map<string, string>();
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
    // A crash's frames in this image are named from the local file (and its debug information).
    this.images.set(basename(guestPath.replace(/\\/g, '/')).toLowerCase(), localPath);
  }

  /** The target's own watch over the driver hosts (driver/monitor/), deployed into every clean prefix. */
  async putTools(): Promise<void> {
    for (const tool of [MONITOR, ANCHOR]) await this.put(join(this.options.toolsDir, tool), this.guestPath(tool));
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

  startSession(argv: string[], hooks: SessionHooks, options: SessionOptions = {}): GuestSession {
    const prefix = this.currentPrefix();
    const session = startWineSession({ prefix, argv, hooks, services: options.services ?? [], monitor: this.guestPath(MONITOR), anchor: this.guestPath(ANCHOR) });
    this.session = { prefix, kill: session.kill, watch: session.watch };
    return session;
  }

  /** The faulting thread's frames of the host that ended last, named from the driver's debug information. */
  async crashEvidence(): Promise<{ backtrace: string } | undefined> {
    const crash = this.session?.watch.lastCrash ?? this.lastWatch?.lastCrash;
    if (!crash) return undefined;
    const backtrace = await crashReport(crash, this.images);
    return backtrace ? { backtrace } : undefined;
  }

  /** The export tables of the modules Wine offers drivers (system32 and system32\drivers of the prefix). */
  async kernelModules(names: string[]): Promise<KernelModules> {
    return readKernelModules(this.currentPrefix(), names);
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
    if (session) this.lastWatch = session.watch;
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
