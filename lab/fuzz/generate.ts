/**
 * Batches of calls from the seed. The run is a sequence of batches, each a function of (seed, number)
 * alone: first the suite's own calls (the corpus), then sweep batches (every code in the ranges with NULL,
 * zero-length buffers) alternating with deep batches (named and neighbouring codes, random codes, lengths at
 * and around the boundaries, random and structured contents and output fills, bad pointers for METHOD_NEITHER
 * and direct I/O, open/close storms with opens under the device's name, threads at once).
 */
import { createHash } from 'node:crypto';
import type { GuestPayload, Pointer } from '../guest/plan.js';
import type { Disposition, ShareMode } from '../suite/case.js';
import { codeParts, FIRST_FREE_SLOT, makeCode, opKey, prologue, SLOT_ACCESS, totalCalls, type FuzzOp, type IoctlOp } from './fuzz-op.js';
import { sweepCodes, type FuzzSpace } from './fuzz-space.js';
import { GUEST_LIMITS } from '../runner-limits/limits.js';
import { Rng } from './rng.js';

export interface GenerateOptions {
  /** About this many calls per batch (one guest case). */
  batchCalls?: number;
  /** Several threads at once and open/close storms (default on). */
  threads?: boolean;
  /** Bad pointer kinds for METHOD_NEITHER and direct I/O (default on; off where they never reach the driver). */
  badPointers?: boolean;
}

export interface FuzzPlan {
  seed: number;
  space: FuzzSpace;
  batchCalls: number;
  threads: boolean;
  badPointers: boolean;
  sweep: number[];
  corpusBatches: number;
  sweepBatches: number;
}

export type BatchPhase = 'corpus' | 'sweep' | 'deep';

export interface Batch {
  index: number;
  phase: BatchPhase;
  ops: FuzzOp[];
}

export const DEFAULT_BATCH_CALLS = 256;

export function fuzzPlan(seed: number, space: FuzzSpace, options: GenerateOptions = {}): FuzzPlan {
  const batchCalls = Math.max(8, options.batchCalls ?? DEFAULT_BATCH_CALLS);
  const per = batchCalls - prologue().length;
  const sweep = sweepCodes(space);
  return {
    seed: seed >>> 0,
    space,
    batchCalls,
    threads: options.threads ?? true,
    badPointers: options.badPointers ?? true,
    sweep,
    corpusBatches: Math.ceil(space.corpus.length / per),
    sweepBatches: Math.ceil(sweep.length / per),
  };
}

export function batchAt(plan: FuzzPlan, index: number): Batch {
  const per = plan.batchCalls - prologue().length;
  if (index < plan.corpusBatches) return { index, phase: 'corpus', ops: [...prologue(), ...plan.space.corpus.slice(index * per, (index + 1) * per)] };
  const k = index - plan.corpusBatches;
  if (k < 2 * plan.sweepBatches && k % 2 === 0) {
    const codes = plan.sweep.slice((k / 2) * per, (k / 2 + 1) * per);
    return { index, phase: 'sweep', ops: [...prologue(), ...codes.map((code): FuzzOp => ({ kind: 'ioctl', slot: 0, code, input: NULL_INPUT, outLength: 0 }))] };
  }
  return { index, phase: 'deep', ops: deepBatch(plan, Rng.forBatch(plan.seed, index)) };
}

const NULL_INPUT: GuestPayload = { pattern: new Uint8Array(0), length: 0, nullPointer: true };

function deepBatch(plan: FuzzPlan, rng: Rng): FuzzOp[] {
  const ops = prologue();
  let calls = ops.length;
  while (calls < plan.batchCalls) {
    const what = rng.weighted<'call' | 'mutant' | 'storm' | 'par'>([
      [60, 'call'],
      [32, 'mutant'],
      [plan.threads ? 4 : 0, 'storm'],
      [plan.threads ? 4 : 0, 'par'],
    ]);
    const made =
      what === 'call' ? [randomCall(plan, rng)] : what === 'mutant' ? corpusRun(plan, rng) : what === 'storm' ? storm(plan, rng) : [parallel(plan, rng)];
    ops.push(...made);
    calls += totalCalls(made);
  }
  return ops;
}

