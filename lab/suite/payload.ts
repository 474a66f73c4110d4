import type { GuestPayload } from '../guest/plan.js';

/** A payload generator after placeholders are resolved (schema.ts's PayloadSchema, with numbers). */
export interface PayloadSpec {
  text?: string;
  hex?: string;
  repeat?: number;
  allBytes?: true;
  withNuls?: true;
  random?: { seed: number };
  length?: number;
  perThread?: boolean;
}

/** An output buffer's fill (schema.ts's FillSchema, with numbers): a pattern, no length of its own. */
export type FillSpec = Omit<PayloadSpec, 'length' | 'perThread'>;

/**
 * The bytes an output buffer holds before the call: the pattern (the runner repeats it to the buffer's
 * length), or for `random` the whole `length` bytes, since a seeded sequence does not repeat.
 */
export function fillBytes(spec: FillSpec, length: number): Uint8Array {
  return spec.random ? seededBytes(spec.random.seed, Math.max(length, 1)) : patternOf(spec);
}

/** A short message with NULs inside, so strlen-based code visibly cuts it. */
const WITH_NULS = new TextEncoder().encode('ab\0cd\0\0ef\0');

/**
 * Generators → the guest's payload: a pattern plus a length. Patterns stay short where they can (a repeated
 * byte is one byte however long the input), so plans stay small even for 16 MiB inputs.
 */
export function toGuestPayload(spec: PayloadSpec | null): GuestPayload {
  if (spec === null) return { pattern: new Uint8Array(0), length: 0, nullPointer: true };
  const pattern = patternOf(spec);
  const length = spec.length ?? pattern.length;
  return { pattern, length, ...(spec.perThread ? { perThread: true } : {}) };
}

function patternOf(spec: PayloadSpec): Uint8Array {
  if (spec.text !== undefined) return new TextEncoder().encode(spec.text);
  if (spec.hex !== undefined) return Uint8Array.from(Buffer.from(spec.hex, 'hex'));
  if (spec.repeat !== undefined) return Uint8Array.of(spec.repeat);
  if (spec.allBytes) return Uint8Array.from({ length: 256 }, (_, i) => i);
  if (spec.withNuls) return WITH_NULS;
  if (spec.random) return seededBytes(spec.random.seed, spec.length ?? 0);
  return new Uint8Array(0);
}

/**
 * Deterministic bytes from a seed (mulberry32): the same seed gives the same message on every machine and
 * run, so a failure is reproducible from the case id alone.
 */
export function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/** The exact bytes a payload stands for (for `sameAs` expectations); `thread` applies perThread. */
export function materialize(payload: GuestPayload, thread = 0): Uint8Array {
  const out = new Uint8Array(payload.length);
  const { pattern } = payload;
  if (pattern.length > 0) for (let i = 0; i < out.length; i++) out[i] = pattern[i % pattern.length]!;
  if (payload.perThread && thread) for (let i = 0; i < out.length; i++) out[i] = (out[i]! + thread) & 0xff;
  return out;
}
