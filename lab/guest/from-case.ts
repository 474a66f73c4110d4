import type { Case, CaseStep, ShareMode, ThreadStep } from '../suite/case.js';
import type { GuestCase, GuestDisposition, GuestStep } from './plan.js';
import { windowsCommandLine } from './windows-command-line.js';

export interface GuestPaths {
  /** Where the target put the suite's client, as a guest path (C:\lab\objdev-echo.exe). */
  client?: string;
  /** Where the target put a deployed file (the driver image, one of `files`), by its name. */
  file?: (name: string) => string;
}

/** A concrete case as the guest runner executes it: steps only, expectations stay on the host. */
export function toGuestCase(c: Case, paths: GuestPaths): GuestCase {
  return { index: c.index, id: c.id, steps: c.steps.map((s) => toGuestStep(s, paths, false)), ...(c.fresh ? { fresh: true } : {}) };
}

const DISPOSITIONS: Record<string, GuestDisposition> = {
  'open-existing': 'open',
  'create-new': 'create',
  'open-always': 'open-always',
  'create-always': 'create-always',
  'truncate-existing': 'truncate',
};
const SHARE_LETTERS: Record<ShareMode, string> = { read: 'r', write: 'w', delete: 'd' };

function guestFile(paths: GuestPaths, name: string): string {
  if (!paths.file) throw new Error(`${name} is not deployed to the guest`);
  return paths.file(name);
}

function toGuestStep(step: CaseStep | ThreadStep, paths: GuestPaths, inParallel: boolean): GuestStep {
  switch (step.kind) {
    case 'open': {
      const share = step.share.map((m) => SHARE_LETTERS[m]).join('');
      return {
        kind: 'open',
        slot: step.slot,
        access: step.access,
        // Inside `parallel` a failed open is counted with the rest, never the end of the case.
        ...(step.required && !inParallel ? { required: true } : {}),
        ...(step.overlapped ? { overlapped: true } : {}),
        ...(step.path !== undefined ? { path: step.path } : {}),
        ...(step.device !== undefined ? { device: step.device } : {}),
        // The runner's defaults (share read and write, open-existing) are left unsaid.
        ...(share !== 'rw' ? { share } : {}),
        ...(step.disposition !== 'open-existing' ? { disposition: DISPOSITIONS[step.disposition]! } : {}),
      };
    }
    case 'close':
      return { kind: 'close', slot: step.slot };
    case 'sleep':
      return { kind: 'sleep', ms: step.ms };
    case 'ioctl':
      return {
        kind: 'ioctl',
        slot: step.slot,
        code: step.ioctl.code,
        input: step.input,
        outLength: step.outLength,
        ...(step.outFill ? { fill: step.outFill } : {}),
        ...(step.inPointer !== 'heap' ? { inPointer: step.inPointer } : {}),
        ...(step.outPointer !== 'heap' ? { outPointer: step.outPointer } : {}),
        ...(step.async ? { async: step.async.slot } : {}),
      };
    case 'read':
      return {
        kind: 'read',
        slot: step.slot,
        length: step.length,
        ...(step.offset !== undefined ? { offset: step.offset } : {}),
        ...(step.outFill ? { fill: step.outFill } : {}),
        ...(step.outPointer !== 'heap' ? { outPointer: step.outPointer } : {}),
        ...(step.async ? { async: step.async.slot } : {}),
      };
    case 'write':
      return {
        kind: 'write',
        slot: step.slot,
        input: step.input,
        ...(step.offset !== undefined ? { offset: step.offset } : {}),
        ...(step.inPointer !== 'heap' ? { inPointer: step.inPointer } : {}),
        ...(step.async ? { async: step.async.slot } : {}),
      };
    case 'wait':
      return { kind: 'wait', async: step.async.slot, timeoutMs: step.timeoutMs };
    case 'cancel':
      return { kind: 'cancel', async: step.async.slot };
    case 'parallel':
      return { kind: 'par', threads: step.threads, iterations: step.iterations, steps: step.steps.map((s) => toGuestStep(s, paths, true)) };
    case 'load':
      return { kind: 'load', service: step.service, ...(step.image !== undefined ? { image: guestFile(paths, step.image) } : {}) };
    case 'unload':
      return { kind: 'unload', service: step.service };
    case 'run': {
      const program = step.program !== undefined ? guestFile(paths, step.program) : paths.client;
      if (!program) throw new Error('a run step needs the client deployed to the guest');
      return {
        kind: 'exec',
        timeoutMs: step.timeoutMs,
        commandLine: windowsCommandLine([program, ...step.args]),
        ...(step.cwd !== undefined ? { cwd: step.cwd } : {}),
        ...(step.env !== undefined ? { env: step.env } : {}),
      };
    }
  }
}
