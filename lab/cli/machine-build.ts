import { access } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readFile } from 'node:fs/promises';
import { MACHINE } from '../pe/pe-names.js';
import { readPe } from '../pe/read-pe.js';
import type { GuestMachine } from '../targets/kind-def.js';
import { buildDir } from '../package-root/package-root.js';

/** The CPU a Windows image is built for, from lab/pe's reader; undefined when it is not a PE image. */
export async function peMachine(path: string): Promise<GuestMachine | 'other' | undefined> {
  const read = readPe(await readFile(path));
  if (!read.ok) return undefined;
  return read.image.machine === MACHINE.x64 ? 'x86_64' : read.image.machine === MACHINE.x86 ? 'i686' : 'other';
}

/** Where `npm run build` puts the programs for a machine: driver/build (x86_64) or driver/build/i686. */
export function buildFor(machine: GuestMachine): string {
  return machine === 'i686' ? join(buildDir(), 'i686') : buildDir();
}

/**
 * The image to deploy for the target's machine. The project's own builds come in both (driver/build and
 * driver/build/i686), so a suite naming one gets the other when the target needs it. Anything else is
 * deployed as it is: a driver of the wrong CPU is the load diagnosis's to refuse (lab/run/image-check.ts,
 * `inconclusive` on a target that knows its kernel, as Wine does).
 */
export async function imageFor(path: string, machine: GuestMachine): Promise<string> {
  const found = await peMachine(path).catch(() => undefined);
  if (found === undefined || found === machine) return path;
  const rel = relative(buildDir(), path);
  if (rel.startsWith('..') || rel === '') return path;
  const other = join(buildFor(machine), rel.startsWith(`i686${sep}`) ? rel.slice(5) : rel);
  return (await access(other).then(
    () => true,
    () => false,
  )) && (await peMachine(other).catch(() => undefined)) === machine
    ? other
    : path;
}

/** The suite's driver, client and deployed files as the target's machine needs them. */
export async function forMachine<S extends { driver: { image: string }; client?: string | undefined; files?: Array<{ path: string }> }>(
  suite: S,
  target: { machine: GuestMachine; name: string },
): Promise<S> {
  const image = await imageFor(suite.driver.image, target.machine);
  const client = suite.client ? await imageFor(suite.client, target.machine) : undefined;
  const files = suite.files ? await Promise.all(suite.files.map(async (file) => ({ ...file, path: await imageFor(file.path, target.machine) }))) : undefined;
  return { ...suite, driver: { ...suite.driver, image }, ...(client ? { client } : {}), ...(files ? { files } : {}) };
}
