import { UsageError } from '../errors/lab-error.js';
import type { GuestMachine, TargetContext, TargetKindDef } from './kind-def.js';
import { kindOf, type TargetSpec } from './registry.js';
import type { Target } from './target.js';

export type { TargetContext } from './kind-def.js';

/** A resolved `--target NAME`: its spec, its kind's definition, and the factory that kind loaded. */
export interface TargetRef {
  kind: TargetSpec['kind'];
  name: string;
  spec: TargetSpec;
  /** The guest's machine: which build of the driver, runner and client it takes. */
  machine: GuestMachine;
  /** Two workers would share one machine (--workers is refused). */
  exclusiveMachine: boolean;
  /** What this target stands for in the mutant catalog. */
  observes: readonly string[];
  make(context: TargetContext): Target;
}

/** `--target NAME` → a target, built by its kind's factory (loaded by resolve()). */
export function createTarget(ref: TargetRef, context: TargetContext): Target {
  return ref.make(context);
}

/** `wine` needs no inventory (and is not slowed or broken by one); every other name is looked up there. */
createTarget.resolve = async (name: string): Promise<TargetRef> => {
  if (name === 'wine') return refOf({ kind: 'wine', name });
  const [{ inventoryPath }, { loadInventory, resolveTarget }] = await Promise.all([
    import('./inventory/inventory-path.js'),
    import('./inventory/load-inventory.js'),
  ]);
  const file = inventoryPath();
  const inventory = await loadInventory(file).catch((error: unknown) => {
    if (error instanceof UsageError && error.code === 'LAB_INVENTORY_MISSING') {
      throw new UsageError(
        'LAB_UNKNOWN_TARGET',
        `--target ${name}: expected \`wine\` or a target named in the inventory, but ${file} does not exist. ` +
          `Fix: describe the machine there (see infra/targets.example.yaml) or point LAB_INVENTORY at your inventory.`,
      );
    }
    throw error;
  });
  return refOf(resolveTarget(inventory, name));
};

/** A spec as a TargetRef: its kind's code is loaded here, once, so createTarget can stay synchronous. */
export async function refOf(spec: TargetSpec): Promise<TargetRef> {
  const def = kindOf(spec.kind) as TargetKindDef | undefined;
  if (!def) throw new UsageError('LAB_UNKNOWN_TARGET', `--target ${spec.name}: no target kind \`${spec.kind}\`; this is a bug in lab`);
  const factory = await def.load();
  return {
    kind: spec.kind,
    name: spec.name,
    spec,
    machine: def.machine(spec),
    exclusiveMachine: def.exclusiveMachine(spec),
    observes: def.observes(spec),
    make: (context) => factory(spec, context),
  };
}

/** `lab doctor`'s checks for a resolved target. */
export async function checksOf(ref: TargetRef, buildDir: string) {
  return (kindOf(ref.kind) as TargetKindDef).checks(ref.spec, buildDir);
}
