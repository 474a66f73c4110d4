import type { Case, CaseStep, ThreadStep } from '../suite/case.js';
import type { GuestCase, GuestStep } from './plan.js';
import { windowsCommandLine } from './windows-command-line.js';

export interface GuestPaths {
  /** Where the target put the suite's client, as a guest path (C:\lab\objdev-echo.exe). */
  client?: string;
}

/** A concrete case as the guest runner executes it: steps only, expectations stay on the host. */
export function toGuestCase(c: Case, paths: GuestPaths): GuestCase {
  return { index: c.index, id: c.id, steps: c.steps.map((s) => toGuestStep(s, paths, false)), ...(c.fresh ? { fresh: true } : {}) };
}

function toGuestStep(step: CaseStep | ThreadStep, paths: GuestPaths, inParallel: boolean): GuestStep {
  switch (step.kind) {
    case 'open':
      // Inside `parallel` a failed open is counted with the rest, never the end of the case.
      return { kind: 'open', slot: step.slot, access: step.access, ...(step.required && !inParallel ? { required: true } : {}) };
    case 'close':
      return { kind: 'close', slot: step.slot };
    case 'sleep':
      return { kind: 'sleep', ms: step.ms };
    case 'ioctl':
      return { kind: 'ioctl', slot: step.slot, code: step.ioctl.code, input: step.input, outLength: step.outLength };
    case 'parallel':
      return { kind: 'par', threads: step.threads, iterations: step.iterations, steps: step.steps.map((s) => toGuestStep(s, paths, true)) };
    case 'load':
    case 'unload':
      return { kind: step.kind, service: step.service };
    case 'run':
      if (!paths.client) throw new Error('a run step needs the client deployed to the guest');
      return { kind: 'exec', timeoutMs: step.timeoutMs, commandLine: windowsCommandLine([paths.client, ...step.args]) };
  }
}