/** `plain`: no pointer kinds and no fill (what calls from several threads at once may not have). */
function randomCall(plan: FuzzPlan, rng: Rng, plain = false): IoctlOp {
  const code = randomCode(plan, rng);
  const inLength = randomLength(plan, rng);
  const outLength = rng.chance(0.3) ? 0 : randomLength(plan, rng);
  const input = inLength === 0 && rng.chance(0.5) ? NULL_INPUT : randomPayload(plan, rng, inLength);
  const call: IoctlOp = { kind: 'ioctl', slot: randomSlot(rng), code, input, outLength };
  return plain ? call : { ...call, ...buffers(plan, rng, call) };
}

/** The pointer kinds of the suite language that are not an ordinary buffer. */
const BAD_POINTERS: readonly Pointer[] = ['null', 'invalid', 'kernel', 'unaligned', 'readOnly', 'noAccess', 'guardPage'];

/**
 * Bad pointers where the driver sees them: METHOD_NEITHER hands it the caller's pointers, direct I/O an MDL
 * of them (for buffered codes the I/O manager copies, and the pointers never reach the driver). An output
 * fill where the output is read: METHOD_IN_DIRECT's output buffer is a second input.
 */
function buffers(plan: FuzzPlan, rng: Rng, call: IoctlOp): Pick<IoctlOp, 'inPointer' | 'outPointer' | 'outFill'> {
  const method = codeParts(call.code).method;
  const out: Pick<IoctlOp, 'inPointer' | 'outPointer' | 'outFill'> = {};
  if (method !== 0 && rng.chance(0.3) && plan.badPointers) {
    const both = rng.chance(0.2);
    if (call.input.length > 0 && !call.input.nullPointer && (both || rng.chance(0.5))) out.inPointer = rng.pick(BAD_POINTERS);
    if (call.outLength > 0 && (both || !out.inPointer)) out.outPointer = rng.pick(BAD_POINTERS);
  }
  if (call.outLength > 0 && !out.outPointer && rng.chance(method === 1 ? 0.6 : 0.1))
    out.outFill = rng.chance(0.5) ? rng.bytes(rng.between(1, 16)) : structured(plan, rng, call.outLength);
  return out;
}

function randomSlot(rng: Rng): number {
  return rng.weighted([
    [82, 0],
    [6, 1],
    [6, 2],
    [6, 3],
  ]);
}

function randomCode(plan: FuzzPlan, rng: Rng): number {
  const { named, functions, deviceTypes } = plan.space;
  const kind = named.length
    ? rng.weighted<'named' | 'neighbour' | 'random'>([
        [65, 'named'],
        [20, 'neighbour'],
        [15, 'random'],
      ])
    : 'random';
  if (kind === 'named') return rng.pick(named).code;
  if (kind === 'neighbour') {
    // The same function with another method or access, or a function next to it.
    const p = codeParts(rng.pick(named).code);
    return rng.chance(0.5)
      ? makeCode(p.deviceType, p.function, rng.below(4), rng.below(4))
      : makeCode(p.deviceType, (p.function + rng.between(-4, 4)) & 0xfff, p.method, p.access);
  }
  const [from, to] = rng.pick(functions);
  return makeCode(rng.pick(deviceTypes), rng.between(from, to), rng.below(4), rng.below(4));
}

function randomLength(plan: FuzzPlan, rng: Rng): number {
  const { lengths, maxLength } = plan.space;
  return rng.weighted<() => number>([
    [55, () => rng.pick(lengths)],
    [15, () => 0],
    [20, () => rng.between(0, Math.min(maxLength, 4096))],
    [10, () => rng.between(0, maxLength)],
  ])();
}

