/**
 * What a batch's result shows that is worth a finding: the driver crashed or hung in it, or a call broke a
 * rule lab holds every IOCTL to (bytes returned past the output buffer, bytes written past it). Results
 * that are lab's or the target's doing (a harness error, a gap of the target) are never sightings.
 */
import type { CaseResult, CrashEvidence } from '../verdict/case-result.js';

import type { FindingKind } from './fuzz-report.js';

export interface Sighting {
  kind: FindingKind;
  /** Two sightings with the same key are the same defect (a crash site, a rule broken by a code). */
  key: string;
  /** One line for people. */
  summary: string;
  /** The step of the batch that broke a rule (divergences), when known. */
  step?: number;
  /** The problem as the judge wrote it (divergences). */
  problem?: string;
  evidence?: CrashEvidence;
  /**
   * Set when the crash is the target's own, not the driver's: the target stopped on an assertion of its
   * own kernel, or its stack is known and holds no frame of the driver. Listed, never made a finding.
   */
  targetOwn?: string;
}

/** `image`: the driver's file name (objdev.sys), to tell its frames from the target's. */
export function sightingsOf(result: CaseResult, image?: string): Sighting[] {
  switch (result.status) {
    case 'crashed': {
      const evidence = result.evidence;
      const site = crashSite(evidence, image);
      const own = targetOwn(evidence, image);
      return [
        {
          kind: 'crash',
          key: `crash ${site ?? normalizedSignature(evidence?.signature ?? '')}`,
          summary: `${own ? 'the target stopped' : 'the driver crashed'}${site ? ` at ${site}` : ''}: ${evidence?.signature ?? result.message ?? ''}`,
          ...(evidence ? { evidence } : {}),
          ...(own ? { targetOwn: own } : {}),
        },
      ];
    }
    case 'hung':
      return [
        {
          kind: 'hang',
          key: 'hang',
          summary: result.message ?? 'the driver did not complete a request',
          ...(result.evidence ? { evidence: result.evidence } : {}),
        },
      ];
    case 'passed':
    case 'failed':
      return divergences(result);
    default:
      return [];
  }
}

/**
 * Problems of steps that expected nothing: what is left are the rules lab holds every call to, whatever
 * the suite says. Opens that were refused are answers, not problems, and are left out.
 */
function divergences(result: CaseResult): Sighting[] {
  const out: Sighting[] = [];
  for (const step of result.steps) {
    if (step.ok || (step.error === null && step.kind !== 'parallel')) continue;
    if (step.kind !== 'ioctl' && step.kind !== 'parallel') continue;
    for (const problem of step.problems ?? []) {
      if (step.kind === 'parallel' && /expected \d+ calls/.test(problem)) continue;
      const rule = problem.replace(/0x[0-9a-fA-F]+|\d+/g, 'N');
      out.push({
        kind: 'divergence',
        key: `divergence ${step.ioctlName ?? step.kind} ${rule}`,
        summary: `${step.ioctlName ?? step.kind}: ${problem}`,
        step: step.index,
        problem,
      });
    }
  }
  return out;
}

/** A frame as lab's targets write them: `objdev.sys+0x10b6`, `in objdev.sys (+0x10b6)`, `<objdev.sys:10b6>`. */
const FRAME = /([A-Za-z0-9_.-]+\.(?:sys|dll|exe))(?:\s*\(\+0x|\+0x|:)([0-9a-fA-F]+)\b/g;

function frames(evidence: CrashEvidence | undefined): Array<{ module: string; offset: string }> {
  const text = `${evidence?.backtrace ?? ''}\n${evidence?.signature ?? ''}`;
  return [...text.matchAll(FRAME)].map((m) => ({ module: m[1]!, offset: m[2]!.toLowerCase() }));
}

/** The innermost frame in the driver (in any .sys when its name is not given): `objdev.sys+0x10b6`. */
export function crashSite(evidence: CrashEvidence | undefined, image?: string): string | undefined {
  const all = frames(evidence);
  const frame = image ? all.find((f) => f.module.toLowerCase() === image.toLowerCase()) : all.find((f) => /\.sys$/i.test(f.module));
  return frame ? `${frame.module}+0x${frame.offset}` : undefined;
}

/**
 * Why a crash is the target's and not the driver's, or undefined. The driver is never blamed for what
 * its target does on its own: a kernel that stopped on one of its own assertions (ReactOS's debug build does,
 * for requests the driver never saw: the QEMU target says "without a bugcheck"), or a stack lab knows that
 * holds no frame of the driver. A crash with no stack known (a bugcheck code alone) stays the driver's.
 */
function targetOwn(evidence: CrashEvidence | undefined, image: string | undefined): string | undefined {
  if (!evidence || !image) return undefined;
  // The stack is what the backtrace shows; a fault line alone (a module and offset) is not a stack.
  const known = frames({ signature: '', lastLines: [], ...(evidence.backtrace ? { backtrace: evidence.backtrace } : {}) });
  if (known.some((f) => f.module.toLowerCase() === image.toLowerCase())) return undefined;
  if (/without a bugcheck/.test(evidence.signature)) return `the target's kernel stopped on its own assertion or break-in, naming no frame of ${image}`;
  if (known.length > 0) return `the crash is in the target's own code: none of the ${known.length} frames of its stack is in ${image}`;
  return undefined;
}

/** A fault line without the data address (which moves with the request) or the thread. */
function normalizedSignature(signature: string): string {
  return signature
    .replace(/access to [0-9A-Fa-fx]+/g, 'access to *')
    .replace(/\(thread [0-9a-fA-F]+\)/g, '')
    .trim();
}
