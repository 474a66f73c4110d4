import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';
import type { Prefix } from './prefix.js';
import { killPrefixProcesses, keeperEnvName } from './wine-reaper.js';

/**
 * A prefix as an overlay of the template, in namespaces of its own. A keeper process (`unshare`) makes a
 * mount namespace where the prefix folder is an overlay: the template is the read-only lower layer, and
 * everything Wine writes (the registry, a system file the driver opens for writing, new files) lands in
 * the prefix's own upper layer. In that namespace the whole lab cache (the template, other runs' prefixes)
 * is also mounted read-only, so not even an absolute Unix path (`\??\unix\...`, a Z: drive) reaches them,
 * and /tmp is private (Wine's server sockets). Wine's processes run in the keeper's PID namespace: when
 * the keeper ends, the kernel ends every one of them. The keeper ends when lab says so, or when lab is
 * gone (its stdin closes): no Wine process of lab outlives lab, even one killed with SIGKILL.
 *
 * `user`: an unprivileged user namespace (any user, where the kernel allows it); otherwise (root) a mount
 * namespace alone. Making one costs about 20 ms; throwing one away is removing what Wine wrote.
 */
export type NamespaceKind = 'user' | 'mount';

// $1 template, $2 upper, $3 work, $4 the prefix (mount point), $5 the cache, read-only inside. /tmp is a
// new tmpfs; a cache inside /tmp (tests, CI) is mounted back where it was, from the keeper's working
// folder (still the old one under the new /tmp; --no-canonicalize, or mount would look the path up anew).
const KEEPER = `set -eu
cd "$5"
mount -t tmpfs -o mode=1777 lab-tmp /tmp
case "$5" in /tmp|/tmp/*) mkdir -p "$5"; mount --no-canonicalize --rbind . "$5";; esac
cd /
mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4"
mount --rbind "$5" "$5"
mount -o remount,bind,ro "$5"
echo ready
read -r _ || true`;

export async function namespacePrefix(template: string, dir: string, kind: NamespaceKind, cacheDir: string): Promise<Prefix> {
  for (const path of [template, dir, cacheDir]) {
    // Overlay's mount options are separated by commas and colons.
    if (/[,:\\\n]/.test(path))
      throw new HarnessError(
        'LAB_WINE_PREFIX',
        `the Wine prefix folder ${path} has a comma, colon or backslash in its path, which an overlay mount cannot take. Fix: set LAB_CACHE_DIR to a plain path.`,
      );
  }
  const root = join(dir, 'prefix');
  const upper = join(dir, 'upper');
  const work = join(dir, 'work');
  await rm(dir, { recursive: true, force: true });
  for (const d of [root, upper, work]) await mkdir(d, { recursive: true });
  const keeper = startKeeper(kind, [template, upper, work, root, cacheDir], root);
  try {
    await keeperReady(keeper);
  } catch (cause) {
    keeper.kill('SIGKILL');
    await keeper.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    throw new HarnessError('LAB_WINE_PREFIX', `could not make the Wine prefix ${root} as an overlay of the template: ${(cause as Error).message}`, { cause });
  }
  const pid = keeper.pid!;
  const ns = (name: string) => `/proc/${pid}/ns/${name}`;
  const enter = [...(kind === 'user' ? [`--user=${ns('user')}`, '--preserve-credentials'] : []), `--mount=${ns('mnt')}`, `--pid=${ns('pid_for_children')}`];
  const host = (path: string) => `/proc/${pid}/root${path}`;
  let removed: Promise<void> | undefined;
  return {
    path: root,
    isolation: kind === 'user' ? 'an overlay of the template in a user namespace' : 'an overlay of the template in a mount namespace',
    command: (file, args, cwd) => ({ file: 'nsenter', args: [...enter, '--', 'env', '-C', cwd, file, ...args] }),
    host,
    remove(keepAt) {
      return (removed ??= (async () => {
        if (keepAt) await execa('cp', ['-a', host(root), keepAt], { reject: false });
        keeper.ref();
        keeper.kill('SIGKILL');
        await keeper.catch(() => undefined);
        // The PID namespace died with the keeper; this only waits for the kernel to finish with it.
        await killPrefixProcesses(root);
        await rm(dir, { recursive: true, force: true });
      })());
    },
  };
}

/** `args` go to the keeper script; `root` names it in /proc, so a reaper finds it. */
export function startKeeper(kind: NamespaceKind, args: string[], root: string): ResultPromise {
  const unshare = [
    ...(kind === 'user' ? ['--user', '--map-root-user'] : []),
    '--mount',
    '--propagation',
    'private',
    '--pid',
    '--fork',
    '--kill-child=SIGKILL',
    '--mount-proc',
  ];
  return execa('unshare', [...unshare, '--', 'sh', '-c', KEEPER, 'lab-prefix-keeper', ...args], {
    extendEnv: false,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [keeperEnvName]: root },
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    // Its own process group: a Ctrl-C at the terminal reaches lab, which tears down in order.
    detached: true,
    reject: false,
    buffer: false,
  });
}

async function keeperReady(keeper: ResultPromise): Promise<void> {
  let err = '';
  keeper.stderr?.on('data', (chunk: Buffer) => {
    if (err.length < 4000) err += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the namespace was not ready within 30 s')), 30_000);
    keeper.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void keeper.then((r) => {
      clearTimeout(timer);
      reject(new Error(`unshare ended (exit ${r.exitCode}): ${err.trim().split('\n')[0]?.trim() || 'no message'}`));
    });
  });
  // Nobody reads the keeper's output from here on, and a keeper lab forgot must not keep lab running: its
  // stdin stays open (its end is the keeper's signal that lab is gone) but holds no reference.
  keeper.stdout?.destroy();
  keeper.stderr?.destroy();
  (keeper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  keeper.unref();
}
