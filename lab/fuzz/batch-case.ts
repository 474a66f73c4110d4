/**
 * Ops as a case the run pipeline executes: one guest case per batch (or per shrink candidate), with no
 * expectations, so what judges them is only what lab holds every IOCTL to (never more bytes returned than
 * the output buffer holds, nothing written past it), and whether the driver crashed or hung.
 */
import type { Case, CaseStep, ThreadStep } from '../suite/case.js';
import { hexCode } from '../suite/ioctl-code.js';
import type { FuzzOp } from './fuzz-op.js';

export interface CaseShape {
  index: number;
  id: string;
  timeoutMs: number;
  /** Load the driver again before the case (shrink candidates: each starts from the same state). */
  fresh?: boolean;
  source: string;
}

export function opsCase(ops: readonly FuzzOp[], names: ReadonlyMap<number, string>, shape: CaseShape): Case {
  return {
    index: shape.index,
    id: shape.id,
    name: shape.id,
    params: {},
    timeoutMs: shape.timeoutMs,
    tags: ['fuzz'],
    ...(shape.fresh ? { fresh: true } : {}),
    steps: ops.map((op) => toStep(op, names)),
    source: shape.source,
    template: 0,
  };
}

function toStep(op: FuzzOp, names: ReadonlyMap<number, string>): CaseStep {
  if (op.kind === 'par') return { kind: 'parallel', threads: op.threads, iterations: op.iterations, steps: op.ops.map((o) => toThreadStep(o, names)) };
  return toThreadStep(op, names);
}

function toThreadStep(op: FuzzOp, names: ReadonlyMap<number, string>): ThreadStep {
  switch (op.kind) {
    case 'ioctl':
      return {
        kind: 'ioctl',
        slot: op.slot,
        ioctl: { name: names.get(op.code) ?? hexCode(op.code), code: op.code },
        input: op.input,
        outLength: op.outLength,
        inPointer: op.inPointer ?? 'heap',
        outPointer: op.outPointer ?? 'heap',
        ...(op.outFill ? { outFill: op.outFill } : {}),
        expect: {},
      };
    case 'open':
      // Not `required`: a refused open is an answer like any other, and the calls after it still run.
      return {
        kind: 'open',
        slot: op.slot,
        access: op.access,
        share: op.share ?? ['read', 'write'],
        disposition: op.disposition ?? 'open-existing',
        overlapped: false,
        ...(op.path !== undefined ? { path: op.path } : {}),
        expect: {},
        required: false,
      };
    case 'close':
      return { kind: 'close', slot: op.slot };
    case 'par':
      throw new Error('fuzz: threads inside threads');
  }
}
