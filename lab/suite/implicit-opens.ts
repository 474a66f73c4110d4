/**
 * A case that uses a handle slot it never opens gets an open of it first, visible in reports: read-write,
 * and overlapped when a step of the case starts an `async` request on it. An explicit open that an async
 * request relies on must say `overlapped: true` itself; `overlappedProblems` names the steps that need it.
 */
import type { CaseStep, OpenStep, ThreadStep } from './case.js';
import { DEFAULT_SHARE } from './expand-step.js';

/** The slots that start an `async` request before the case opens them. */
function asyncBeforeOpen(steps: readonly CaseStep[]): Set<number> {
  const opened = new Set<number>();
  const slots = new Set<number>();
  for (const step of steps) {
    if (step.kind === 'open') opened.add(step.slot);
    else if ((step.kind === 'ioctl' || step.kind === 'read' || step.kind === 'write') && step.async && !opened.has(step.slot)) slots.add(step.slot);
  }
  return slots;
}

/**
 * Steps (by index) that start an async request on a handle the case opened without `overlapped: true`,
 * with the index of that open.
 */
export function overlappedProblems(steps: readonly CaseStep[]): Array<{ step: number; open: number; slot: number }> {
  const lastOpen = new Map<number, { index: number; overlapped: boolean }>();
  const problems: Array<{ step: number; open: number; slot: number }> = [];
  steps.forEach((step, index) => {
    if (step.kind === 'open') lastOpen.set(step.slot, { index, overlapped: step.overlapped });
    else if (step.kind === 'close') lastOpen.delete(step.slot);
    else if ((step.kind === 'ioctl' || step.kind === 'read' || step.kind === 'write') && step.async) {
      const open = lastOpen.get(step.slot);
      if (open && !open.overlapped) problems.push({ step: index, open: open.index, slot: step.slot });
    }
  });
  return problems;
}

export function addImplicitOpens(steps: CaseStep[]): CaseStep[] {
  const opened = new Set<number>();
  const needed = new Set<number>();
  const visit = (list: ReadonlyArray<CaseStep | ThreadStep>, local: Set<number>) => {
    for (const step of list) {
      if (step.kind === 'open') local.add(step.slot);
      else if (step.kind === 'parallel') visit(step.steps, new Set(opened));
      else if ((step.kind === 'ioctl' || step.kind === 'close' || step.kind === 'read' || step.kind === 'write') && !local.has(step.slot))
        needed.add(step.slot);
    }
  };
  visit(steps, opened);
  const overlapped = asyncBeforeOpen(steps);
  const opens: OpenStep[] = [...needed]
    .sort((a, b) => a - b)
    .map((slot) => ({
      kind: 'open',
      slot,
      access: 'rw',
      share: [...DEFAULT_SHARE],
      disposition: 'open-existing',
      overlapped: overlapped.has(slot),
      expect: { error: 0 },
      required: true,
      implicit: true,
    }));
  if (opens.length === 0) return steps;
  // Indexes that count the case's own steps (`sameAs`, a wait's starting step) keep pointing at them.
  for (const step of steps) {
    if (step.kind === 'wait') step.of += opens.length;
    const output = step.kind === 'ioctl' || step.kind === 'read' || step.kind === 'wait' ? step.expect.output : undefined;
    for (const bytes of [output?.equals, output?.prefix]) if (bytes && 'sameAsStep' in bytes) bytes.sameAsStep += opens.length;
  }
  return [...opens, ...steps];
}
