import { access } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UsageError } from '../errors/lab-error.js';
import { readFile } from 'node:fs/promises';
import { MACHINE } from '../pe/pe-names.js';
import { readPe } from '../pe/read-pe.js';
import type { GuestMachine } from '../targets/kind-def.js';
import { buildDir } from './package-root.js';

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
 * driver/build/i686), so a suite naming one gets the other when the target needs it; anything else must
 * already match, or the run stops here with what to do, rather than as a load error inside the guest.
 */
export async function imageFor(path: string, machine: GuestMachine, what: string, targetName: string): Promise<string> {
  const found = await peMachine(path).catch(() => undefined);
  if (found === undefined || found === machine) return path;
  const rel = relative(buildDir(), path);
  if (!rel.startsWith('..') && rel !== '') {
    const mine = rel.startsWith(`i686${sep}`) ? rel.slice(5) : rel;
    const other = join(buildFor(machine), mine);
    if ((await access(other).then(() => true, () => false)) && (await peMachine(other).catch(() => undefined)) === machine) return other;
  }
  const fix = machine === 'i686' ? 'build it with i686-w64-mingw32-gcc (`npm run build` does for the project\'s programs, into driver/build/i686/)' : 'build it with x86_64-w64-mingw32-gcc';
  throw new UsageError('LAB_MACHINE_MISMATCH', `${what} ${path} is built for ${found}, but target ${targetName} runs ${machine} Windows, which cannot load it. Fix: ${fix}, and pass it with --driver / --client.`);
}

/** The suite's driver and client as the target's machine needs them. */
export async function forMachine<S extends { driver: { image: string }; client?: string | undefined }>(suite: S, target: { machine: GuestMachine; name: string }): Promise<S> {
  const image = await imageFor(suite.driver.image, target.machine, 'the driver', target.name);
  const client = suite.client ? await imageFor(suite.client, target.machine, 'the client', target.name) : undefined;
  return { ...suite, driver: { ...suite.driver, image }, ...(client ? { client } : {}) };
}
