import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where lab keeps what outlives a run: Wine prefix templates (about 700 MB each) and the per-run prefixes
 * cloned from them. Outside the repository on purpose; LAB_CACHE_DIR moves it (CI caches, tests).
 */
export function labCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAB_CACHE_DIR) return env.LAB_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'lab');
}
