import type { ConfigFormat } from '../../config-file/config-format.js';
import { loadYamlFile } from '../../config-file/load-config-file.js';
import type { RawIssue } from '../../config-file/schema-issues.js';
import type { SourceMap } from '../../config-file/source-map.js';
import { UsageError } from '../../errors/lab-error.js';
import { KIND_NAMES, kindOf, type TargetSpec } from '../registry.js';
import { InventoryError } from './inventory-error.js';
import { inventoryRules, secretFieldIssues } from './inventory-rules.js';
import { INVENTORY_FIELDS, InventorySchema, type RawInventory, type RawTarget } from './inventory-schema.js';

export interface LoadedInventory {
  file: string;
  dir: string;
  raw: RawInventory;
  source: SourceMap;
}

const INVENTORY_FILE: ConfigFormat<RawInventory> = {
  noun: 'an inventory',
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  topLevel: 'a mapping with `version: 1` and `targets`',
  schema: InventorySchema,
  hints: () => ({ fields: INVENTORY_FIELDS }),
  reword: kindHint,
  // Before the schema, so a secret gets this message rather than "unknown field".
  inspect: secretFieldIssues,
  rules: inventoryRules,
  invalid: (issues, context) => new InventoryError(issues, context),
  missing: (file) =>
    new UsageError(
      'LAB_INVENTORY_MISSING',
      `${file}: no inventory file. Fix: create it (see infra/targets.yaml in the repository for the format) or point LAB_INVENTORY at yours.`,
    ),
};

/** Reads and checks the inventory as every file lab reads (config-file/); every problem comes back at once with file:line:column (exit 2). */
export async function loadInventory(path: string): Promise<LoadedInventory> {
  const { file, dir, value, source } = await loadYamlFile(path, INVENTORY_FILE);
  return { file, dir, raw: value, source };
}

/** zod says little when `kind` itself is wrong; say what the kinds are. */
function kindHint({ message, path }: RawIssue, data: unknown): string {
  const atKind = path.length === 3 && path[2] === 'kind';
  if ((path.length === 2 || atKind) && path[0] === 'targets') {
    const entry = (data as { targets?: Record<string, { kind?: unknown }> }).targets?.[String(path[1])];
    if (entry && !KIND_NAMES.includes(String(entry.kind)))
      return `expected ${atKind ? '' : '`kind` to be '}one of ${KIND_NAMES.map((k) => JSON.stringify(k)).join(', ')}, found ${entry.kind === undefined ? 'nothing' : JSON.stringify(entry.kind)}`;
  }
  return message;
}

/** The entry `--target name` picks, resolved. `wine` needs no inventory. */
export function resolveTarget(inventory: LoadedInventory, name: string): TargetSpec {
  const entry = Object.hasOwn(inventory.raw.targets, name) ? inventory.raw.targets[name] : undefined;
  if (!entry) {
    if (name === 'wine') return { kind: 'wine', name };
    const names = ['wine', ...Object.keys(inventory.raw.targets).filter((n) => n !== 'wine')];
    throw new UsageError(
      'LAB_UNKNOWN_TARGET',
      `--target ${name}: expected \`wine\` or a target named in ${inventory.file} (${names.join(', ')}), found no target of that name`,
    );
  }
  return specOf(inventory, name, entry);
}

function specOf(inventory: LoadedInventory, name: string, entry: RawTarget): TargetSpec {
  return kindOf(entry.kind)!.resolve(entry as never, name, inventory) as TargetSpec;
}
