import { readFileSync } from 'node:fs';

/** A process as /proc knows it: its pid and start time, which together tell a reused pid from the original. */
export interface ProcessIdentity {
  pid: number;
  started?: string;
}

export function thisProcess(): ProcessIdentity {
  return { pid: process.pid, started: processStart(process.pid) };
}

/** True while the process that wrote `owner` still runs (not a later process that got its pid). */
export function stillRunning(owner: ProcessIdentity): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return processStart(owner.pid) === owner.started;
}

/** The start time of a process (clock ticks since boot). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
