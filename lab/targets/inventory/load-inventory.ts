import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../../errors/lab-error.js';
import { located } from '../../suite/load-suite.js';
import { explainIssues } from '../../suite/schema-issues.js';
import { SourceMap } from '../../suite/source-map.js';
import { KIND_NAMES, kindOf, type TargetSpec } from '../registry.js';
import { InventoryError } from './inventory-error.js';
import { inventoryRules, secretFieldIssues } from './inventory-rules.js';
import { INVENTORY_FIELDS, InventorySchema, type RawInventory, type RawTarget } from './inventory-schema.js';

const MAX_INVENTORY_BYTES = 1024 * 1024;

export interface LoadedInventory {
  file: string;
  dir: string;
  raw: RawInventory;
  source: SourceMap;
}

/** Reads and checks the inventory; every problem comes back at once with file:line:column (exit 2). */
export async function loadInventory(path: string): Promise<LoadedInventory> {
  const file = displayPath(path);
  const at1 = (message: string) => new InventoryError([{ file, line: 1, column: 1, path: '', message }]);
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_INVENTORY_BYTES) throw at1(`expected an inventory of at most 1 MiB, found ${(bytes.length / 1024 / 1024).toFixed(1)} MiB`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if (error instanceof InventoryError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError('LAB_INVENTORY_MISSING', `${file}: no inventory file. Fix: create it (see infra/targets.yaml in the repository for the format) or point LAB_INVENTORY at yours.`);
    }
    throw at1(`expected a readable UTF-8 file, found ${(error as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const source = new SourceMap(doc, lines);
  if (doc.errors.length > 0) {
    throw new InventoryError(doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col ?? 1, path: '', message: `expected valid YAML, found an error: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '')}` })));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    throw at1(`expected an inventory without alias explosions, found ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw at1('expected a mapping with `version: 1` and `targets`');

  const secrets = secretFieldIssues(data);
  if (secrets.length > 0) throw new InventoryError(secrets.map((i) => located(source, file, i.path, i.message, i.key)));
  const parsed = InventorySchema.safeParse(data);
  if (!parsed.success) {
    const issues = explainIssues(parsed.error.issues, data, INVENTORY_FIELDS).map((i) => located(source, file, i.path, kindHint(i.message, i.path, data), i.key));
    throw new InventoryError(issues.sort((a, b) => a.line - b.line || a.column - b.column));
  }
  const ruleIssues = inventoryRules(parsed.data);
  if (ruleIssues.length > 0) throw new InventoryError(ruleIssues.map((i) => located(source, file, i.path, i.message, i.key)));
  return { file, dir: dirname(resolve(path)), raw: parsed.data, source };
}

/** zod says little when `kind` itself is wrong; say what the kinds are. */
function kindHint(message: string, path: PropertyKey[], data: unknown): string {
  const atKind = path.length === 3 && path[2] === 'kind';
  if ((path.length === 2 || atKind) && path[0] === 'targets') {
    const entry = (data as { targets?: Record<string, { kind?: unknown }> }).targets?.[String(path[1])];
    if (entry && !KIND_NAMES.includes(String(entry.kind))) return `expected ${atKind ? '' : '`kind` to be '}one of ${KIND_NAMES.map((k) => JSON.stringify(k)).join(', ')}, found ${entry.kind === undefined ? 'nothing' : JSON.stringify(entry.kind)}`;
  }
  return message;
}

/** The entry `--target name` picks, resolved. `wine` needs no inventory. */
export function resolveTarget(inventory: LoadedInventory, name: string): TargetSpec {
  const entry = Object.hasOwn(inventory.raw.targets, name) ? inventory.raw.targets[name] : undefined;
  if (!entry) {
    if (name === 'wine') return { kind: 'wine', name };
    const names = ['wine', ...Object.keys(inventory.raw.targets).filter((n) => n !== 'wine')];
    throw new UsageError('LAB_UNKNOWN_TARGET', `--target ${name}: expected \`wine\` or a target named in ${inventory.file} (${names.join(', ')}), found no target of that name`);
  }
  return specOf(inventory, name, entry);
}

function specOf(inventory: LoadedInventory, name: string, entry: RawTarget): TargetSpec {
  return kindOf(entry.kind)!.resolve(entry as never, name, inventory) as TargetSpec;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith('..') ? rel : path;
}
