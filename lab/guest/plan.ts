/**
 * What the host asks the guest runner to do: the typed form of driver/guest/PROTOCOL.md's plan.
 * The guest knows nothing about expectations, so nothing here does either.
 */
import type { Access, GuestPayload } from '../suite/case.js';

// The plan carries the case model's access modes and payloads as they are; they are defined with the case.
export type { Access, GuestPayload };

export type GuestStep =
  /** `required`: a failed open ends the case; the steps after it are not run. */
  | { kind: 'open'; slot: number; access: Access; required?: boolean }
  | { kind: 'close'; slot: number }
  | { kind: 'ioctl'; slot: number; code: number; input: GuestPayload; outLength: number }
  | { kind: 'par'; threads: number; iterations: number; steps: GuestStep[] }
  | { kind: 'exec'; timeoutMs: number; commandLine: string }
  | { kind: 'load'; service: string }
  | { kind: 'unload'; service: string }
  | { kind: 'sleep'; ms: number };

export interface GuestCase {
  /** The host's index for the case, echoed back in results. */
  index: number;
  /** The stable case id; must not contain whitespace. */
  id: string;
  steps: GuestStep[];
  /** Unload and load the driver again before the case's steps (`isolation: case`); needs the header's driver. */
  fresh?: boolean;
}

export interface GuestPlanHeader {
  device: string;
  /** Load this image as a kernel service before the first case; omit for an already-loaded device. */
  driver?: { service: string; imagePath: string };
  logPath?: string;
  /**
   * Where the case markers go: OutputDebugString (`debug`, the default: DbgView sees them) or the runner's
   * stderr (`stderr`: where the debug stream already flows under Wine, and about 100 times cheaper there).
   */
  markers?: 'debug' | 'stderr';
  /** The folder `exec` steps start in (the guest folder the files were deployed to). */
  workdir?: string;
}

export { GUEST_LIMITS } from '../runner-limits/limits.js';
