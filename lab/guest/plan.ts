/**
 * What the host asks the guest runner to do: the typed form of driver/guest/PROTOCOL.md's plan.
 * The guest knows nothing about expectations, so nothing here does either.
 */
export type Access = 'rw' | 'r' | 'w' | 'none';
/** Where a buffer of a step lives: the pointer the driver receives (PROTOCOL.md, "Buffers"). */
export type Pointer = 'heap' | 'null' | 'invalid' | 'kernel' | 'unaligned' | 'readOnly' | 'noAccess' | 'guardPage';
export type GuestDisposition = 'open' | 'create' | 'open-always' | 'create-always' | 'truncate';

/** Input bytes: a pattern repeated (and cut) to `length`; `perThread` adds the thread index to each byte. */
export interface GuestPayload {
  pattern: Uint8Array;
  length: number;
  perThread?: boolean;
  /** Pass a NULL input pointer. Meant for length 0; with a length the I/O manager fails the call (998). */
  nullPointer?: boolean;
}

/** The options of a step that moves bytes (all optional: the defaults are heap buffers, zero fill, sync). */
export interface BufferOptions {
  /** The output buffer's bytes before the call, repeated (ioctl, read). */
  fill?: Uint8Array;
  inPointer?: Pointer;
  outPointer?: Pointer;
  /** Start the request in this async slot (0..15) and go on. */
  async?: number;
}

export type GuestStep =
  /** `required`: a failed open ends the case; the steps after it are not run. */
  | {
      kind: 'open';
      slot: number;
      access: Access;
      required?: boolean;
      overlapped?: boolean;
      /** Appended to the device path. */
      path?: string;
      /** Another device path than the header's. */
      device?: string;
      /** Letters r, w, d; '' shares nothing; absent: rw. */
      share?: string;
      disposition?: GuestDisposition;
    }
  | { kind: 'close'; slot: number }
  | ({ kind: 'ioctl'; slot: number; code: number; input: GuestPayload; outLength: number } & BufferOptions)
  | ({ kind: 'read'; slot: number; length: number; offset?: number } & Pick<BufferOptions, 'fill' | 'outPointer' | 'async'>)
  | ({ kind: 'write'; slot: number; input: GuestPayload; offset?: number } & Pick<BufferOptions, 'inPointer' | 'async'>)
  | { kind: 'wait'; async: number; timeoutMs: number }
  | { kind: 'cancel'; async: number }
  | { kind: 'par'; threads: number; iterations: number; steps: GuestStep[] }
  /** cwd: under the header's workdir, or absolute; env: NAME → value added to the runner's environment. */
  | { kind: 'exec'; timeoutMs: number; commandLine: string; cwd?: string; env?: Record<string, string> }
  /** image: a guest path; absent: the header's driver image. */
  | { kind: 'load'; service: string; image?: string }
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
