import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HarnessError, UsageError } from '../../errors/lab-error.js';
import { isPlainFolderName } from '../../files/folder-name.js';
import type { GuestSession, KernelModules, SessionHooks, SessionOptions, Target } from '../target.js';
import { labCacheDir } from './cache-dir.js';
import { crashReport } from './crash-report.js';
import { hostPathOf, resolveGuestPath } from './guest-path.js';
import type { HostWatch } from './host-watch.js';
import { makePrefix } from './isolation.js';
import { readKernelModules } from './kernel-modules.js';
import type { Prefix } from './prefix.js';
import { ensureTemplate, templateVersion } from './prefix-template.js';
import { startWineSession } from './wine-session.js';
import { claimRunDir, killProcessesUnderSync, ownsRunDir, reapAbandonedRuns } from './wine-reaper.js';

const MONITOR = 'lab-monitor.exe';
const ANCHOR = 'lab-anchor.sys';
const PRINTS = 'lab-prints.dll';

export interface WineTargetOptions {
  name?: string;
  /** Unique per run (and per worker): names the folder holding this run's prefixes. */
  runId: string;
  cacheDir?: string;
  /** Keep the prefixes after the run, for debugging. */
  keep?: boolean;
  /** The local folder with lab's Windows programs (driver/build): lab-monitor.exe, lab-anchor.sys and lab-prints.dll come from there. */
  toolsDir: string;
  onProgress?: (line: string) => void;
}

/**
 * The embedded target: Wine's kernel emulation on this machine. Each clean state is a new prefix made
 * from a cached template (isolation.ts: an overlay in a namespace of its own, or a copy), so nothing a
 * driver writes reaches the template or another run; revert throws the used prefix away and makes a new
 * one. One Wine session per guest-runner start (wine-session.ts), watched by lab-monitor; the session ends
 * by killing the prefix's processes rather than Wine's own slow shutdown.
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
  private session?: { kill(): Promise<void>; watch: HostWatch };
  private lastWatch?: HostWatch;
  /** The local file of each deployed image, by lower-cased file name: a crash's frames are named from it. */
  private readonly images = new Map<string, string>();
  private readonly removals: Array<Promise<void>> = [];
  private readonly openFiles = new Map<string, number>();

  constructor(private readonly options: WineTargetOptions) {
    this.name = options.name ?? 'wine';
    // The run id names a folder lab makes and removes: one plain path component, never `..` (it may come
    // from a run.json on disk).
    if (!isPlainFolderName(options.runId))
      throw new UsageError(
        'LAB_RUN_ID',
        `the run id ${JSON.stringify(options.runId)} is not one plain folder name (letters, digits, _ . -). Fix: start a new run.`,
      );
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
    this.images.set(basename(guestPath.replace(/\\/g, '/')).toLowerCase(), localPath);
  }

  /** The target's own watch over the driver hosts (driver/monitor/), deployed into every clean prefix. */
  async putTools(): Promise<void> {
    for (const tool of [MONITOR, ANCHOR, PRINTS]) await this.put(join(this.options.toolsDir, tool), this.guestPath(tool));
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

  startSession(argv: string[], hooks: SessionHooks, options: SessionOptions = {}): GuestSession {
    const session = startWineSession({
      prefix: this.current(),
      argv,
      hooks,
      services: options.services ?? [],
      monitor: this.guestPath(MONITOR),
      anchor: this.guestPath(ANCHOR),
      prints: this.guestPath(PRINTS),
    });
    this.session = { kill: session.kill, watch: session.watch };
    return session;
  }

  /** The faulting thread's frames of the host that ended last, named from the driver's debug information. */
  async crashEvidence(): Promise<{ backtrace: string } | undefined> {
    const crash = this.session?.watch.lastCrash ?? this.lastWatch?.lastCrash;
    if (!crash) return undefined;
    const backtrace = await crashReport(crash, this.images);
    return backtrace ? { backtrace } : undefined;
  }

  /** The export tables of the modules Wine offers drivers (system32 and system32\\drivers of the prefix). */
  async kernelModules(names: string[]): Promise<KernelModules> {
    const prefix = this.current();
    return readKernelModules(prefix.host(join(prefix.path, 'drive_c', 'windows', 'system32')), names);
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
    if (session) this.lastWatch = session.watch;
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
