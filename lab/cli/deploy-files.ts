import { join } from 'node:path';
import { HarnessError } from '../errors/lab-error.js';
import type { ExpandedSuite } from '../suite/case.js';
import type { TargetRef } from '../targets/create-target.js';
import { requireFile } from './load-cases.js';
import { buildFor, forMachine } from './machine-build.js';
import { buildDir } from '../package-root/package-root.js';

/**
 * What a run deploys must exist before anything starts (`lab run`, `lab fuzz`): the driver, the client,
 * the suite's files, taken for the target's machine; the guest runner of that machine; the Wine target's
 * own programs. Returns the suite as deployed and the guest runner's local path.
 */
export async function requireDeployFiles(
  given: ExpandedSuite,
  targetRef: TargetRef,
  flags: { driver?: string; client?: string },
): Promise<{ suite: ExpandedSuite; guestRunner: string }> {
  await requireFile(
    given.driver.image,
    flags.driver ? '--driver' : `the suite's driver.image`,
    flags.driver ? 'check the path.' : 'run `lab build` (or `npm run build`) first, or pass --driver.',
  );
  if (given.client) await requireFile(given.client, flags.client ? '--client' : `the suite's client`, 'run `lab build` first, or pass --client.');
  for (const file of given.files) await requireFile(file.path, `the suite's file ${file.name}`, 'check `files:` in the suite, or run `lab build` first.');
  const suite = await forMachine(given, targetRef);
  const guestRunner = join(buildFor(targetRef.machine), 'lab-guest.exe');
  try {
    await requireFile(guestRunner, 'the guest runner', 'run `lab build` (or `npm run build`).');
    // The Wine target watches the driver hosts with its own programs (driver/monitor/).
    if (targetRef.kind === 'wine')
      for (const tool of ['lab-monitor.exe', 'lab-anchor.sys', 'lab-prints.dll'])
        await requireFile(join(buildDir(), tool), `the Wine target's ${tool}`, 'run `lab build` (or `npm run build`).');
  } catch (error) {
    throw new HarnessError('LAB_GUEST_RUNNER_MISSING', (error as Error).message);
  }
  return { suite, guestRunner };
}