const BYTES = [0x00, 0xff, 0x41, 0x80, 0x7f, 0x5a, 0x01];

function randomPayload(plan: FuzzPlan, rng: Rng, length: number): GuestPayload {
  const pattern = rng.weighted<() => Uint8Array>([
    [20, () => new Uint8Array(0)],
    [20, () => Uint8Array.of(rng.pick(BYTES))],
    [plan.space.patterns.length ? 20 : 0, () => rng.pick(plan.space.patterns)],
    [25, () => rng.bytes(rng.between(1, 64))],
    [15, () => structured(plan, rng, length)],
  ])();
  return { pattern: pattern.subarray(0, length), length };
}

/** Little-endian 32-bit fields a parser reads as lengths, counts or offsets, at their edges. */
function structured(plan: FuzzPlan, rng: Rng, length: number): Uint8Array {
  const values = [length, length - 1, length + 1, length - 4, 0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x1000, plan.space.maxLength, rng.next()];
  const fields = rng.between(1, 8);
  const out = new Uint8Array(fields * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < fields; i++) view.setUint32(i * 4, rng.pick(values) >>> 0, true);
  return out;
}

/** A few of the suite's calls in their order, some changed: a length, the contents, the handle, the code's method. */
function corpusRun(plan: FuzzPlan, rng: Rng): FuzzOp[] {
  const { corpus } = plan.space;
  if (corpus.length === 0) return [randomCall(plan, rng)];
  const start = rng.below(corpus.length);
  const run = corpus.slice(start, start + rng.between(1, 6));
  return run.map((op) => (op.kind === 'ioctl' && rng.chance(0.6) ? mutate(plan, rng, op) : op));
}

function mutate(plan: FuzzPlan, rng: Rng, op: IoctlOp): IoctlOp {
  const out: IoctlOp = { ...op };
  const changes = rng.between(1, 2);
  for (let i = 0; i < changes; i++) {
    switch (rng.below(5)) {
      case 0: {
        // A NULL input stays NULL only at length 0 (see randomCall); with a length it becomes zeros.
        const length = nearby(plan, rng, out.input.length);
        out.input = out.input.nullPointer
          ? length === 0
            ? out.input
            : { pattern: new Uint8Array(0), length }
          : { ...out.input, length, pattern: out.input.pattern.subarray(0, length) };
        break;
      }
      case 1:
        out.outLength = nearby(plan, rng, out.outLength);
        break;
      case 2:
        out.input = randomPayload(plan, rng, out.input.length);
        break;
      case 3:
        out.slot = randomSlot(rng);
        break;
      case 4: {
        const p = codeParts(out.code);
        out.code = makeCode(p.deviceType, p.function, rng.below(4), rng.below(4));
        // The buffers go with the method: chosen again for the new one.
        out.inPointer = out.outPointer = out.outFill = undefined;
        Object.assign(out, buffers(plan, rng, out));
        break;
      }
    }
  }
  // A pointer or a fill goes with a buffer of some length: a length changed to 0 takes them away.
  if (out.input.length === 0 || out.input.nullPointer) out.inPointer = undefined;
  if (out.outLength === 0) out.outPointer = out.outFill = undefined;
  return out;
}

/** A length near n: ±1, ±2, doubled, halved, 0, the buffer limit, or one of the interesting lengths. */
function nearby(plan: FuzzPlan, rng: Rng, n: number): number {
  const max = plan.space.maxLength;
  const next = rng.pick([n + 1, n - 1, n + 2, n - 2, n * 2, Math.floor(n / 2), 0, max, rng.pick(plan.space.lengths), n + rng.between(1, 64)]);
  return Math.min(max, Math.max(0, next));
}

