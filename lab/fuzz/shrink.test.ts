import { describe, expect, it } from 'vitest';
import type { GuestPayload } from '../guest/plan.js';
import { prologue, type FuzzOp } from './fuzz-op.js';
import { shrink } from './shrink.js';
import type { Sighting } from './sighting.js';
import { withOpens, type TrialOutcome, type TrialRunner } from './trials.js';

const REFLECT = 0x22e004;
const READ = 0x22e008;
const OTHER = 0x22e00c;
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const input = (length: number, hex = '5a'): GuestPayload => ({ pattern: bytes(hex), length });
const call = (code: number, inLength: number, outLength: number, slot = 0, hex = '5a'): FuzzOp => ({
  kind: 'ioctl',
  slot,
  code,
  input: input(inLength, hex),
  outLength,
});
const crash: Sighting = { kind: 'crash', key: 'crash model.sys+0x10', summary: 'the model crashed' };

/**
 * A driver as a predicate over the calls made since its load: `shows(ops)` says whether the sequence (opens
 * included) shows the defect. Trials run it from a fresh load; locate carries the state over.
 */
class Model implements TrialRunner {
  count = 0;
  readonly runs: FuzzOp[][] = [];
  constructor(private readonly shows: (ops: FuzzOp[]) => boolean) {}
  get stopped(): boolean {
    return false;
  }
  async first(candidates: FuzzOp[][]): Promise<TrialOutcome> {
    this.count += 1;
    for (let i = 0; i < candidates.length; i++) {
      const ops = withOpens(candidates[i]!);
      this.runs.push(ops);
      if (this.shows(ops)) return { index: i };
    }
    return { index: -1 };
  }
  async locate(ops: FuzzOp[]): Promise<number> {
    this.count += 1;
    for (let i = 0; i < ops.length; i++) if (this.shows(ops.slice(0, i + 1))) return i;
    return -1;
  }
}

const calls = (ops: FuzzOp[]) => ops.filter((op): op is Extract<FuzzOp, { kind: 'ioctl' }> => op.kind === 'ioctl');
/** Noise around the op that matters: calls of every kind that show nothing. */
function batch(at: number, culprit: FuzzOp, length = 60): FuzzOp[] {
  const noise = Array.from(
    { length },
    (_, i): FuzzOp => (i % 3 === 0 ? call(REFLECT, (i * 37) % 600, 0, i % 4, 'a1b2c3') : i % 3 === 1 ? call(READ, 0, (i * 13) % 900) : call(OTHER, i, i, 1)),
  );
  noise.splice(at, 0, culprit);
  return [...prologue(), ...noise];
}

