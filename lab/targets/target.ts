/**
 * What the run pipeline needs from a machine, whatever it is: a Wine prefix, a Windows host over SSH, a
 * Hyper-V VM, a QEMU VM. The pipeline never knows which one it has. Lifecycle: prepare → (put, session)* →
 * revert → ... → dispose; dispose is idempotent and safe at any point, Ctrl-C included.
 *
 * The session contract lab/run/guest-session.ts relies on (every target keeps it; the conformance test
 * in lab/e2e/target-conformance.e2e.test.ts checks it on each):
 * 1. Case markers (`lab: case-begin|case-end <index> <id>`) reach `onDebug` with `source: 'user'`, whatever
 *    channel carried them (OutputDebugString, the runner's stderr with `markers stderr`, a kernel port).
 * 2. In the debug stream they keep their order with the driver's own lines and with a crash line: the
 *    case a crash is blamed on is the one whose begin marker came last before it (`debug.openCase`).
 * 3. A case's end marker may reach `onDebug` before or after its result line reaches `onStdout`: a case
 *    is written once both are in. Every end marker the runner wrote is delivered before `exited`
 *    resolves or `drain()` returns; a target whose debug stream lags (a DbgView log read over SFTP)
 *    holds result lines until its stream has been read past them, so it cannot lag behind stdout.
 * 4. `onCrash` comes after the last debug line of the dying case, and `exited` resolves (with a null
 *    exit code when the runner never ended: a stopped VM) once the target knows the runner will not go on.
 * 5. No hook is called after `drain()` has returned or the target has been reverted.
 */
import type { DebugLine } from '../logs/debug-line.js';

/** A kind of target: one entry of registry.ts (wine, ssh, hyperv, qemu). */
export type TargetKind = string;

/** Modules a driver imports, as the target has them: what each exports (by lower-cased file name). */
export interface KernelModules {
  /** The PE machine the target runs drivers for (0x8664 x64, 0x14c x86). */
  machine: number;
  /** Every name asked for that the target has; a name missing here is a module the target does not have. */
  found: Map<string, Set<string>>;
  /** Where they were looked for, for messages. */
  where: string;
}

/** Something the driver asked of the target that the target does not do (see lab/verdict/target-gap.ts). */
export interface TargetGap {
  /** The function, e.g. `ntoskrnl.exe.ExAllocatePool2` or `MmMapLockedPagesSpecifyCache`. */
  function: string;
  /** What the target said of it (Wine's fixme line, "no implementation"). */
  detail: string;
  /** `unimplemented`: calling it ended the driver host; `stub`: it returned without doing the work. */
  kind: 'unimplemented' | 'stub';
}

/** The process hosting the driver ended: known as a fact (the Wine target's debugger saw it), never from text. */
export interface HostExit {
  /** One line: what ended it (a page fault at module+offset, KeBugCheckEx, a stack overflow, an exit). */
  signature: string;
  exitCode: number;
  /** Set when the host ended because the driver called a function the target does not implement. */
  gap?: TargetGap;
}

export interface SessionHooks {
  /** One stdout line of the guest runner (a result line). */
  onStdout(line: string): void;
  /** A debug-stream line, as soon as the target has it (live for Wine, after the fact for DbgView files). */
  onDebug(line: Omit<DebugLine, 'seq'>): void;
  /** The kernel side died: a bugcheck on Windows (event 1001, a lost heartbeat). */
  onCrash(signature: string): void;
  /** The process hosting the driver ended, whatever the cause (targets that host drivers in a process). */
  onHostExit?(exit: HostExit): void;
  /** The driver called something the target does not implement (or only stubs). */
  onTargetGap?(gap: TargetGap): void;
  /** The NTSTATUS DriverEntry returned when loading failed, when the target can tell. */
  onLoadStatus?(status: number): void;
  /** A problem of the target's own watch (not the driver's), for the report's warnings. */
  onWarning?(message: string): void;
}

export interface SessionOptions {
  /** The services the plan loads (its header's and its `load` steps'), for targets that watch each one's host. */
  services?: string[];
}

export interface GuestSession {
  /** Settles when the guest program has exited or was killed. */
  readonly exited: Promise<{ exitCode: number | null }>;
  /** Stops the guest and everything it started, now; idempotent. */
  kill(): Promise<void>;
  /** Stops the session if it still runs, then delivers the debug lines the target still holds (pipes, a DbgView log file). */
  drain(): Promise<void>;
}

export interface Target {
  readonly kind: TargetKind;
  readonly name: string;
  /** Facts for the report: versions, host, VM, checkpoint. Never secrets. */
  describe(): Record<string, string>;
  /** A clean, reachable machine (fresh prefix, restored checkpoint), ready for files. */
  prepare(signal?: AbortSignal): Promise<void>;
  /** The guest path for a file lab deploys (e.g. C:\lab\objdev.sys). */
  guestPath(name: string): string;
  put(localPath: string, guestPath: string): Promise<void>;
  /** Puts the target's own programs that run beside the guest runner (Wine: lab-monitor), with the deploy. */
  putTools?(): Promise<void>;
  /**
   * Refuses (with a UsageError) a guest path that leads outside the guest, e.g. through a folder linked to
   * the host's home; targets whose guest is a machine of its own need not implement it.
   */
  checkGuestPath?(guestPath: string): Promise<void>;
  /** Bytes [start, end) of a guest file, or undefined when it does not exist. */
  readGuestFile(guestPath: string, start?: number, end?: number): Promise<Buffer | undefined>;
  /** Runs the guest runner (argv[0] a guest path) with its output streamed to the hooks. */
  startSession(argv: string[], hooks: SessionHooks, options?: SessionOptions): GuestSession;
  /** Evidence the target can add after a crash (a backtrace, a dump), before it reverts. */
  crashEvidence(): Promise<{ backtrace?: string; dumpPath?: string } | undefined>;
  /** The modules a driver imports as this target has them, to check an image before loading it (lab/run/image-check.ts). */
  kernelModules?(names: string[]): Promise<KernelModules>;
  /** Back to the clean state prepare() made, discarding everything the last session did. */
  revert(signal?: AbortSignal): Promise<void>;
  dispose(): Promise<void>;
  /** Where the guest runner should write its case markers; see GuestPlanHeader.markers. */
  readonly markerChannel?: 'debug' | 'stderr';
  /** Last resort on a forced exit (a second Ctrl-C): stop everything of this run now, synchronously. */
  killNow?(): void;
}
