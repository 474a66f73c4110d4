import { copyFile, constants, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from '../../errors/lab-error.js';
import type { GuestSession, SessionHooks, Target } from '../target.js';
import { labCacheDir } from '../wine/cache-dir.js';
import { claimRunDir, ownsRunDir } from '../wine/wine-reaper.js';
import { joinWindowsPath } from '../ssh/windows-path.js';
import { chooseAccelerator } from './accelerator.js';
import { ensureCleanImage, type CleanImage } from './clean-image.js';
import { KernelDebugPort, type KernelStop } from './kernel-debug-port.js';
import { sockets } from './qemu-command.js';
import { QemuMachine } from './qemu-machine.js';
import { killQemuUnderSync, reapAbandonedQemuRuns } from './qemu-reaper.js';
import { QemuGuestSession } from './qemu-session.js';
import type { QemuSpec } from './qemu-spec.js';

export interface QemuTargetOptions {
  runId: string;
  /** The agent built for the spec's machine (driver/build/<arch>/lab-agent.exe). */
  agentExe: string;
  /** The guest runner for that machine, baked into the cached clean disk when given. */
  runnerExe?: string;
  cacheDir?: string;
  keep?: boolean;
  onProgress?: (line: string) => void;
}

/** After the kernel's stop line, how long the rest of its report (parameters, backtrace, prompt) may take. */
const STOP_REPORT_MS = 5000;
/** A revert or a start from the snapshot: the agent answers within this long, or the machine is rebooted. */
const AGENT_AFTER_LOAD_MS = 30_000;
/** Worth a snapshot of its own: re-sending this much over the serial line costs more than a savevm. */
const SNAPSHOT_AFTER_BYTES = 64 * 1024;
const RUN_SNAPSHOT = 'lab-run';

/**
 * A VM under QEMU (KVM when it really works, else TCG): booted once to a snapshot that is cached across
 * runs, started from it for each run (a copy of its small disk in the run's folder), and reverted with
 * `loadvm` after a crash or hang. Files, the guest runner and its output go through lab's own agent on
 * COM2; the kernel's debug port, COM1, is the debug stream: DbgPrint, the runner's case markers and, on a
 * bugcheck, the stop code, its parameters and the kernel's backtrace, after which the kernel waits at
 * `kdb:>` until lab reverts it.
 */
export class QemuTarget implements Target {
  readonly kind = 'qemu' as const;
  readonly name: string;
  /** OutputDebugString reaches the debug port in order with the driver's DbgPrint: a bugcheck lands in the right case. */
  readonly markerChannel = 'debug' as const;
  private readonly runDir: string;
  private readonly facts: Record<string, string> = {};
  private readonly port = new KernelDebugPort();
  private machine?: QemuMachine;
  private clean?: CleanImage;
  private session?: QemuGuestSession;
  private revertTo?: string;
  private bytesSinceSnapshot = 0;
  private recent: string[] = [];
  private stopped?: KernelStop;
  private stopTimer?: NodeJS.Timeout;
  private socketDir?: string;

  constructor(
    private readonly spec: QemuSpec,
    private readonly options: QemuTargetOptions,
  ) {
    this.name = spec.name;
    this.runDir = join(options.cacheDir ?? labCacheDir(), 'qemu', 'runs', options.runId);
  }

  describe(): Record<string, string> {
    return { ...this.facts };
  }

  async prepare(signal?: AbortSignal): Promise<void> {
    if (this.machine) return this.revert(signal);
    await reapAbandonedQemuRuns(join(this.runDir, '..'));
    await claimRunDir(this.runDir);
    const accel = await chooseAccelerator(this.spec.accelerator);
    const { arch, memoryMiB, cpus } = this.spec.machine;
    Object.assign(this.facts, {
      image: this.spec.image.path,
      machine: `${arch}, ${memoryMiB} MiB, ${cpus} CPU${cpus > 1 ? 's' : ''}`,
      accelerator: accel.reason,
    });
    const progress = this.options.onProgress;
    if (this.spec.image.kind === 'qcow2') {
      this.clean = { disk: this.spec.image.path, snapshot: this.spec.snapshot };
    } else {
      const t = Date.now();
      this.clean = await ensureCleanImage({
        image: this.spec.image.path,
        machine: { arch, memoryMiB, cpus, accelerator: accel.accelerator },
        agentExe: this.options.agentExe,
        ...(this.options.runnerExe ? { runnerExe: this.options.runnerExe } : {}),
        cacheDir: this.options.cacheDir ?? labCacheDir(),
        bootTimeoutMs: this.spec.bootTimeoutMs,
        ...(progress ? { onProgress: progress } : {}),
        ...(signal ? { signal } : {}),
      });
      if (this.clean.made) this.facts.boot = `booted to the agent in ${(this.clean.made.bootMs / 1000).toFixed(1)} s (cached for later runs)`;
      else this.facts.boot = `clean snapshot from the cache (${Date.now() - t} ms to check)`;
    }
    const disk = join(this.runDir, 'disk.qcow2');
    if (this.spec.image.kind === 'qcow2') {
      // An installed system's disk is used in place (one run at a time): loadvm discards what a run wrote.
      this.facts.disk = this.clean.disk;
    } else {
      await copyFile(this.clean.disk, disk, constants.COPYFILE_FICLONE);
    }
    const started = Date.now();
    this.socketDir = await this.shortSocketDir();
    this.machine = await QemuMachine.start(
      {
        arch,
        memoryMiB,
        cpus,
        accelerator: accel.accelerator,
        ...(this.clean.iso ? { iso: this.clean.iso } : {}),
        disk: this.spec.image.kind === 'qcow2' ? this.clean.disk : disk,
        socketDir: this.socketDir,
        loadvm: this.clean.snapshot,
      },
      this.runDir,
      {
        onDebugText: (text, timeMs) => this.onDebugText(text, timeMs),
        onDebuggerPrompt: () => this.onPrompt(),
        onPanic: (event) => this.onStop({ signature: `the guest panicked (pvpanic: ${JSON.stringify(event.data ?? {})})`, report: this.recent.slice(-40) }),
        onExit: (how) => this.onStop({ signature: `QEMU exited (${how})`, report: this.recent.slice(-40) }),
      },
    );
    this.facts.qemu = this.machine.version;
    await this.machine.resume();
    await this.machine.agent.handshake(AGENT_AFTER_LOAD_MS, signal);
    this.facts.start = `from snapshot ${this.clean.snapshot} to the agent's answer in ${Date.now() - started} ms`;
    this.revertTo = this.clean.snapshot;
  }

  guestPath(name: string): string {
    return joinWindowsPath(this.spec.guestDir, name);
  }

  /** A put whose agent stopped answering is tried once more on the machine reverted to its snapshot. */
  async put(localPath: string, guestPath: string): Promise<void> {
    try {
      this.bytesSinceSnapshot += await this.live().agent.put(localPath, guestPath);
    } catch (error) {
      if (!(error instanceof HarnessError) || !error.code.startsWith('LAB_QEMU_AGENT')) throw error;
      this.options.onProgress?.(`the guest agent stopped answering (${error.message}); reverting to ${this.revertTo} and copying again`);
      await this.revert();
      this.bytesSinceSnapshot += await this.live().agent.put(localPath, guestPath);
    }
  }

  /** Nothing can be read from a machine stopped at its debugger's prompt: its files go with the revert. */
  async readGuestFile(guestPath: string, start?: number, end?: number): Promise<Buffer | undefined> {
    if (this.stopped) return undefined;
    return this.live().agent.read(guestPath, start, end);
  }

  startSession(argv: string[], hooks: SessionHooks): GuestSession {
    const machine = this.live();
    this.stopped = undefined;
    this.port.reset();
    // What was just deployed goes into a snapshot of its own when sending it again would cost more than
    // the savevm; the runner starts after it.
    const ready = this.bytesSinceSnapshot >= SNAPSHOT_AFTER_BYTES && this.spec.image.kind !== 'qcow2' ? this.snapshotDeployed() : Promise.resolve();
    const session = new QemuGuestSession(machine.agent, argv, hooks, ready);
    this.session = session;
    return session;
  }

  async crashEvidence(): Promise<{ backtrace?: string } | undefined> {
    // The kernel may still be printing its report: wait (bounded) for the prompt that ends it.
    const deadline = Date.now() + STOP_REPORT_MS;
    while (!this.stopped && this.port.stopping && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const stop = this.stopped ?? (this.port.stopping ? this.port.prompt(this.recent.slice(-40)) : undefined);
    if (!stop) return undefined;
    return { backtrace: [stop.signature, ...(stop.module ? [`faulting module: ${stop.module}`] : []), '', ...stop.report].join('\n') };
  }

  async revert(signal?: AbortSignal): Promise<void> {
    const machine = this.machine;
    const session = this.session;
    this.session = undefined;
    session?.detach();
    clearTimeout(this.stopTimer);
    if (!machine || machine.gone) {
      // QEMU itself is gone: start it again from the snapshot.
      await machine?.kill();
      this.machine = undefined;
      return this.prepare(signal);
    }
    const t = Date.now();
    machine.agent.reset('the machine was reverted');
    await machine.loadvm(this.revertTo ?? this.clean!.snapshot);
    this.port.reset();
    this.stopped = undefined;
    try {
      await machine.agent.handshake(AGENT_AFTER_LOAD_MS, signal);
    } catch (error) {
      if (this.revertTo === this.clean!.snapshot || signal?.aborted) throw error;
      // The deployed-files snapshot does not answer: back to the clean one, which did; deploy sends again.
      this.options.onProgress?.(`the agent did not answer after loadvm ${this.revertTo}; reverting to ${this.clean!.snapshot} instead`);
      this.revertTo = this.clean!.snapshot;
      machine.agent.reset('the machine was reverted');
      await machine.loadvm(this.revertTo);
      await machine.agent.handshake(AGENT_AFTER_LOAD_MS, signal);
    }
    this.facts.lastRevert = `loadvm ${this.revertTo} and the agent's answer in ${Date.now() - t} ms`;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.stopTimer);
    this.session?.detach();
    this.session = undefined;
    await this.machine?.kill();
    this.machine = undefined;
    if (this.socketDir && this.socketDir !== this.runDir) await rm(this.socketDir, { recursive: true, force: true });
    // Only a folder this run made is touched (claimRunDir marked it); a kept one is disowned for the reaper.
    if (!(await ownsRunDir(this.runDir))) return;
    if (this.options.keep) await rm(join(this.runDir, 'owner.json'), { force: true });
    else await rm(this.runDir, { recursive: true, force: true });
  }

  killNow(): void {
    this.machine?.killNow();
    killQemuUnderSync(this.runDir);
  }

  /** For tests: the machine, once prepared. */
  get vm(): QemuMachine | undefined {
    return this.machine;
  }

  private live(): QemuMachine {
    if (!this.machine) throw new HarnessError('LAB_TARGET_NOT_READY', 'the QEMU target was used before prepare(); this is a bug in lab');
    return this.machine;
  }

  private async snapshotDeployed(): Promise<void> {
    // Taken before the runner starts: the session waits for it (the agent is idle meanwhile).
    // Saved right after an answer and a pause, so the port in the snapshot hears (see clean-image.ts).
    await this.live().agent.ping(Buffer.from('snapshot'), AGENT_AFTER_LOAD_MS);
    await new Promise((r) => setTimeout(r, 200));
    const t = Date.now();
    await this.live().savevm(RUN_SNAPSHOT);
    this.revertTo = RUN_SNAPSHOT;
    this.bytesSinceSnapshot = 0;
    this.facts.runSnapshot = `the deployed files saved as ${RUN_SNAPSHOT} in ${Date.now() - t} ms`;
  }

  private onDebugText(text: string, timeMs: number): void {
    this.recent.push(text);
    if (this.recent.length > 200) this.recent = this.recent.slice(-100);
    const code = this.port.line(text);
    const session = this.session;
    if (!session) return;
    session.debug(this.port.classify(text, timeMs));
    // The crash is reported at the prompt, with the parameters and the module; should the prompt never
    // come, the session ends anyway. No marker follows a stop, so the case it lands in stays the same.
    if (code !== undefined) this.stopTimer = setTimeout(() => this.onPrompt(), STOP_REPORT_MS);
  }

  private onPrompt(): void {
    clearTimeout(this.stopTimer);
    if (this.stopped) return;
    this.onStop(this.port.prompt(this.recent.slice(-40)));
  }

  private onStop(stop: KernelStop): void {
    if (this.stopped) return;
    this.stopped = stop;
    // The agent will not answer again before the revert: what waits for it gives up now.
    this.machine?.agent.reset(`the machine stopped: ${stop.signature}`);
    const session = this.session;
    if (!session) return;
    session.crash(stop.signature);
    session.machineStopped();
  }

  /** Unix sockets take at most 107 bytes of path: a deep cache folder gets a short one in the temp folder. */
  private async shortSocketDir(): Promise<string> {
    if (sockets(this.runDir).com1.length < 100) return this.runDir;
    await mkdir(tmpdir(), { recursive: true });
    return mkdtemp(join(tmpdir(), 'lab-qemu-'));
  }
}
