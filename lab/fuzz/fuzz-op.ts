/**
 * What the fuzzer asks of the driver: calls on handle slots, open/close, and several threads at once. A
 * batch is a list of ops; the shrinker removes and simplifies ops; findings.yaml writes them as suite
 * steps. Everything here is plain data, so a batch can be compared, hashed and written out.
 */
import type { Access, GuestPayload, Pointer } from '../guest/plan.js';
import type { Disposition, ShareMode } from '../suite/case.js';

export type FuzzOp =
  /** Absent pointers are heap buffers, an absent fill zeros: the suite language's defaults. */
  | { kind: 'ioctl'; slot: number; code: number; input: GuestPayload; outLength: number; inPointer?: Pointer; outPointer?: Pointer; outFill?: Uint8Array }
  /** `path`: a name under the device (a sub-open); absent share and disposition: read+write, open-existing. */
  | { kind: 'open'; slot: number; access: Access; path?: string; share?: ShareMode[]; disposition?: Disposition }
  | { kind: 'close'; slot: number }
  /** `threads` threads each repeat `ops` `iterations` times, at once (the suite's `parallel`). */
  | { kind: 'par'; threads: number; iterations: number; ops: FuzzOp[] };

export type IoctlOp = Extract<FuzzOp, { kind: 'ioctl' }>;

/**
 * Every batch starts by opening one handle of each access, in these slots: calls then pick their handle's
 * access by slot. Slots from FIRST_FREE_SLOT up are for open/close storms and threads' own handles.
 */
export const SLOT_ACCESS: readonly Access[] = ['rw', 'r', 'w', 'none'];
export const FIRST_FREE_SLOT = SLOT_ACCESS.length;

/** The ops every batch starts with. */
export function prologue(): FuzzOp[] {
  return SLOT_ACCESS.map((access, slot) => ({ kind: 'open', slot, access }));
}

/** Calls the op makes in the guest: an open, a close and a DeviceIoControl count one each. */
export function callsOf(op: FuzzOp): number {
  return op.kind === 'par' ? op.threads * op.iterations * op.ops.reduce((n, o) => n + callsOf(o), 0) : 1;
}

export function totalCalls(ops: readonly FuzzOp[]): number {
  return ops.reduce((n, op) => n + callsOf(op), 0);
}

/** CTL_CODE's parts: (DeviceType << 16) | (Access << 14) | (Function << 2) | Method. */
export function codeParts(code: number): { deviceType: number; access: number; function: number; method: number } {
  return { deviceType: code >>> 16, access: (code >>> 14) & 3, function: (code >>> 2) & 0xfff, method: code & 3 };
}

export const METHOD_NAMES = ['buffered', 'in-direct', 'out-direct', 'neither'] as const;
export const ACCESS_NAMES = ['any', 'read', 'write', 'read-write'] as const;

export function makeCode(deviceType: number, fn: number, method: number, access: number): number {
  return ((deviceType << 16) | (access << 14) | (fn << 2) | method) >>> 0;
}

/** A deep copy, for the shrinker's edits. */
export function cloneOp(op: FuzzOp): FuzzOp {
  switch (op.kind) {
    case 'ioctl':
      return { ...op, input: { ...op.input, pattern: op.input.pattern.slice() }, ...(op.outFill ? { outFill: op.outFill.slice() } : {}) };
    case 'open':
      return { ...op, ...(op.share ? { share: [...op.share] } : {}) };
    case 'par':
      return { ...op, ops: op.ops.map(cloneOp) };
    default:
      return { ...op };
  }
}

/** A stable text form of an op (for hashing, dedup and messages). */
export function opKey(op: FuzzOp): string {
  switch (op.kind) {
    case 'ioctl': {
      const p = op.input;
      const payload = p.nullPointer ? 'null' : `${Buffer.from(p.pattern).toString('hex')}${p.perThread ? '+t' : ''}`;
      const options = [
        op.inPointer && `in=${op.inPointer}`,
        op.outPointer && `out=${op.outPointer}`,
        op.outFill && `fill=${Buffer.from(op.outFill).toString('hex')}`,
      ].filter(Boolean);
      return `ioctl ${op.slot} ${op.code} ${p.length} ${op.outLength} ${payload}${options.length ? ` ${options.join(' ')}` : ''}`;
    }
    case 'open': {
      const options = [
        op.path !== undefined && `path=${JSON.stringify(op.path)}`,
        op.share && `share=${op.share.join('+') || 'none'}`,
        op.disposition && `disposition=${op.disposition}`,
      ].filter(Boolean);
      return `open ${op.slot} ${op.access}${options.length ? ` ${options.join(' ')}` : ''}`;
    }
    case 'close':
      return `close ${op.slot}`;
    case 'par':
      return `par ${op.threads} ${op.iterations} [${op.ops.map(opKey).join('; ')}]`;
  }
}
