import { reapAbandonedRuns, winePids } from '../wine/wine-reaper.js';

/** Set in every QEMU process lab starts: the run folder that owns it, so /proc tells whose it is. */
export const OWNER_VARIABLE = 'LAB_QEMU_RUN';

/** QEMU processes owned by `dir` (or any folder inside it); synchronous, for a forced exit too. */
export function qemuPids(dir: string): number[] {
  return winePids(dir, true, OWNER_VARIABLE) ?? [];
}

export function killQemuUnderSync(dir: string): void {
  for (const pid of qemuPids(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * The Wine reaper's rule for QEMU: a run folder whose lab process is gone (SIGKILL, a crashed CI runner)
 * has its QEMU killed and the folder (with its copy of the disk) removed by the next run.
 */
export function reapAbandonedQemuRuns(runsRoot: string): Promise<number> {
  return reapAbandonedRuns(runsRoot, killQemuUnderSync);
}
