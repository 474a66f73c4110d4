import type { z } from 'zod';
import type { CheckResult } from '../doctor/check.js';
import type { RawIssue } from '../config-file/schema-issues.js';
import type { RawHypervHost } from './inventory/fields.js';
import type { Target } from './target.js';

export interface TargetContext {
  runId: string;
  keep: boolean;
  /** The local folder with lab's Windows programs (driver/build): Wine's tools, a VM's agent. */
  toolsDir: string;
  onProgress?: (line: string) => void;
}

/** The Windows machine a target's guest is: which build of the driver, runner, client and agent it takes. */
export type GuestMachine = 'x86_64' | 'i686';

/**
 * Everything lab knows about one kind of target, in one place: its inventory entry (schema, rules,
 * resolution to a spec), how to build it (loaded on use, so a Wine run does not load ssh2), `lab doctor`'s
 * checks, and the facts the rest of lab asks about (one machine or many, its CPU, what the mutant catalog
 * calls it). A new kind of target is a folder with one of these, listed in registry.ts.
 */
/** What a kind sees of the inventory around its entry (kept loose: the inventory's type is made of the kinds). */
export interface InventoryContext {
  /** The file as shown in messages, and its folder (relative paths start there). */
  file: string;
  dir: string;
  raw: { hypervHosts?: Record<string, RawHypervHost> | undefined };
}

export interface TargetKindDef<Entry extends z.ZodObject = z.ZodObject, Spec extends { kind: string; name: string } = { kind: string; name: string }> {
  kind: Spec['kind'];
  /** The inventory entry: a strict object whose `kind` is this kind's literal. */
  entry: Entry;
  /** Its field names, for "did you mean" hints. */
  fields: readonly string[];
  /** Cross-field rules the schema cannot say; `at` is the entry's path in the file. */
  rules?(entry: z.infer<Entry>, at: PropertyKey[], inventory: InventoryContext['raw']): RawIssue[];
  /** The entry with defaults applied and paths made absolute (relative paths start at the inventory's folder). */
  resolve(entry: z.infer<Entry>, name: string, inventory: InventoryContext): Spec;
  load(): Promise<(spec: Spec, context: TargetContext) => Target>;
  checks(spec: Spec, buildDir: string): Promise<CheckResult[]>;
  /** One machine: two workers would share its driver service and folder (--workers is refused). */
  exclusiveMachine(spec: Spec): boolean;
  machine(spec: Spec): GuestMachine;
  /** What this target stands for in the mutant catalog's `observableOn` (driver/kernel/mutants.json). */
  observes(spec: Spec): readonly string[];
}

export function defineKind<Entry extends z.ZodObject, Spec extends { kind: string; name: string }>(
  def: TargetKindDef<Entry, Spec>,
): TargetKindDef<Entry, Spec> {
  return def;
}
