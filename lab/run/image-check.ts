/**
 * Why a driver will not load, said before loading it: the image is read (lab/pe/) and compared with what
 * the target offers (its machine, and the export tables of the modules the driver imports). A file that is
 * not a kernel driver is the suite's or the build's mistake; a driver this target cannot run (another
 * machine, KMDF, a module it imports that the target lacks) is a gap of the target, and the message says
 * which target can run it. Functions a module lacks do not stop Wine from loading the driver (it binds
 * them to stubs that end the host when called): they are named in a warning, and the cases that call
 * them come out inconclusive.
 */
import { readFile } from 'node:fs/promises';
import { machineName, subsystemName, SUBSYSTEM_NATIVE } from '../pe/pe-names.js';
import { readPe } from '../pe/read-pe.js';
import type { KernelModules, Target } from '../targets/target.js';
import { RUN_ON_WINDOWS } from '../verdict/target-gap.js';

export type ImageCheck =
  | { ok: true; warning?: string }
  /** `test`: the file is not a kernel driver; `target`: a driver this target cannot run. */
  | { ok: false; blame: 'test' | 'target'; message: string; functions?: string[] };

const KMDF_LOADER = 'wdfldr.sys';
const SHOWN = 8;

export async function checkImage(image: string, target: Pick<Target, 'name' | 'kernelModules'>): Promise<ImageCheck> {
  if (!target.kernelModules) return { ok: true };
  const bytes = await readFile(image).catch((error: Error) => error);
  if (bytes instanceof Error) return { ok: false, blame: 'test', message: `${image} cannot be read (${bytes.message})` };
  const pe = readPe(bytes);
  if (!pe.ok)
    return {
      ok: false,
      blame: 'test',
      message: `${image} is not a Windows driver: ${pe.problem}. Fix: point driver.image (or --driver) at the .sys your build makes.`,
    };
  const { image: pi } = pe;
  const kernel = await target.kernelModules(pi.imports.map((m) => m.dll));
  if (pi.machine !== kernel.machine) {
    return {
      ok: false,
      blame: 'target',
      message:
        `${image} is built for ${machineName(pi.machine)}; the ${target.name} target runs ${machineName(kernel.machine)} drivers only, ` +
        `so it cannot load it. Run it on a Windows target of its machine (\`kind: ssh\` or \`kind: hyperv\` in infra/targets.yaml)` +
        `, or build it for ${machineName(kernel.machine)}.`,
    };
  }
  if (pi.subsystem !== SUBSYSTEM_NATIVE) {
    return {
      ok: false,
      blame: 'test',
      message: `${image} is built for the ${subsystemName(pi.subsystem)} subsystem, not native: it is not a kernel driver. Fix: link it with --subsystem,native (or point at the driver's .sys).`,
    };
  }
  if (pi.entryPoint === 0)
    return { ok: false, blame: 'test', message: `${image} has no entry point, so it has no DriverEntry. Fix: link it with --entry,DriverEntry.` };
  return importsCheck(image, pi.imports, kernel, target.name);
}

function importsCheck(image: string, imports: Array<{ dll: string; functions: string[] }>, kernel: KernelModules, targetName: string): ImageCheck {
  const kmdf = imports.find((m) => m.dll.toLowerCase() === KMDF_LOADER);
  if (kmdf) {
    return {
      ok: false,
      blame: 'target',
      functions: kmdf.functions.map((f) => `${kmdf.dll}!${f}`),
      message:
        `${image} is a KMDF driver (it imports ${kmdf.functions.slice(0, 3).join(', ')} from ${kmdf.dll}); ` +
        `${targetName} has no KMDF (no wdfldr.sys or Wdf01000.sys), so it cannot load it. Run it on ${RUN_ON_WINDOWS}.`,
    };
  }
  const missingModules = imports.filter((m) => !kernel.found.has(m.dll.toLowerCase()));
  const missingFunctions = imports.flatMap((m) => {
    const exports = kernel.found.get(m.dll.toLowerCase());
    return exports ? m.functions.filter((f) => !f.startsWith('#') && !exports.has(f)).map((f) => `${m.dll}!${f}`) : [];
  });
  const listed = `${missingFunctions.slice(0, SHOWN).join(', ')}${missingFunctions.length > SHOWN ? ` and ${missingFunctions.length - SHOWN} more` : ''}`;
  if (missingModules.length === 0) {
    if (missingFunctions.length === 0) return { ok: true };
    return {
      ok: true,
      warning:
        `${image} imports functions ${targetName} does not export (checked against ${kernel.where}): ${listed}. ` +
        `${targetName} loads it anyway; a case that calls one of them ends the driver host and is inconclusive there.`,
    };
  }
  return {
    ok: false,
    blame: 'target',
    functions: [...missingModules.map((m) => m.dll), ...missingFunctions],
    message:
      `${image} imports from modules ${targetName} does not have (looked for in ${kernel.where}): ` +
      `${missingModules.map((m) => `${m.dll} (${m.functions.slice(0, 3).join(', ')}${m.functions.length > 3 ? ', ...' : ''})`).join(', ')}` +
      `${missingFunctions.length ? `; and functions it does not export: ${listed}` : ''}` +
      `. It cannot load there; run it on ${RUN_ON_WINDOWS}.`,
  };
}
