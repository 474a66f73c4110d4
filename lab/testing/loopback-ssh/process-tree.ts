/** TEST INFRASTRUCTURE (loopback SSH server): finding and ending processes through /proc. */
import { readdirSync, readFileSync } from 'node:fs';

/** The per-connection sshd processes above this one (`sshd: user@notty`, `sshd: user [priv]`), not the listener. */
export function sshdConnectionAncestors(pid = process.pid): number[] {
  const found: number[] = [];
  let current = pid;
  for (let depth = 0; depth < 20; depth++) {
    const parent = parentOf(current);
    if (!parent || parent <= 1) break;
    // Per-connection processes are titled `sshd: user@notty` / `sshd: user [priv]`; the listener (which
    // must survive, as a real server's would) is titled `sshd: /usr/sbin/sshd ... [listener] ...`.
    const title = cmdline(parent);
    if (title.startsWith('sshd:') && !title.includes('[listener]')) found.push(parent);
    current = parent;
  }
  return found;
}

/** Every process whose environment names this Wine prefix (what Wine starts for it). */
export function prefixProcesses(prefix: string): number[] {
  const needle = Buffer.from(`WINEPREFIX=${prefix}\0`);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`);
      const at = environ.indexOf(needle);
      if (at === 0 || (at > 0 && environ[at - 1] === 0)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

export function killAll(pids: number[], signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/ Z /.test(stat.slice(stat.lastIndexOf(')')));
  } catch {
    return false;
  }
}

/** Kills the prefix's processes and waits (bounded) until they are gone. */
export async function killPrefix(prefix: string): Promise<void> {
  const pids = prefixProcesses(prefix);
  killAll(pids);
  const deadline = Date.now() + 5000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Every process below `root` (children, their children, ...), found through /proc. */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent !== undefined) parents.set(Number(entry), parent);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const [pid, parent] of parents) {
      if (parent === current) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}
