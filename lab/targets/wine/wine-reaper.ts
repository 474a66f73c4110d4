import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { stillRunning, thisProcess, type ProcessIdentity } from '../../files/process-identity.js';
import { wineEnv } from './wine-env.js';

/** The variable a prefix's keeper (namespace-prefix.ts) carries: the prefix it holds. */
export const keeperEnvName = 'LAB_PREFIX_KEEPER';

/**
 * Ends Wine processes without Wine's help. Every Wine process of a prefix carries WINEPREFIX in its
 * environment (a prefix's keeper carries LAB_PREFIX_KEEPER), so /proc tells a run's processes (wineserver,
 * services, winedevice with the driver, the guest runner, winedbg) from other runs' and workers'. SIGKILL
 * does not wait for Wine's orderly shutdown and works when wineserver itself is wedged. Without /proc,
 * `wineserver -k` is the fallback.
 *
 * The guarantee, tested in wine-isolation.e2e.test.ts: when this returns, no process of the prefix is left
 * (processes that appear while it kills, a service Wine was starting, are killed on the next pass).
 */
export async function killPrefixProcesses(prefix: string): Promise<void> {
  if (winePids(prefix, false) === undefined) {
    await execa('wineserver', ['-k'], { env: wineEnv(prefix), extendEnv: false, reject: false, timeout: 10_000 });
    return;
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pids = (winePids(prefix, false) ?? []).filter(isAlive);
    if (pids.length === 0 || Date.now() > deadline) return;
    for (const pid of pids) signal(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Synchronously kills every Wine process and keeper of every prefix under `dir` (a forced exit cannot await). */
export function killProcessesUnderSync(dir: string): void {
  for (let pass = 0; pass < 5; pass++) {
    const pids = [...(winePids(dir, true, 'WINEPREFIX') ?? []), ...(winePids(dir, true, keeperEnvName) ?? [])];
    if (pids.length === 0) return;
    for (const pid of pids) signal(pid, 'SIGKILL');
  }
}

/**
 * Pids whose WINEPREFIX (or `variable`) is `path` (or, with `under`, any folder inside it); undefined when
 * /proc cannot be read. Synchronous: it runs on a forced exit too, and /proc reads do not block.
 */
export function winePids(path: string, under: boolean, variable = 'WINEPREFIX'): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const key = `${variable}=${path}`;
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    for (const value of environ.split('\0')) {
      if (value === key || (under && value.startsWith(`${key}/`))) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

const OWNER = 'owner.json';

/**
 * Makes `runDir` this process's run folder, marked so a later lab can tell an abandoned run from a live
 * one, and so lab only ever removes folders it made. A folder already there is taken only when it is an
 * abandoned run's (its lab is gone); anything else there is refused, never reused or removed.
 */
export async function claimRunDir(runDir: string): Promise<void> {
  await mkdir(join(runDir, '..'), { recursive: true });
  try {
    await mkdir(runDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = await ownerOf(runDir);
    if (owner && sameProcess(owner, thisProcess())) return;
    if (!owner || stillRunning(owner)) {
      throw new Error(`${runDir} exists and is not a folder this lab made${owner ? ` (lab pid ${owner.pid} uses it)` : ''}; lab neither reuses nor removes it`);
    }
    killProcessesUnderSync(runDir);
    await rm(runDir, { recursive: true, force: true });
    await mkdir(runDir);
  }
  await writeFile(join(runDir, OWNER), JSON.stringify(thisProcess()));
}

/** True when `runDir` carries this process's mark: the only run folders this process may remove. */
export async function ownsRunDir(runDir: string): Promise<boolean> {
  const owner = await ownerOf(runDir);
  return Boolean(owner && sameProcess(owner, thisProcess()));
}

/**
 * testcontainers' reaper, for Wine: runs whose lab process is gone (killed with SIGKILL, a crashed CI
 * runner) leave their prefixes behind (and, with copied prefixes, their Wine processes); the next run ends
 * those processes and removes the folders. Runs of live lab processes, and folders without lab's mark,
 * are left alone. Other targets pass how to find their processes (QEMU's carry the run folder in their
 * environment).
 */
export async function reapAbandonedRuns(runsRoot: string, killUnder: (dir: string) => void = killProcessesUnderSync): Promise<number> {
  let reaped = 0;
  for (const name of await readdir(runsRoot).catch(() => [] as string[])) {
    const dir = join(runsRoot, name);
    const owner = await ownerOf(dir);
    if (!owner || stillRunning(owner)) continue;
    killUnder(dir);
    await rm(dir, { recursive: true, force: true });
    reaped++;
  }
  return reaped;
}

async function ownerOf(dir: string): Promise<ProcessIdentity | undefined> {
  const text = await readFile(join(dir, OWNER), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  try {
    const owner = JSON.parse(text) as ProcessIdentity;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

function sameProcess(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.pid === b.pid && a.started === b.started;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited; its parent has not reaped it yet.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^ Z /.test(stat.slice(stat.lastIndexOf(')') + 1));
  } catch {
    return false;
  }
}
