import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../../errors/lab-error.js';
import { located } from '../../suite/load-suite.js';
import { explainIssues } from '../../suite/schema-issues.js';
import { SourceMap } from '../../suite/source-map.js';
import { DEFAULT_GUEST_DIR, type GuestSettings } from '../ssh/guest-settings.js';
import { DEFAULT_RECONNECT, DEFAULT_TIMEOUTS, type HostKeyPolicy, type SshEndpoint } from '../ssh/ssh-endpoint.js';
import { checkWindowsPath } from '../ssh/windows-path.js';
import { InventoryError } from './inventory-error.js';
import { inventoryRules, secretFieldIssues } from './inventory-rules.js';
import { INVENTORY_FIELDS, InventorySchema, type RawInventory, type RawTarget } from './inventory-schema.js';
import type { HypervHostSpec, TargetSpec } from './target-spec.js';

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
    if (entry && !['wine', 'ssh', 'hyperv'].includes(String(entry.kind))) return `expected ${atKind ? '' : '`kind` to be '}one of "wine", "ssh", "hyperv", found ${entry.kind === undefined ? 'nothing' : JSON.stringify(entry.kind)}`;
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
  const label = (path: string) => `${inventory.file}: ${path}`;
  switch (entry.kind) {
    case 'wine':
      return { kind: 'wine', name };
    case 'ssh':
      return { kind: 'ssh', name, endpoint: endpointOf(inventory, label(`targets.${name}`), entry.host, entry), guest: guestOf(entry) };
    case 'hyperv': {
      const hostEntry = inventory.raw.hypervHosts![entry.hypervHost]!;
      const shell = hostEntry.powershell ?? 'powershell';
      const host: HypervHostSpec = hostEntry.ssh
        ? { kind: 'ssh', name: entry.hypervHost, endpoint: endpointOf(inventory, label(`hypervHosts.${entry.hypervHost}.ssh`), hostEntry.ssh.host, hostEntry.ssh), powershell: shell }
        : { kind: 'local', name: entry.hypervHost, powershell: shell };
      const flags = entry.verifier ? (typeof entry.verifier.flags === 'number' ? entry.verifier.flags : parseInt(entry.verifier.flags, 16)) : undefined;
      return {
        kind: 'hyperv',
        name,
        host,
        vm: entry.vm,
        checkpoint: entry.checkpoint ?? 'lab-clean',
        bootTimeoutMs: entry.bootTimeoutMs ?? 300_000,
        pollMs: entry.pollMs ?? 2_000,
        rebootTimeoutMs: entry.rebootTimeoutMs ?? 600_000,
        guestEndpoint: endpointOf(inventory, label(`targets.${name}.guest`), entry.guest.host ?? '', entry.guest),
        guestHostFixed: Boolean(entry.guest.host),
        guest: guestOf(entry.guest),
        ...(flags !== undefined ? { verifier: { flags, ...(entry.verifier?.drivers ? { drivers: entry.verifier.drivers } : {}) } } : {}),
      };
    }
  }
}

type RawConnection = Extract<RawTarget, { kind: 'ssh' }>;

function endpointOf(inventory: LoadedInventory, label: string, host: string, c: Pick<RawConnection, 'port' | 'user' | 'hostKey' | 'auth' | 'timeouts' | 'reconnect'>): SshEndpoint {
  const fp = c.hostKey?.fingerprint;
  const hostKey: HostKeyPolicy = fp
    ? { kind: 'fingerprint', fingerprints: (Array.isArray(fp) ? fp : [fp]).map((f) => f.replace(/=$/, '')) }
    : { kind: 'known-hosts', file: localPath(inventory, c.hostKey?.knownHosts ?? '~/.ssh/known_hosts'), trustOnFirstUse: c.hostKey?.trustOnFirstUse ?? false };
  return {
    label,
    host,
    port: c.port ?? 22,
    user: c.user,
    hostKey,
    auth: {
      agent: c.auth.agent ?? false,
      ...(c.auth.keyFile ? { keyFile: localPath(inventory, c.auth.keyFile) } : {}),
      ...(c.auth.passphraseEnv ? { passphraseEnv: c.auth.passphraseEnv } : {}),
      ...(c.auth.passwordEnv ? { passwordEnv: c.auth.passwordEnv } : {}),
    },
    timeouts: { ...DEFAULT_TIMEOUTS, ...stripUndefined(c.timeouts ?? {}) },
    reconnect: { ...DEFAULT_RECONNECT, ...stripUndefined(c.reconnect ?? {}) },
  };
}

function guestOf(g: { guestDir?: string; dbgview?: string; cleanPaths?: string[] }): GuestSettings {
  return {
    guestDir: checkWindowsPath(g.guestDir ?? DEFAULT_GUEST_DIR),
    ...(g.dbgview ? { dbgview: checkWindowsPath(g.dbgview) } : {}),
    cleanPaths: (g.cleanPaths ?? []).map(checkWindowsPath),
  };
}

/** `~/x` from the home folder; other relative paths from the inventory's folder. */
function localPath(inventory: LoadedInventory, path: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(inventory.dir, path);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith('..') ? rel : path;
}
