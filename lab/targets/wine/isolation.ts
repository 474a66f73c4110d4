import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../errors/lab-error.js';
import { copyPrefix } from './copied-prefix.js';
import { namespacePrefix, startKeeper, type NamespaceKind } from './namespace-prefix.js';
import type { Prefix } from './prefix.js';

/**
 * How this machine keeps prefixes apart from the template, found once per process by trying:
 * 1. an overlay in an unprivileged user namespace (a developer's laptop, most CI runners; any user);
 * 2. as root, an overlay in a mount namespace alone (where user namespaces are turned off);
 * 3. a whole copy of the template (a container that allows neither): correct, slower.
 * LAB_WINE_ISOLATION=user-namespace|mount-namespace|copy skips the search (and fails when it cannot).
 */
export type Isolation = { kind: 'namespace'; namespace: NamespaceKind } | { kind: 'copy'; why: string };

const FORCED: Record<string, Isolation> = {
  'user-namespace': { kind: 'namespace', namespace: 'user' },
  'mount-namespace': { kind: 'namespace', namespace: 'mount' },
  copy: { kind: 'copy', why: 'LAB_WINE_ISOLATION=copy' },
};

const found = new Map<string, Promise<Isolation>>();

export function prefixIsolation(cacheDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Isolation> {
  const forced = env.LAB_WINE_ISOLATION;
  if (forced) {
    const isolation = FORCED[forced];
    if (!isolation) throw new UsageError('LAB_WINE_ISOLATION', `LAB_WINE_ISOLATION=${forced}: expected one of ${Object.keys(FORCED).join(', ')}`);
    return Promise.resolve(isolation);
  }
  let probe = found.get(cacheDir);
  if (!probe) {
    probe = search(cacheDir);
    found.set(cacheDir, probe);
  }
  return probe;
}

/** A clean prefix at `dir` (a folder lab owns), the best way this machine allows. */
export async function makePrefix(template: string, dir: string, cacheDir: string): Promise<Prefix> {
  const isolation = await prefixIsolation(cacheDir);
  if (isolation.kind === 'namespace') return namespacePrefix(template, dir, isolation.namespace, cacheDir);
  const prefix = await copyPrefix(template, join(dir, 'prefix'));
  return { ...prefix, isolation: `${prefix.isolation}: ${isolation.why}` };
}

async function search(cacheDir: string): Promise<Isolation> {
  const tried: string[] = [];
  const kinds: NamespaceKind[] = process.getuid?.() === 0 ? ['user', 'mount'] : ['user'];
  for (const kind of kinds) {
    const why = await tryNamespace(kind, cacheDir);
    if (!why) return { kind: 'namespace', namespace: kind };
    tried.push(`${kind} namespace: ${why}`);
  }
  return { kind: 'copy', why: tried.join('; ') };
}

/** Makes a tiny overlay the way a prefix is made and reads a file through it; undefined when it works. */
async function tryNamespace(kind: NamespaceKind, cacheDir: string): Promise<string | undefined> {
  await mkdir(cacheDir, { recursive: true });
  const dir = await mkdtemp(join(cacheDir, 'isolation-probe-'));
  try {
    for (const d of ['lower', 'upper', 'work', 'root']) await mkdir(join(dir, d));
    await writeFile(join(dir, 'lower', 'probe'), 'lab');
    // The probe's own folder stands for the cache: it holds the layers, as the cache holds a prefix's.
    const keeper = startKeeper(kind, [join(dir, 'lower'), join(dir, 'upper'), join(dir, 'work'), join(dir, 'root'), dir], join(dir, 'root'));
    let out = '';
    let err = '';
    keeper.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    keeper.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    const ready = await Promise.race([
      new Promise<boolean>((resolve) => keeper.stdout?.on('data', () => out.includes('ready') && resolve(true))),
      keeper.then(() => false),
      // Unreferenced: a timer left pending would keep lab alive for its 10 s after the run.
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
    ]);
    let seen = '';
    if (ready) seen = await readFile(`/proc/${keeper.pid}/root${join(dir, 'root', 'probe')}`, 'utf8').catch(() => '');
    keeper.kill('SIGKILL');
    await keeper.catch(() => undefined);
    if (seen === 'lab') return undefined;
    return err.trim().split('\n')[0]?.trim() || (ready ? 'the overlay could not be read' : 'no answer');
  } catch (error) {
    return (error as Error).message;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
