import { describe, expect, it } from 'vitest';
import type { StepReport } from '../verdict/case-result.js';
import { Coverage, handled } from './coverage.js';
import { prologue, type FuzzOp } from './fuzz-op.js';

const call = (slot: number, code: number): FuzzOp => ({ kind: 'ioctl', slot, code, input: { pattern: new Uint8Array(0), length: 0 }, outLength: 0 });
const answer = (index: number, status: number | null, error = 0): StepReport => ({
  index,
  kind: 'ioctl',
  inLength: 0,
  outLength: 0,
  error,
  status,
  bytesReturned: 0,
  elapsedUs: 10,
  output: '',
  ok: true,
});
const opened = (index: number): StepReport => ({ index, kind: 'open', error: 0, status: 0, ok: true });

describe('coverage', () => {
  it('counts what each (code, handle access) answered, threads included, and tells the surface from "not handled"', () => {
    const c = new Coverage();
    const ops: FuzzOp[] = [
      ...prologue(),
      call(0, 0x22e004),
      call(1, 0x22e004),
      call(0, 0x22e00c),
      { kind: 'open', slot: 7, access: 'w' },
      call(7, 0x22e004),
      { kind: 'par', threads: 2, iterations: 3, ops: [call(0, 0x22e008)] },
    ];
    const steps: StepReport[] = [
      ...[0, 1, 2, 3].map(opened),
      answer(4, 0),
      answer(5, 0xc0000022, 5),
      answer(6, 0xc0000010, 1),
      opened(7),
      answer(8, 0xc0000022, 5),
      {
        index: 9,
        kind: 'parallel',
        error: 0,
        elapsedUs: 60,
        ok: true,
        parallel: {
          threads: 2,
          iterations: 3,
          sub: [
            {
              kind: 'ioctl',
              calls: 6,
              errors: { '0': 4, '122': 2 },
              statuses: { '0': 4, '3221225507': 2 },
              returned: {},
              distinctOutputs: 1,
              p50Us: 1,
              p99Us: 1,
            },
          ],
        },
      },
    ];
    c.addBatch(ops, steps);
    expect(c.codeCount).toBe(3);
    const rows = c.table();
    expect(rows).toEqual([
      { code: 0x22e004, handle: 'rw', calls: 1, answers: { '0x00000000': 1 } },
      { code: 0x22e004, handle: 'r', calls: 1, answers: { '0xC0000022': 1 } },
      { code: 0x22e004, handle: 'w', calls: 1, answers: { '0xC0000022': 1 } },
      { code: 0x22e008, handle: 'rw', calls: 6, answers: { '0x00000000': 4, '0xC0000023': 2 } },
      { code: 0x22e00c, handle: 'rw', calls: 1, answers: { '0xC0000010': 1 } },
    ]);
    // Access denied on the read-only and the write-only handle is the I/O manager's (REFLECT asks for read and write).
    expect(rows.filter(handled).map((r) => [r.code, r.handle])).toEqual([
      [0x22e004, 'rw'],
      [0x22e008, 'rw'],
    ]);
    // From the driver itself, access denied is an answer: a code that asks for no access on a read-only handle.
    expect(handled({ code: 0x22200c, handle: 'r', calls: 1, answers: { '0xC0000022': 1 } })).toBe(true);
  });

  it('counts nothing for a call that was not run', () => {
    const c = new Coverage();
    c.addBatch([call(0, 1)], [{ index: 0, kind: 'ioctl', error: null, ok: true, notRun: true }]);
    expect(c.table()).toEqual([]);
  });
});
