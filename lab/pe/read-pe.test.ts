/**
 * The PE reader on real images (the project's driver, the 32-bit and KMDF test drivers, Wine's own
 * ntoskrnl.exe) and on files made to break it: every one gives an image or a problem, never an exception.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, BUILD_DIR } from '../../driver/testing/guest-in-wine.js';
import { ensureTemplate } from '../targets/wine/prefix-template.js';
import { MACHINE, machineName, subsystemName, SUBSYSTEM_NATIVE } from './pe-names.js';
import { readPe, rvaToOffset, type PeImage } from './read-pe.js';

const image = (bytes: Uint8Array): PeImage => {
  const r = readPe(bytes);
  if (!r.ok) throw new Error(r.problem);
  return r.image;
};

describe('readPe', () => {
  let objdev: Buffer;
  beforeAll(async () => {
    await build(['driver', 'fixtures']);
    objdev = await readFile(join(BUILD_DIR, 'objdev.sys'));
  }, 300_000);

  it('reads the machine, subsystem, entry point, image base and imports of an x64 driver', () => {
    const pe = image(objdev);
    expect(pe).toMatchObject({ machine: MACHINE.x64, pe32Plus: true, subsystem: SUBSYSTEM_NATIVE, imageBase: 0x140000000n });
    expect(pe.entryPoint).toBeGreaterThan(0);
    expect(pe.imports.map((m) => m.dll)).toEqual(['ntoskrnl.exe']);
    expect(pe.imports[0]!.functions).toEqual(expect.arrayContaining(['IoCreateDevice', 'IoCreateSymbolicLink', 'DbgPrint']));
    expect(rvaToOffset(pe.sections, pe.entryPoint)).toBeGreaterThan(0);
  });

  it('reads a 32-bit driver and a KMDF import', async () => {
    const x86 = image(await readFile(join(BUILD_DIR, 'fixtures', 'x86-image.sys')));
    expect(x86).toMatchObject({ machine: MACHINE.x86, pe32Plus: false, subsystem: SUBSYSTEM_NATIVE });
    expect(x86.imports.flatMap((m) => m.functions)).toContain('DbgPrint');
    const kmdf = image(await readFile(join(BUILD_DIR, 'fixtures', 'kmdf-import.sys')));
    expect(kmdf.imports.find((m) => m.dll === 'wdfldr.sys')?.functions).toEqual(['WdfVersionBind']);
  });

  it("reads the export table of Wine's ntoskrnl.exe", async () => {
    const nt = image(await readFile(join(await ensureTemplate(), 'drive_c', 'windows', 'system32', 'ntoskrnl.exe')));
    expect(nt.exports.length).toBeGreaterThan(1000);
    expect(nt.exports).toEqual(expect.arrayContaining(['IoCreateDevice', 'KeBugCheckEx', 'MmMapLockedPagesSpecifyCache']));
  });

  it('says what is wrong with a file that is not a PE image', () => {
    expect(readPe(Buffer.from('this is not a driver\n'))).toEqual({ ok: false, problem: 'it does not start with the MZ header of a Windows executable' });
    const dos = Buffer.alloc(128);
    dos.write('MZ');
    dos.writeUInt32LE(64, 0x3c);
    expect(readPe(dos)).toEqual({ ok: false, problem: 'it has an MZ header but no PE signature (an MS-DOS program, or a damaged file)' });
  });

  it('gives a problem, never an exception, for any cut of a real image and for hostile offsets', () => {
    for (let n = 0; n < 4096; n += 13) expect(() => readPe(objdev.subarray(0, n))).not.toThrow();
    expect(readPe(objdev.subarray(0, 0x90))).toEqual({ ok: false, problem: 'it is cut short: the file ends before offset 148' });
    const pe = objdev.readUInt32LE(0x3c);
    const hostile = (at: number, value: number, width: 2 | 4 = 4) => {
      const b = Buffer.from(objdev);
      if (width === 4) b.writeUInt32LE(value, at);
      else b.writeUInt16LE(value, at);
      return readPe(b);
    };
    expect(hostile(0x3c, 0xfffffff0)).toEqual({ ok: false, problem: 'it has an MZ header but no PE signature (an MS-DOS program, or a damaged file)' });
    expect(hostile(pe + 6, 0xffff, 2)).toEqual({ ok: false, problem: 'it claims 65535 sections' });
    // An import directory pointing outside every section reads as no imports.
    const noImports = hostile(pe + 24 + 112 + 8, 0xfffffff0);
    expect(noImports.ok && noImports.image.imports).toEqual([]);
  });

  it('names machines and subsystems for messages', () => {
    expect([machineName(0x8664), machineName(0x14c), machineName(0x1234)]).toEqual(['x64', 'x86 (32-bit)', 'machine 0x1234']);
    expect([subsystemName(1), subsystemName(3), subsystemName(99)]).toEqual([
      'native (a kernel driver)',
      'Windows console (a user-mode program)',
      'subsystem 99',
    ]);
  });
});
