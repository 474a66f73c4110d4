import { UsageError } from '../errors/lab-error.js';
import type { Target } from './target.js';
import { WineTarget } from './wine/wine-target.js';

export interface TargetRef {
  kind: 'wine' | 'ssh' | 'hyperv';
  name: string;
}

export interface TargetContext {
  runId: string;
  keep: boolean;
  onProgress?: (line: string) => void;
}

/** `--target NAME` → a target: `wine` is built in; other names come from the inventory (infra/targets.yaml). */
export function createTarget(ref: TargetRef, context: TargetContext): Target {
  switch (ref.kind) {
    case 'wine':
      return new WineTarget({ name: ref.name, runId: context.runId, keep: context.keep, ...(context.onProgress ? { onProgress: context.onProgress } : {}) });
    default:
      throw new UsageError('LAB_UNKNOWN_TARGET', `--target ${ref.name}: this kind of target (${ref.kind}) is not available yet`);
  }
}

createTarget.resolve = async (name: string): Promise<TargetRef> => {
  if (name === 'wine') return { kind: 'wine', name };
  throw new UsageError('LAB_UNKNOWN_TARGET', `--target ${name}: expected \`wine\` or a target named in infra/targets.yaml, found no target of that name`);
};
