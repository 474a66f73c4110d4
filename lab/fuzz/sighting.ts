/**
 * What a batch's result shows that is worth a finding: the driver crashed or hung in it, or a call broke a
 * rule lab holds every IOCTL to (bytes returned past the output buffer, bytes written past it). Results
 * that are lab's or the target's doing (a harness error, a gap of the target) are never sightings.
 */
import type { CaseResult, CrashEvidence } from '../verdict/case-result.js';

export type FindingKind = 'crash' | 'hang' | 'divergence';

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
}

export function sightingsOf(result: CaseResult): Sighting[] {
  switch (result.status) {
    case 'crashed': {
      const evidence = result.evidence;
      const site = crashSite(evidence);
      return [{ kind: 'crash', key: `crash ${site ?? normalizedSignature(evidence?.signature ?? '')}`, summary: `the driver crashed${site ? ` at ${site}` : ''}: ${evidence?.signature ?? result.message ?? ''}`, ...(evidence ? { evidence } : {}) }];
    }
    case 'hung':
      return [{ kind: 'hang', key: 'hang', summary: result.message ?? 'the driver did not complete a request', ...(result.evidence ? { evidence: result.evidence } : {}) }];
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
    if (step.ok || step.error === null && step.kind !== 'parallel') continue;
    if (step.kind !== 'ioctl' && step.kind !== 'parallel') continue;
    for (const problem of step.problems ?? []) {
      if (step.kind === 'parallel' && /expected \d+ calls/.test(problem)) continue;
      const rule = problem.replace(/0x[0-9a-fA-F]+|\d+/g, 'N');
      out.push({ kind: 'divergence', key: `divergence ${step.ioctlName ?? step.kind} ${rule}`, summary: `${step.ioctlName ?? step.kind}: ${problem}`, step: step.index, problem });
    }
  }
  return out;
}

/** The innermost frame in a driver image: `objdev.sys+0x10b6`, from either form of backtrace lab shows. */
export function crashSite(evidence: CrashEvidence | undefined): string | undefined {
  const text = `${evidence?.backtrace ?? ''}\n${evidence?.signature ?? ''}`;
  const m = /([A-Za-z0-9_.-]+\.sys)(?:\s*\(\+|\+)0x([0-9a-fA-F]+)/.exec(text);
  return m ? `${m[1]}+0x${m[2]!.toLowerCase()}` : undefined;
}

/** A fault line without the data address (which moves with the request) or the thread. */
function normalizedSignature(signature: string): string {
  return signature.replace(/access to [0-9A-Fa-fx]+/g, 'access to *').replace(/\(thread [0-9a-fA-F]+\)/g, '').trim();
}
