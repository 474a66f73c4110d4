/**
 * What the run pipeline needs from a machine, whatever it is: a Wine prefix, a Windows host over SSH, a
 * Hyper-V VM. The pipeline never knows which one it has. Lifecycle: prepare → (put, session)* →
 * revert → ... → dispose; dispose is idempotent and safe at any point, Ctrl-C included.
 */
import type { DebugLine } from '../logs/debug-line.js';

export type TargetKind = 'wine' | 'ssh' | 'hyperv';

export interface SessionHooks {
  /** One stdout line of the guest runner (a result line). */
  onStdout(line: string): void;
  /** A debug-stream line, as soon as the target has it (live for Wine, after the fact for DbgView files). */
  onDebug(line: Omit<DebugLine, 'seq'>): void;
  /** The kernel side died: a driver-host crash under Wine, a bugcheck on Windows. */
  onCrash(signature: string): void;
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
  /**
   * Refuses (with a UsageError) a guest path that leads outside the guest, e.g. through a folder linked to
   * the host's home; targets whose guest is a machine of its own need not implement it.
   */
  checkGuestPath?(guestPath: string): Promise<void>;
  /** Bytes [start, end) of a guest file, or undefined when it does not exist. */
  readGuestFile(guestPath: string, start?: number, end?: number): Promise<Buffer | undefined>;
  /** Runs the guest runner (argv[0] a guest path) with its output streamed to the hooks. */
  startSession(argv: string[], hooks: SessionHooks): GuestSession;
  /** Evidence the target can add after a crash (a backtrace, a dump), before it reverts. */
  crashEvidence(): Promise<{ backtrace?: string; dumpPath?: string } | undefined>;
  /** Back to the clean state prepare() made, discarding everything the last session did. */
  revert(signal?: AbortSignal): Promise<void>;
  dispose(): Promise<void>;
  /** Where the guest runner should write its case markers; see GuestPlanHeader.markers. */
  readonly markerChannel?: 'debug' | 'stderr';
  /** Last resort on a forced exit (a second Ctrl-C): stop everything of this run now, synchronously. */
  killNow?(): void;
}