/** Names under the device a driver's IRP_MJ_CREATE must judge: separators, streams, dots, long, odd. */
const SUB_PATHS = [
  '\\',
  '\\sub',
  '\\a\\b',
  ':stream',
  '\\..\\x',
  '\\.',
  '\\con',
  '\\*',
  '\\?',
  '\\%s%n%x',
  '\\name with spaces',
  `\\${'A'.repeat(255)}`,
  `\\${'B'.repeat(1024)}`,
];
const SHARES: ReadonlyArray<ShareMode[]> = [[], ['read'], ['write'], ['read', 'write', 'delete']];
const DISPOSITIONS: readonly Disposition[] = ['create-new', 'open-always', 'create-always', 'truncate-existing'];

/** Opens and closes on spare slots with every access, under the device's name too, some handles used before they are closed. */
function storm(plan: FuzzPlan, rng: Rng): FuzzOp[] {
  const ops: FuzzOp[] = [];
  const n = rng.between(4, 24);
  for (let i = 0; i < n; i++) {
    const slot = FIRST_FREE_SLOT + rng.below(GUEST_LIMITS.maxSlots - FIRST_FREE_SLOT);
    ops.push(randomOpen(rng, slot));
    if (rng.chance(0.3)) ops.push({ ...randomCall(plan, rng), slot });
    if (rng.chance(0.7)) ops.push({ kind: 'close', slot });
  }
  return ops;
}

function randomOpen(rng: Rng, slot: number): FuzzOp {
  const open: FuzzOp = { kind: 'open', slot, access: rng.pick(SLOT_ACCESS) };
  if (rng.chance(0.4)) open.path = rng.chance(0.8) ? rng.pick(SUB_PATHS) : `\\${Buffer.from(rng.bytes(rng.between(1, 12))).toString('hex')}`;
  if (rng.chance(0.15)) open.share = rng.pick(SHARES);
  if (rng.chance(0.15)) open.disposition = rng.pick(DISPOSITIONS);
  return open;
}

/** Several threads at once: on the batch's shared handle, or each on its own handle opened and closed. */
function parallel(plan: FuzzPlan, rng: Rng): FuzzOp {
  const own = rng.chance(0.4);
  const slot = FIRST_FREE_SLOT + rng.below(GUEST_LIMITS.maxSlots - FIRST_FREE_SLOT);
  const calls = Array.from({ length: rng.between(1, 3) }, (): FuzzOp => ({ ...randomCall(plan, rng, true), ...(own ? { slot } : {}) }));
  const ops: FuzzOp[] = own ? [{ kind: 'open', slot, access: 'rw' }, ...calls, { kind: 'close', slot }] : calls;
  return { kind: 'par', threads: rng.between(2, 8), iterations: rng.between(2, 12), ops };
}

/** Bump when a batch made from the same seed and suite would differ: a replay of an older run is then refused. */
export const GENERATOR_VERSION = 2;

/**
 * What every batch depends on besides its number: the seed, the generator and the space learned from the
 * suite. A replay whose digest differs (another suite, other options, another lab) would not send the same
 * calls, and is refused.
 */
export function planDigest(plan: FuzzPlan): string {
  const { space } = plan;
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const parts = {
    v: GENERATOR_VERSION,
    seed: plan.seed,
    batchCalls: plan.batchCalls,
    threads: plan.threads,
    badPointers: plan.badPointers,
    named: space.named,
    functions: space.functions,
    deviceTypes: space.deviceTypes,
    lengths: space.lengths,
    maxLength: space.maxLength,
    patterns: space.patterns.map(hex),
    corpus: space.corpus.map(opKey),
  };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Targets where a bad user pointer never reaches the driver, and why: lab fuzz sends none there, since what
 * comes back is the target's answer, never the driver's.
 */
export const BAD_POINTERS_STOP_SHORT: Readonly<Record<string, string>> = {
  wine: "Wine copies a request's buffers into the driver host, so no bad pointer reaches the driver: Wine's ntdll answers in its place (with byte counts that mean nothing, and once a hang)",
};
