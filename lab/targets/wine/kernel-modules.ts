/**
 * What Wine offers a driver to import: the builtin modules of the prefix (system32, and system32\drivers
 * for the .sys a driver may import), each read with lab/pe for its export table. Wine's 64-bit hosts load
 * only x64 drivers.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../../errors/lab-error.js';
import { MACHINE } from '../../pe/pe-names.js';
import { readPe } from '../../pe/read-pe.js';
import type { KernelModules } from '../target.js';

/** `system32`: the prefix's C:\windows\system32 as this process reaches it. */
export async function readKernelModules(system32: string, names: string[]): Promise<KernelModules> {
  const dirs = [system32, join(system32, 'drivers')];
  const listings = await Promise.all(dirs.map((d) => readdir(d).catch(() => [] as string[])));
  // A prefix without the kernel itself is a broken target, not a driver that needs something Wine lacks.
  if (!listings[0]!.some((f) => f.toLowerCase() === 'ntoskrnl.exe')) {
    throw new HarnessError(
      'LAB_WINE_PREFIX',
      `the Wine prefix's ${system32} has no ntoskrnl.exe. Fix: delete the template in the lab cache (\`lab doctor\` shows where) and run again.`,
    );
  }
  const found = new Map<string, Set<string>>();
  for (const name of new Set(names.map((n) => n.toLowerCase()))) {
    const i = listings.findIndex((files) => files.some((f) => f.toLowerCase() === name));
    if (i < 0) continue;
    const file = listings[i]!.find((f) => f.toLowerCase() === name)!;
    const pe = readPe(await readFile(join(dirs[i]!, file)));
    found.set(name, new Set(pe.ok ? pe.image.exports : []));
  }
  return { machine: MACHINE.x64, found, where: 'C:\\windows\\system32 and system32\\drivers of the Wine prefix' };
}
