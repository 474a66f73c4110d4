/**
 * Which (code, handle access) answered what: the driver's attack surface at a glance. Every completed call
 * counts under its NTSTATUS (the Win32 error when the runner gave none); calls of a batch that crashed or
 * hung are not counted, since where the batch stopped is not known.
 */
import type { Access } from '../guest/plan.js';
import type { StepReport } from '../verdict/case-result.js';
import { SLOT_ACCESS, type FuzzOp } from './fuzz-op.js';

import type { CoverageRow } from './fuzz-report.js';

/** Statuses that say "no such request here": a code answering only these is not part of the surface. */
export const NOT_HANDLED = new Set(['0xC0000010', '0xC00000BB', '0xC0000002']);

export class Coverage {
  private readonly rows = new Map<string, CoverageRow>();
  private readonly codes = new Set<number>();

  /** A completed batch: its ops and the judged steps, one per op. */
  addBatch(ops: readonly FuzzOp[], steps: readonly StepReport[]): void {
    // A slot's access is what the batch last opened it with (storms reopen spare slots with any access).
    const access = new Map<number, Access>();
    ops.forEach((op, i) => {
      const step = steps[i];
      if (op.kind === 'open') access.set(op.slot, op.access);
      if (!step || step.notRun) return;
      if (op.kind === 'ioctl' && step.kind === 'ioctl') this.add(op.code, access.get(op.slot) ?? 'rw', answerOf(step.status, step.error), 1);
      if (op.kind === 'par' && step.parallel) {
        const own = new Map(access);
        op.ops.forEach((inner, k) => {
          if (inner.kind === 'open') own.set(inner.slot, inner.access);
          const sub = step.parallel!.sub[k];
          if (inner.kind !== 'ioctl' || !sub) return;
          const handle = own.get(inner.slot) ?? 'rw';
          const statuses = Object.entries(sub.statuses ?? {});
          if (statuses.length) for (const [status, n] of statuses) this.add(inner.code, handle, answerOf(Number(status), null), n);
          else for (const [error, n] of Object.entries(sub.errors)) this.add(inner.code, handle, answerOf(null, Number(error)), n);
        });
      }
    });
  }

  add(code: number, handle: Access, answer: string, calls: number): void {
    this.codes.add(code);
    const key = `${code} ${handle}`;
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { code, handle, calls: 0, answers: {} }));
    row.calls += calls;
    row.answers[answer] = (row.answers[answer] ?? 0) + calls;
  }

  get codeCount(): number {
    return this.codes.size;
  }

  /** By code, then handle access in slot order. */
  table(): CoverageRow[] {
    return [...this.rows.values()].sort((a, b) => a.code - b.code || SLOT_ACCESS.indexOf(a.handle) - SLOT_ACCESS.indexOf(b.handle));
  }
}

function answerOf(status: number | null | undefined, error: number | null): string {
  if (typeof status === 'number') return `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  return `error ${error ?? 'none'}`;
}

const ACCESS_DENIED = '0xC0000022';

/**
 * A row is part of the attack surface when some call reached the driver and got an answer other than "not
 * handled". Access denied on a handle without the access the code's CTL_CODE bits ask for is the I/O
 * manager's answer, before the driver sees the request.
 */
export function handled(row: CoverageRow): boolean {
  const refusedByIoManager = ioManagerRefuses(row.code, row.handle);
  return Object.keys(row.answers).some((a) => !NOT_HANDLED.has(a) && !(a === ACCESS_DENIED && refusedByIoManager));
}

/** FILE_READ_ACCESS needs a handle with read access, FILE_WRITE_ACCESS one with write access. */
function ioManagerRefuses(code: number, handle: Access): boolean {
  const access = (code >>> 14) & 3;
  const canRead = handle === 'rw' || handle === 'r';
  const canWrite = handle === 'rw' || handle === 'w';
  return (Boolean(access & 1) && !canRead) || (Boolean(access & 2) && !canWrite);
}
