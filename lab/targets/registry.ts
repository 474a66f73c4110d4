import type { z } from 'zod';
import { hypervKind } from './hyperv/hyperv-kind.js';
import type { TargetKindDef } from './kind-def.js';
import { qemuKind } from './qemu/qemu-kind.js';
import { sshKind } from './ssh/ssh-kind.js';
import { wineKind } from './wine/wine-kind.js';

/**
 * Every kind of target lab knows, one entry each (kind-def.ts says what an entry holds). The inventory's
 * schema, `--target` resolution, `lab doctor`, `--workers` and the kill matrix all read this list; adding
 * a kind is its folder plus one line here.
 */
export const TARGET_KINDS = [wineKind, sshKind, hypervKind, qemuKind] as const;

type Kinds = typeof TARGET_KINDS;
type SpecOf<K> = K extends TargetKindDef<z.ZodObject, infer S> ? S : never;

/** One inventory entry, resolved: what a target is built from. No secret values. */
export type TargetSpec = SpecOf<Kinds[number]>;
export type TargetKind = TargetSpec['kind'];
/** The inventory entries' schemas, as a tuple for the discriminated union. */
type Entries<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R] ? [H extends { entry: infer E } ? E : never, ...Entries<R>] : [];
export type KindEntries = Entries<Kinds>;

export const KIND_NAMES: readonly string[] = TARGET_KINDS.map((k) => k.kind);

/** The definition of a spec's kind (typed loosely: each entry is only ever called with its own specs). */
export function kindOf(kind: string): TargetKindDef<z.ZodObject, { kind: string; name: string }> | undefined {
  return TARGET_KINDS.find((k) => k.kind === kind) as unknown as TargetKindDef<z.ZodObject, { kind: string; name: string }> | undefined;
}
