import { UsageError } from '../errors/lab-error.js';
import type { HypervSpec, SshSpec, TargetSpec } from './inventory/target-spec.js';
import type { Target } from './target.js';
import { WineTarget } from './wine/wine-target.js';

/**
 * The remote targets' code (ssh2, the inventory's YAML and schema) is loaded by resolve(), only for a
 * target that needs it: `lab run` on Wine does not pay a quarter of a second for it.
 */
const remote: {
  ssh?: (spec: SshSpec, context: TargetContext) => Target;
  hyperv?: (spec: HypervSpec, context: TargetContext) => Target;
} = {};

export interface TargetRef {
  kind: 'wine' | 'ssh' | 'hyperv';
  name: string;
  /** The inventory entry, resolved (absent for the built-in `wine`). */
  spec?: TargetSpec;
}

export interface TargetContext {
  runId: string;
  keep: boolean;
  /** The local folder with lab's Windows programs (driver/build). */
  toolsDir: string;
  onProgress?: (line: string) => void;
}

/** `--target NAME` → a target: `wine` is built in; other names come from the inventory (infra/targets.yaml). */
export function createTarget(ref: TargetRef, context: TargetContext): Target {
  switch (ref.kind) {
    case 'wine':
      return new WineTarget({ name: ref.name, runId: context.runId, keep: context.keep, toolsDir: context.toolsDir, ...(context.onProgress ? { onProgress: context.onProgress } : {}) });
    case 'ssh':
      if (ref.spec?.kind === 'ssh' && remote.ssh) return remote.ssh(ref.spec, context);
      break;
    case 'hyperv':
      if (ref.spec?.kind === 'hyperv' && remote.hyperv) return remote.hyperv(ref.spec, context);
      break;
  }
  throw new UsageError('LAB_UNKNOWN_TARGET', `--target ${ref.name}: no ${ref.kind} target of that name was resolved; this is a bug in lab`);
}

/** `wine` needs no inventory (and is not slowed or broken by one); every other name is looked up there. */
createTarget.resolve = async (name: string): Promise<TargetRef> => {
  if (name === 'wine') return { kind: 'wine', name };
  const [{ inventoryPath }, { loadInventory, resolveTarget }] = await Promise.all([import('./inventory/inventory-path.js'), import('./inventory/load-inventory.js')]);
  const file = inventoryPath();
  const inventory = await loadInventory(file).catch((error: unknown) => {
    if (error instanceof UsageError && error.code === 'LAB_INVENTORY_MISSING') {
      throw new UsageError('LAB_UNKNOWN_TARGET', `--target ${name}: expected \`wine\` or a target named in the inventory, but ${file} does not exist. Fix: describe the machine there (see infra/targets.example.yaml) or point LAB_INVENTORY at your inventory.`);
    }
    throw error;
  });
  const spec = resolveTarget(inventory, name);
  if (spec.kind === 'ssh' && !remote.ssh) {
    const [{ SshTarget }, { SshLink }] = await Promise.all([import('./ssh/ssh-target.js'), import('./ssh/ssh-link.js')]);
    remote.ssh = (s, c) => new SshTarget({ name: s.name, runId: c.runId, link: new SshLink(s.endpoint, c.onProgress), guest: s.guest, keep: c.keep, ...(c.onProgress ? { onProgress: c.onProgress } : {}) });
  }
  if (spec.kind === 'hyperv' && !remote.hyperv) {
    const { HypervTarget } = await import('./hyperv/hyperv-target.js');
    remote.hyperv = (s, c) => new HypervTarget(s, { runId: c.runId, keep: c.keep, ...(c.onProgress ? { onProgress: c.onProgress } : {}) });
  }
  return { kind: spec.kind, name, spec };
};
