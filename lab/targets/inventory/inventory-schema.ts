import { z } from 'zod';
import { KIND_NAMES, type KindEntries, TARGET_KINDS } from '../registry.js';
import { HypervHostEntry, Name } from './fields.js';

/**
 * infra/targets.yaml: the machines `--target NAME` can pick. Credentials are never in this file, only the
 * names of the environment variables that hold them (see inventory-rules.ts for the fields refused). Each
 * kind's entry is defined with its kind (registry.ts); this file only puts them together.
 */
export const InventorySchema = z.strictObject({
  version: z.literal(1),
  hypervHosts: z.record(Name, HypervHostEntry).optional(),
  targets: z.record(Name, z.discriminatedUnion('kind', TARGET_KINDS.map((k) => k.entry) as unknown as KindEntries)),
});

export type RawInventory = z.infer<typeof InventorySchema>;
export type { RawHypervHost } from './fields.js';
export type RawTarget = RawInventory['targets'][string];

/** Every field name the schema knows, for "did you mean" hints. */
export const INVENTORY_FIELDS: ReadonlySet<string> = new Set([
  'version',
  'hypervHosts',
  'targets',
  'local',
  'ssh',
  'powershell',
  ...TARGET_KINDS.flatMap((k) => k.fields),
]);

export { KIND_NAMES };
