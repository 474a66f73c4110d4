import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { wineEnv } from './wine-env.js';

/**
 * Ends Wine processes without Wine's help. Every Wine process of a prefix carries WINEPREFIX in its
 * environment, so /proc tells a run's processes (wineserver, services, winedevice with the driver, the
 * guest runner, winedbg) from other runs' and workers'. SIGKILL does not wait for Wine's orderly shutdown
 * (`wineserver -k` takes about half a second), and works when wineserver itself is wedged. Without /proc,
 * `wineserver -k` is the fallback.
 */
export async function killPrefixProcesses(prefix: string): Promise<void> {
  const pids = winePids(prefix, false);
  if (pids === undefined) {
    await execa('wineserver', ['-k'], { env: wineEnv(prefix), reject: false, timeout: 10_000 });
    return;
  }
  for (const pid of pids) signal(pid, 'SIGKILL');
  const deadline = Date.now() + 5000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** Synchronously kills every Wine process of every prefix under `dir` (a forced exit cannot await). */
export function killProcessesUnderSync(dir: string): void {
  for (const pid of winePids(dir, true) ?? []) signal(pid, 'SIGKILL');
}

/**
 * Pids whose WINEPREFIX is `path` (or, with `under`, any folder inside it); undefined when /proc cannot be
 * read. Synchronous: it runs on a forced exit too, and /proc reads do not block.
 */
export function winePids(path: string, under: boolean): number[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const key = `WINEPREFIX=${path}`;
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    for (const variable of environ.split('\0')) {
      if (variable === key || (under && variable.startsWith(`${key}/`))) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

const OWNER = 'owner.json';

/** Marks a run folder as this process's, so a later lab can tell an abandoned run from a live one. */
export async function claimRunDir(runDir: string): Promise<void> {
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, OWNER), JSON.stringify({ pid: process.pid, started: processStart(process.pid) }));
}

/**
 * testcontainers' reaper, for Wine: runs whose lab process is gone (killed with SIGKILL, a crashed CI
 * runner) leave their Wine processes and prefixes behind; the next run ends those processes and removes
 * the folders. Runs of live lab processes are left alone. Other targets pass how to find their processes
 * (QEMU's carry the run folder in their environment).
 */
export async function reapAbandonedRuns(runsRoot: string, killUnder: (dir: string) => void = killProcessesUnderSync): Promise<number> {
  let reaped = 0;
  for (const name of await readdir(runsRoot).catch(() => [] as string[])) {
    const dir = join(runsRoot, name);
    const owner = await readFile(join(dir, OWNER), 'utf8').then((t) => JSON.parse(t) as { pid: number; started?: string }, () => undefined);
    if (!owner) continue;
    if (isAlive(owner.pid) && processStart(owner.pid) === owner.started) continue;
    killUnder(dir);
    await rm(dir, { recursive: true, force: true });
    reaped++;
  }
  return reaped;
}

/** The start time of a process (clock ticks since boot), which tells a reused pid from the original. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
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
