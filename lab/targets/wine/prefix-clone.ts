import { copyFile, mkdir, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';

/** The files Wine rewrites in place; everything else in a prefix is only ever read or added to. */
const REWRITTEN = ['system.reg', 'user.reg', 'userdef.reg'];

/**
 * A clean prefix in well under a second without copying 700 MB: hard links to the template, then real
 * copies of the registry files Wine rewrites. Wine never writes into system32, so the template stays
 * intact (prefix.test.ts checks that after a full session).
 */
export async function clonePrefix(template: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  await rm(dest, { recursive: true, force: true });
  try {
    await execa('cp', ['-al', template, dest], { timeout: 60_000 });
    for (const name of REWRITTEN) {
      const target = join(dest, name);
      await unlink(target);
      await copyFile(join(template, name), target);
    }
  } catch (cause) {
    await rm(dest, { recursive: true, force: true });
    throw new HarnessError(
      'LAB_WINE_PREFIX',
      `could not clone the Wine template ${template} to ${dest}. Fix: both must be on one file system with room for about 5 MB; set LAB_CACHE_DIR to move them.`,
      { cause },
    );
  }
}
