/**
 * The load check on the test drivers against what Wine really offers: the export tables of the template
 * prefix's own ntoskrnl.exe, hal.dll and drivers, read as the Wine target reads them.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, BUILD_DIR } from '../../driver/testing/guest-in-wine.js';
import { readKernelModules } from '../targets/wine/kernel-modules.js';
import { ensureTemplate } from '../targets/wine/prefix-template.js';
import { readPe } from '../pe/read-pe.js';
import { checkImage } from './image-check.js';
import { tempDir } from '../testing/temp-dir.js';

const WHERE = 'C:\\windows\\system32 and system32\\drivers of the Wine prefix';
const RUN_ON = 'a Windows target (`kind: ssh` or `kind: hyperv` in infra/targets.yaml)';

describe('checkImage against the Wine prefix', () => {
  let wine: { name: string; kernelModules(names: string[]): ReturnType<typeof readKernelModules> };
  let dir: string;
  const fixture = (name: string) => join(BUILD_DIR, 'fixtures', name);

  beforeAll(async () => {
    await build(['driver', 'fixtures']);
    const template = await ensureTemplate();
    wine = { name: 'wine', kernelModules: (names) => readKernelModules(join(template, 'drive_c', 'windows', 'system32'), names) };
    dir = await tempDir('image-check');
  }, 300_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("passes the project's driver", async () => {
    expect(await checkImage(join(BUILD_DIR, 'objdev.sys'), wine)).toEqual({ ok: true });
  });

  it('names a KMDF driver as such, blamed on the target', async () => {
    const image = fixture('kmdf-import.sys');
    expect(await checkImage(image, wine)).toEqual({
      ok: false,
      blame: 'target',
      functions: ['wdfldr.sys!WdfVersionBind'],
      message: `${image} is a KMDF driver (it imports WdfVersionBind from wdfldr.sys); wine has no KMDF (no wdfldr.sys or Wdf01000.sys), so it cannot load it. Run it on ${RUN_ON}.`,
    });
  });

  it('says an x86 image is for another machine', async () => {
    const image = fixture('x86-image.sys');
    expect(await checkImage(image, wine)).toEqual({
      ok: false,
      blame: 'target',
      message: `${image} is built for x86 (32-bit); the wine target runs x64 drivers only, so it cannot load it. Run it on a Windows target of its machine (\`kind: ssh\` or \`kind: hyperv\` in infra/targets.yaml), or build it for x64.`,
    });
  });

  it('names imported functions the target lacks in a warning: Wine loads the driver anyway', async () => {
    const image = fixture('stub-export.sys');
    expect(await checkImage(image, wine)).toEqual({
      ok: true,
      warning: `${image} imports functions wine does not export (checked against ${WHERE}): ntoskrnl.exe!ExAllocatePool2. wine loads it anyway; a case that calls one of them ends the driver host and is inconclusive there.`,
    });
  });

  it('refuses a file that is not a driver, blamed on the test', async () => {
    const text = join(dir, 'notes.sys');
    await writeFile(text, 'release notes, not a driver\n');
    expect(await checkImage(text, wine)).toEqual({
      ok: false,
      blame: 'test',
      message: `${text} is not a Windows driver: it does not start with the MZ header of a Windows executable. Fix: point driver.image (or --driver) at the .sys your build makes.`,
    });
    const exe = join(BUILD_DIR, 'objdev-echo.exe');
    expect(await checkImage(exe, wine)).toEqual({
      ok: false,
      blame: 'test',
      message: `${exe} is built for the Windows console (a user-mode program) subsystem, not native: it is not a kernel driver. Fix: link it with --subsystem,native (or point at the driver's .sys).`,
    });
  });

  it('names a module the target does not have, and what the driver imports from it', async () => {
    const modules = await wine.kernelModules(['ntoskrnl.exe', 'storport.sys', 'NDIS.SYS']);
    expect([...modules.found.keys()].sort()).toEqual(['ndis.sys', 'ntoskrnl.exe']);
    expect(modules.machine).toBe(0x8664);
    // objdev.sys with its one import module renamed to one Wine does not have (same length, same table).
    const bytes = await readFile(join(BUILD_DIR, 'objdev.sys'));
    const at = bytes.indexOf('ntoskrnl.exe\0');
    bytes.write('storport.sys', at);
    const image = join(dir, 'storport-driver.sys');
    await writeFile(image, bytes);
    const pe = readPe(bytes);
    const first = pe.ok ? pe.image.imports[0]!.functions.slice(0, 3).join(', ') : '';
    expect(await checkImage(image, wine)).toEqual({
      ok: false,
      blame: 'target',
      functions: ['storport.sys'],
      message: `${image} imports from modules wine does not have (looked for in ${WHERE}): storport.sys (${first}, ...). It cannot load there; run it on ${RUN_ON}.`,
    });
  });

  it('checks nothing on a target that cannot tell what it offers', async () => {
    expect(await checkImage(fixture('kmdf-import.sys'), { name: 'win11' })).toEqual({ ok: true });
  });
});
