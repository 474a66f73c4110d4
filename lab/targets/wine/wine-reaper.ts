import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { wineEnv } from './wine-env.js';

/**
 * Ends every process of one prefix at once: wineserver, services, winedevice (the driver host), the guest
 * runner, winedbg. Every Wine process of a prefix carries WINEPREFIX in its environment, so /proc tells
 * them apart from other runs' and other workers' processes; SIGKILL does not wait for Wine's orderly
 * shutdown (`wineserver -k` takes about half a second). Without /proc, `wineserver -k` is the fallback.
 */
export async function killPrefixProcesses(prefix: string): Promise<void> {
  const pids = await prefixPids(prefix);
  if (pids === undefined) {
    await execa('wineserver', ['-k'], { env: wineEnv(prefix), reject: false, timeout: 10_000 });
    return;
  }
  for (const pid of pids) signal(pid, 'SIGKILL');
  const deadline = Date.now() + 5000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/** Pids whose environment holds WINEPREFIX=<prefix>; undefined when /proc cannot be read. */
export async function prefixPids(prefix: string): Promise<number[] | undefined> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return undefined;
  }
  const needle = Buffer.from(`\0WINEPREFIX=${prefix}\0`);
  const first = Buffer.from(`WINEPREFIX=${prefix}\0`);
  const pids: number[] = [];
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
      .map(async (e) => {
        const environ = await readFile(`/proc/${e}/environ`).catch(() => undefined);
        if (environ && (environ.includes(needle) || environ.subarray(0, first.length).equals(first))) pids.push(Number(e));
      }),
  );
  return pids;
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
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // Synchronous on purpose: a tiny file, read only while waiting for processes to die.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return / Z /.test(stat.slice(stat.lastIndexOf(')')));
  } catch {
    return true;
  }
}
