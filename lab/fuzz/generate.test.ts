import { describe, expect, it } from 'vitest';
import { expandSuite } from '../suite/expand.js';
import { loadSuite } from '../suite/load-suite.js';
import { codeParts, opKey, totalCalls, type FuzzOp } from './fuzz-op.js';
import { fuzzSpace, sweepCodes } from './fuzz-space.js';
import { batchAt, fuzzPlan, planDigest } from './generate.js';
import { Rng } from './rng.js';

const loaded = await loadSuite('suites/echo.yaml');
const suite = expandSuite(loaded, {});
const space = fuzzSpace(suite, loaded.raw);
const REFLECT = 0x22e004;
const READ = 0x22e008;

const ioctls = (ops: FuzzOp[]) =>
  ops.flatMap((op) => (op.kind === 'par' ? op.ops : [op])).filter((op): op is Extract<FuzzOp, { kind: 'ioctl' }> => op.kind === 'ioctl');

describe('the space learned from the suite', () => {
  it('has the named IOCTLs, the lengths the suite uses with their neighbours, and powers of two', () => {
    expect(space.named.map((n) => n.name)).toEqual([
      'REFLECT',
      'READ',
      'FUNCTION_800',
      'FUNCTION_803',
      'REFLECT_AS_NEITHER',
      'READ_AS_OUT_DIRECT',
      'REFLECT_ANY_ACCESS',
      'OTHER_DEVICE_TYPE',
    ]);
    expect(space.names.get(READ)).toBe('READ');
    for (const n of [666, 777, 1024, 1023, 1025, 1026, 1022, 65536, 65535, 65537, 0, 1, 4096]) expect(space.lengths).toContain(n);
    // Twice the longest length the suite uses (65536).
    expect(space.maxLength).toBe(131072);
    expect(Math.max(...space.lengths)).toBeLessThanOrEqual(space.maxLength);
    expect(space.deviceTypes).toEqual([0x22, 0x8000]);
  });

  it("starts from the suite's own calls, in order, each once, with the access of the handle they were made on", () => {
    const keys = space.corpus.map(opKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toBe(`ioctl 0 ${REFLECT} 11 0 68656c6c6f2c776f726c64`);
    expect(keys[1]).toBe(`ioctl 0 ${READ} 0 1024 null`);
    // The read-only handle of "handle without read-write access" is slot 1 here.
    expect(space.corpus.some((op) => op.kind === 'ioctl' && op.slot === 1 && op.code === REFLECT)).toBe(true);
    expect(space.corpus.some((op) => op.kind === 'ioctl' && op.code === REFLECT && op.input.length === 666)).toBe(true);
  });

  it('sweeps every device type × function × access × method in the ranges', () => {
    const codes = sweepCodes(space);
    const functions = space.functions.reduce((n, [a, b]) => n + b - a + 1, 0);
    expect(codes.length).toBe(space.deviceTypes.length * functions * 16);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toContain(REFLECT);
    expect(codes).toContain(0x8000_6007); // device type 0x8000, function 0x801, any access, neither
  });
});

describe('batches from the seed', () => {
  const plan = fuzzPlan(7, space);

  it('are a function of the seed and the batch number alone', () => {
    const again = fuzzPlan(7, fuzzSpace(suite, loaded.raw));
    for (const i of [0, 1, 5, 40, 41, 300]) expect(batchAt(again, i).ops.map(opKey)).toEqual(batchAt(plan, i).ops.map(opKey));
    // Asked in any order.
    expect(batchAt(plan, 300).ops.map(opKey)).toEqual(batchAt(fuzzPlan(7, space), 300).ops.map(opKey));
    expect(planDigest(again)).toBe(planDigest(plan));
  });

  it('differ with another seed, and so does the digest', () => {
    const other = fuzzPlan(8, space);
    expect(batchAt(other, 300).ops.map(opKey)).not.toEqual(batchAt(plan, 300).ops.map(opKey));
    expect(planDigest(other)).not.toBe(planDigest(plan));
    // The corpus and the sweep do not depend on the seed.
    expect(batchAt(other, 0).ops.map(opKey)).toEqual(batchAt(plan, 0).ops.map(opKey));
  });

  it('go corpus, then sweep and deep batches in turn until the sweep is done, then deep', () => {
    expect(batchAt(plan, 0).phase).toBe('corpus');
    const first = plan.corpusBatches;
    expect([first, first + 1, first + 2, first + 3].map((i) => batchAt(plan, i).phase)).toEqual(['sweep', 'deep', 'sweep', 'deep']);
    expect(batchAt(plan, first + 2 * plan.sweepBatches).phase).toBe('deep');
    // Every swept code once, with NULL buffers of length 0, on the read-write handle.
    const swept = Array.from({ length: plan.sweepBatches }, (_, k) => ioctls(batchAt(plan, first + 2 * k).ops)).flat();
    expect(swept.map((op) => op.code)).toEqual(plan.sweep);
    expect(swept.every((op) => op.slot === 0 && op.outLength === 0 && op.input.length === 0 && op.input.nullPointer)).toBe(true);
  });

  it('open a handle of every access first, and make about the calls asked for', () => {
    for (let i = 0; i < 60; i++) {
      const { ops } = batchAt(plan, plan.corpusBatches + 2 * plan.sweepBatches + i);
      expect(ops.slice(0, 4)).toEqual([
        { kind: 'open', slot: 0, access: 'rw' },
        { kind: 'open', slot: 1, access: 'r' },
        { kind: 'open', slot: 2, access: 'w' },
        { kind: 'open', slot: 3, access: 'none' },
      ]);
      expect(totalCalls(ops)).toBeGreaterThanOrEqual(plan.batchCalls);
      expect(totalCalls(ops)).toBeLessThan(plan.batchCalls + 8 * 12 * 5 + 60);
    }
  });

  it('send what a findings.yaml case can say: lengths within bounds, a NULL input only at length 0', () => {
    const calls = Array.from({ length: 200 }, (_, i) => ioctls(batchAt(plan, plan.corpusBatches + 2 * plan.sweepBatches + i).ops)).flat();
    expect(calls.every((op) => op.input.length <= space.maxLength && op.outLength <= space.maxLength)).toBe(true);
    expect(calls.every((op) => !op.input.nullPointer || op.input.length === 0)).toBe(true);
  });

  it('mix named codes, their neighbours and random codes; boundary lengths; every handle access; threads and storms', () => {
    const ops = Array.from({ length: 200 }, (_, i) => batchAt(plan, plan.corpusBatches + 2 * plan.sweepBatches + i).ops).flat();
    const calls = ioctls(ops);
    const named = new Set(space.named.map((n) => n.code));
    const share = (f: (op: (typeof calls)[number]) => boolean) => calls.filter(f).length / calls.length;
    expect(share((op) => named.has(op.code))).toBeGreaterThan(0.4);
    expect(share((op) => !named.has(op.code) && codeParts(op.code).function >= 0x7fd && codeParts(op.code).function <= 0x806)).toBeGreaterThan(0.05);
    expect(share((op) => op.input.length === 666 || op.input.length === 1024 || op.input.length === 1025)).toBeGreaterThan(0.005);
    expect(new Set(calls.map((op) => op.slot)).size).toBeGreaterThan(4);
    expect(ops.some((op) => op.kind === 'par')).toBe(true);
    expect(ops.filter((op) => op.kind === 'open').length).toBeGreaterThan(200 * 4);
  });

  it("send bad pointers only where the driver sees the caller's pointers (METHOD_NEITHER, direct I/O), never from threads", () => {
    const ops = Array.from({ length: 300 }, (_, i) => batchAt(plan, plan.corpusBatches + 2 * plan.sweepBatches + i).ops).flat();
    const top = ops.filter((op): op is Extract<FuzzOp, { kind: 'ioctl' }> => op.kind === 'ioctl');
    const bad = top.filter((op) => op.inPointer || op.outPointer);
    expect(bad.length).toBeGreaterThan(20);
    expect(bad.every((op) => codeParts(op.code).method !== 0)).toBe(true);
    expect(new Set(bad.flatMap((op) => [op.inPointer, op.outPointer]).filter(Boolean))).toEqual(
      new Set(['null', 'invalid', 'kernel', 'unaligned', 'readOnly', 'noAccess', 'guardPage']),
    );
    // A pointer goes with a buffer of some length, and never with the NULL payload (a NULL pointer already).
    expect(bad.every((op) => (!op.inPointer || (op.input.length > 0 && !op.input.nullPointer)) && (!op.outPointer || op.outLength > 0))).toBe(true);
    const inThreads = ops.flatMap((op) => (op.kind === 'par' ? op.ops : [])).filter((op): op is Extract<FuzzOp, { kind: 'ioctl' }> => op.kind === 'ioctl');
    expect(inThreads.every((op) => !op.inPointer && !op.outPointer && !op.outFill)).toBe(true);
    // Output fills, most of all where the output buffer is a second input (METHOD_IN_DIRECT).
    const fillRate = (method: number) => {
      const withOutput = top.filter((op) => codeParts(op.code).method === method && op.outLength > 0 && !op.outPointer);
      return withOutput.filter((op) => op.outFill).length / withOutput.length;
    };
    expect(fillRate(0)).toBeGreaterThan(0.03);
    expect(fillRate(1)).toBeGreaterThan(3 * fillRate(0));
    // Where they would never reach the driver, none at all.
    const wine = fuzzPlan(7, space, { badPointers: false });
    const calm = Array.from({ length: 300 }, (_, i) => ioctls(batchAt(wine, wine.corpusBatches + 2 * wine.sweepBatches + i).ops)).flat();
    expect(calm.some((op) => op.inPointer || op.outPointer)).toBe(false);
    expect(planDigest(wine)).not.toBe(planDigest(plan));
  });

  it("open under the device's name, with other shares and dispositions, in storms", () => {
    const opens = Array.from({ length: 300 }, (_, i) => batchAt(plan, plan.corpusBatches + 2 * plan.sweepBatches + i).ops)
      .flat()
      .filter((op): op is Extract<FuzzOp, { kind: 'open' }> => op.kind === 'open' && op.slot >= 4);
    expect(opens.filter((op) => op.path !== undefined).length).toBeGreaterThan(20);
    expect(opens.some((op) => op.path === ':stream')).toBe(true);
    expect(opens.some((op) => op.share?.length === 0)).toBe(true);
    expect(opens.some((op) => op.disposition === 'create-new')).toBe(true);
  });

  it('without threads: no calls at once and no storms', () => {
    const calm = fuzzPlan(7, space, { threads: false });
    const ops = Array.from({ length: 100 }, (_, i) => batchAt(calm, calm.corpusBatches + 2 * calm.sweepBatches + i).ops).flat();
    expect(ops.some((op) => op.kind === 'par')).toBe(false);
    expect(ops.filter((op) => op.kind === 'open').length).toBe(100 * 4);
  });
});

describe('Rng', () => {
  it('gives each batch its own stream, the same every time', () => {
    const a = Rng.forBatch(1, 0);
    const b = Rng.forBatch(1, 1);
    const seqA = Array.from({ length: 8 }, () => a.next());
    expect(seqA).toEqual(
      Array.from(
        { length: 8 },
        (
          (r) => () =>
            r.next()
        )(Rng.forBatch(1, 0)),
      ),
    );
    expect(Array.from({ length: 8 }, () => b.next())).not.toEqual(seqA);
  });

  it('keeps between() inside its bounds and reaches both ends', () => {
    const r = new Rng(42);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.between(-2, 2);
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThanOrEqual(2);
      seen.add(v);
    }
    expect(seen).toEqual(new Set([-2, -1, 0, 1, 2]));
  });
});