describe('shrink', () => {
  it('an over-read: one READ, at the smallest output length that still shows it', async () => {
    const model = new Model((ops) => calls(ops).some((op) => op.code === READ && op.outLength >= 20417));
    const out = await shrink(model, crash, batch(31, call(READ, 5, 65536, 0, 'ff')), []);
    expect(out.reproduced).toBe(true);
    expect(out.ops).toEqual([{ kind: 'ioctl', slot: 0, code: READ, input: { pattern: new Uint8Array(0), length: 0 }, outLength: 20417 }]);
    expect(out.steps).toContain('the call alone shows it');
    expect(model.count).toBeLessThan(16);
  });

  it('a defect at one exact length keeps that length, and its contents become zeros', async () => {
    const model = new Model((ops) => calls(ops).some((op) => op.code === REFLECT && op.input.length === 666));
    const out = await shrink(model, crash, batch(10, call(REFLECT, 666, 0, 0, 'deadbeef')), []);
    expect(out.ops).toEqual([{ kind: 'ioctl', slot: 0, code: REFLECT, input: { pattern: new Uint8Array(0), length: 666 }, outLength: 0 }]);
    // 665 and the shorter lengths were tried and did not show it.
    expect(model.runs.some((ops) => calls(ops).some((op) => op.code === REFLECT && op.input.length === 665))).toBe(true);
  });

  it('a defect that needs an earlier call keeps both, each at its shortest', async () => {
    // READ crashes once a REFLECT of 1000 bytes or more was stored and the READ asks for 8 bytes or more.
    const shows = (ops: FuzzOp[]) => {
      let stored = false;
      for (const op of calls(ops)) {
        if (op.code === REFLECT && op.input.length >= 1000) stored = true;
        if (op.code === READ && stored && op.outLength >= 8) return true;
      }
      return false;
    };
    const model = new Model(shows);
    const ops = batch(40, call(READ, 0, 4096));
    ops.splice(12, 0, call(REFLECT, 4000, 0, 0, '41'));
    const out = await shrink(model, crash, ops, []);
    expect(out.reproduced).toBe(true);
    expect(out.ops.map((op) => (op.kind === 'ioctl' ? [op.code, op.input.length, op.outLength] : op.kind))).toEqual([
      [REFLECT, 1000, 0],
      [READ, 0, 8],
    ]);
  });

  it('a sighting the batch alone does not show is looked for in the session before it', async () => {
    // The defect needs a call of the batch before (an OTHER with 99 bytes in) and this batch's READ.
    const shows = (ops: FuzzOp[]) =>
      calls(ops).some((op) => op.code === OTHER && op.input.length === 99) && calls(ops).some((op) => op.code === READ && op.outLength === 4096);
    const model = new Model(shows);
    const earlier = [...prologue(), call(REFLECT, 3, 0), call(OTHER, 99, 0), call(READ, 0, 5)];
    const out = await shrink(model, crash, batch(5, call(READ, 0, 4096), 20), [earlier]);
    expect(out.reproduced).toBe(true);
    expect(out.steps.some((s) => s.includes("session's 2 batches"))).toBe(true);
    expect(calls(out.ops).map((op) => [op.code, op.input.length, op.outLength])).toEqual([
      [OTHER, 99, 0],
      [READ, 0, 4096],
    ]);
  });

  it('threads at once stay threads when only that shows it, made as few as it takes', async () => {
    const shows = (ops: FuzzOp[]) => ops.some((op) => op.kind === 'par' && op.threads >= 2 && op.ops.some((o) => o.kind === 'ioctl' && o.code === REFLECT));
    const model = new Model(shows);
    const par: FuzzOp = { kind: 'par', threads: 8, iterations: 12, ops: [call(REFLECT, 64, 0), call(READ, 0, 1024)] };
    const out = await shrink(model, crash, batch(3, par, 10), []);
    expect(out.ops).toHaveLength(1);
    expect(out.ops[0]).toMatchObject({ kind: 'par', threads: 2, iterations: 1 });
  });

  it('a call on a read-only handle moves to the read-write one only when that still shows it', async () => {
    const onReadOnly = new Model((ops) => {
      const access = new Map<number, string>();
      return ops.some(
        (op) =>
          (op.kind === 'open' && access.set(op.slot, op.access) && false) ||
          (op.kind === 'ioctl' && op.code === OTHER && op.outLength === 3 && access.get(op.slot) === 'r'),
      );
    });
    const kept = await shrink(onReadOnly, crash, batch(2, call(OTHER, 0, 3, 1), 6), []);
    expect(kept.ops).toEqual([call(OTHER, 0, 3, 1)]);
    const anyHandle = new Model((ops) => calls(ops).some((op) => op.code === OTHER && op.outLength === 3));
    const moved = await shrink(anyHandle, crash, batch(2, call(OTHER, 0, 3, 1), 6), []);
    expect(moved.ops).toEqual([call(OTHER, 0, 3, 0)]);
  });

  it('keeps a bad pointer or an open under the device only when the defect needs it', async () => {
    const neither = 0x22e007;
    const bad: FuzzOp = {
      kind: 'ioctl',
      slot: 0,
      code: neither,
      input: input(16, '41'),
      outLength: 8,
      inPointer: 'kernel',
      outPointer: 'unaligned',
      outFill: bytes('ff'),
    };
    // The driver dereferences the input pointer: the kernel pointer stays, the rest goes.
    const needsIt = new Model((ops) => calls(ops).some((op) => op.code === neither && op.inPointer === 'kernel'));
    const kept = await shrink(needsIt, crash, batch(4, bad, 10), []);
    expect(kept.ops).toEqual([{ kind: 'ioctl', slot: 0, code: neither, input: { pattern: new Uint8Array(0), length: 0 }, outLength: 0, inPointer: 'kernel' }]);
    // It crashes on the code whatever the buffers: ordinary ones show it.
    const anyBuffers = new Model((ops) => calls(ops).some((op) => op.code === neither));
    const plain = await shrink(anyBuffers, crash, batch(4, bad, 10), []);
    expect(plain.ops).toEqual([{ kind: 'ioctl', slot: 0, code: neither, input: { pattern: new Uint8Array(0), length: 0 }, outLength: 0 }]);
    expect(plain.steps).toContain('buffers and opens: ordinary ones show it');
    // IRP_MJ_CREATE on a name under the device: the open's path stays, the disposition it does not need goes.
    const subOpen = new Model((ops) => ops.some((op) => op.kind === 'open' && op.path === ':stream'));
    const opened = await shrink(subOpen, crash, batch(2, { kind: 'open', slot: 9, access: 'r', path: ':stream', disposition: 'create-new' }, 8), []);
    expect(opened.ops).toEqual([{ kind: 'open', slot: 9, access: 'r', path: ':stream' }]);
  });

  it('says so when nothing shows it from a fresh load', async () => {
    const model = new Model(() => false);
    const out = await shrink(model, crash, batch(3, call(READ, 0, 10)), []);
    expect(out.reproduced).toBe(false);
    expect(out.steps).toEqual(['not reproduced from a fresh load of the driver']);
  });
});
