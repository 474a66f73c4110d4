import { winePids } from '../targets/wine/wine-reaper.js';

/** Wine processes whose prefix lies under `dir` (a run's folder, a cache): what a test expects to be none. */
export function wineProcessesUnder(dir: string): number[] {
  return winePids(dir, true) ?? [];
}
