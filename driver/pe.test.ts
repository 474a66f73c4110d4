/**
 * What Windows checks before it loads anything, checked on the built files: objdev.sys and every mutant are
 * native-subsystem images importing only the kernel, with a valid PE checksum and a signature that verifies
 * against the test certificate; the user-mode programs need no mingw runtime DLLs.
 */
import { readFileSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, BUILD_DIR, DRIVER_DIR } from './testing/guest-in-wine.js';
import { tempDir } from '../lab/testing/temp-dir.js';

const ROOT = join(DRIVER_DIR, '..');
const CERT = process.env.LAB_SIGN_CERT ?? join(ROOT, '.lab', 'cert', 'cert.pem');
const mutants = (JSON.parse(readFileSync(join(DRIVER_DIR, 'kernel', 'mutants.json'), 'utf8')) as Array<{ name: string }>).map((m) => m.name);
const kernelImages = ['objdev.sys', ...mutants.map((name) => `mutants/${name}.sys`)];
const userPrograms = ['objdev-echo.exe', 'lab-guest.exe'];

/** The PE checksum as the Windows loader computes it: 16-bit one's-complement-style sum plus the length. */
function peChecksum(image: Buffer): { stored: number; computed: number } {
  const peOffset = image.readUInt32LE(0x3c);
  const checksumOffset = peOffset + 4 + 20 + 64;
  let sum = 0;
  for (let i = 0; i < image.length; i += 2) {
    if (i === checksumOffset || i === checksumOffset + 2) continue;
    sum += i + 1 < image.length ? image.readUInt16LE(i) : image[i]!;
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  sum = (sum & 0xffff) + (sum >>> 16);
  return { stored: image.readUInt32LE(checksumOffset), computed: (sum + image.length) >>> 0 };
}

async function objdump(file: string): Promise<{ subsystem: number; dlls: string[] }> {
  const { stdout } = await execa('x86_64-w64-mingw32-objdump', ['-p', join(BUILD_DIR, file)]);
  const subsystem = Number.parseInt(/^Subsystem\s+([0-9a-f]+)/m.exec(stdout)?.[1] ?? 'ffff', 16);
  const dlls = [...stdout.matchAll(/^\s*DLL Name: (\S+)/gm)].map((m) => m[1]!.toLowerCase());
  return { subsystem, dlls };
}

async function verifies(file: string): Promise<boolean> {
  const result = await execa('osslsigncode', ['verify', '-in', file, '-CAfile', CERT], { reject: false });
  return result.exitCode === 0 && /Signature verification: ok/.test(result.stdout);
}

describe('PE images', () => {
  beforeAll(async () => {
    await build(['driver', 'client', 'mutants', 'guest']);
  }, 300_000);

  it.each(kernelImages)('%s: native subsystem, imports only ntoskrnl.exe / hal.dll', async (file) => {
    const { subsystem, dlls } = await objdump(file);
    expect(subsystem).toBe(1);
    expect(dlls.length).toBeGreaterThan(0);
    for (const dll of dlls) expect(['ntoskrnl.exe', 'hal.dll']).toContain(dll);
  });

  it.each(kernelImages)('%s: the PE checksum is valid', async (file) => {
    const { stored, computed } = peChecksum(await readFile(join(BUILD_DIR, file)));
    expect(stored).not.toBe(0);
    expect(stored.toString(16)).toBe(computed.toString(16));
  });

  it.each(kernelImages)('%s: the signature verifies against the test certificate', async (file) => {
    expect(await verifies(join(BUILD_DIR, file))).toBe(true);
  });

  it('a copy of objdev.sys with one byte changed no longer verifies, and its checksum no longer matches', async () => {
    const dir = await tempDir('pe');
    const image = await readFile(join(BUILD_DIR, 'objdev.sys'));
    const textByte = 0x400 + 0x10; // inside .text (file alignment 0x200, headers in the first 0x400)
    image[textByte] = image[textByte]! ^ 0xff;
    await writeFile(join(dir, 'tampered.sys'), image);
    expect(await verifies(join(dir, 'tampered.sys'))).toBe(false);
    const { stored, computed } = peChecksum(image);
    expect(stored).not.toBe(computed);
    await copyFile(join(BUILD_DIR, 'objdev.sys'), join(dir, 'intact.sys'));
    expect(await verifies(join(dir, 'intact.sys'))).toBe(true);
  });

  it('keeps DWARF out of objdev.sys but beside it, linked by .gnu_debuglink', async () => {
    const { stdout } = await execa('x86_64-w64-mingw32-objdump', ['-h', join(BUILD_DIR, 'objdev.sys')]);
    expect(stdout).not.toMatch(/\.debug_info/);
    expect(stdout).toMatch(/\.gnu_debuglink/);
    const debug = await execa('x86_64-w64-mingw32-objdump', ['-h', join(BUILD_DIR, 'objdev.sys.debug')]);
    expect(debug.stdout).toMatch(/\.debug_info/);
  });

  it.each(userPrograms)('%s: a console program needing only DLLs that ship with Windows', async (file) => {
    const { subsystem, dlls } = await objdump(file);
    expect(subsystem).toBe(3);
    const system = ['kernel32.dll', 'msvcrt.dll', 'advapi32.dll', 'ntdll.dll', 'user32.dll', 'shell32.dll', 'ws2_32.dll', 'bcrypt.dll'];
    for (const dll of dlls) {
      expect(dll).not.toMatch(/^(libgcc_s|libwinpthread|libstdc\+\+)/);
      expect(system).toContain(dll);
    }
  });
});
