import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';
import type { Prefix } from './prefix.js';
import { killPrefixProcesses } from './wine-reaper.js';

/**
 * The fallback where no namespace can be made: a whole copy of the template. Correct everywhere; cheap
 * where the file system shares the blocks of a copy (reflinks: btrfs, XFS), about 700 MB written where it
 * does not (ext4: 3.7 s here). Hard links (what lab did before) share the files themselves: a driver that
 * wrote C:\windows\win.ini wrote the template's.
 */
export async function copyPrefix(template: string, dest: string): Promise<Prefix> {
  await mkdir(dirname(dest), { recursive: true });
  await rm(dest, { recursive: true, force: true });
  try {
    await execa('cp', ['-a', '--reflink=auto', template, dest], { timeout: 300_000, extendEnv: false, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  } catch (cause) {
    await rm(dest, { recursive: true, force: true });
    throw new HarnessError(
      'LAB_WINE_PREFIX',
      `could not copy the Wine template ${template} to ${dest}. Fix: the disk needs about 700 MB free there; set LAB_CACHE_DIR to move it.`,
      { cause },
    );
  }
  return {
    path: dest,
    isolation: 'a copy of the template (no mount namespace here)',
    command: (file, args, cwd) => ({ file: 'env', args: ['-C', cwd, file, ...args] }),
    host: (path) => path,
    async remove(keepAt) {
      await killPrefixProcesses(dest);
      if (keepAt) await execa('mv', [dest, keepAt]);
      else await rm(dest, { recursive: true, force: true });
    },
  };
}
