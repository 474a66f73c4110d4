/** Frame names from the build's own debug information, through mingw-w64's addr2line. */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, BUILD_DIR } from '../../driver/testing/guest-session.js';
import { nameFrames } from './name-frames.js';

describe('nameFrames', () => {
  let dir: string;
  let rva: number;
  beforeAll(async () => {
    await build(['mutants']);
    dir = await mkdtemp(join(tmpdir(), 'lab-names-'));
    // Where ObjdevDeviceControl starts, from the debug file's DWARF (the image's base is 0x140000000).
    const { stdout } = await execa('x86_64-w64-mingw32-objdump', ['--dwarf=info', join(BUILD_DIR, 'mutants', 'crash-on-length.sys.debug')]);
    const entry = /DW_AT_name\s*: ObjdevDeviceControl\n(?:.*\n){0,6}?.*DW_AT_low_pc\s*: 0x([0-9a-f]+)/.exec(stdout)!;
    rva = Number.parseInt(entry[1]!, 16) - 0x140000000;
  }, 300_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the function and file:line of a frame in an image whose .debug file is beside it', async () => {
    const [named, unknown] = await nameFrames(join(BUILD_DIR, 'mutants', 'crash-on-length.sys'), [rva, 0]);
    expect(named).toEqual({ function: 'ObjdevDeviceControl', location: expect.stringMatching(/^driver\/kernel\/ioctl\.c:\d+$/) });
    expect(unknown).toEqual({});
  });

  it('leaves the frames unnamed without the debug information', async () => {
    await copyFile(join(BUILD_DIR, 'mutants', 'crash-on-length.sys'), join(dir, 'crash-on-length.sys'));
    expect(await nameFrames(join(dir, 'crash-on-length.sys'), [rva])).toEqual([{}]);
    expect(await nameFrames(join(dir, 'missing.sys'), [rva])).toEqual([{}]);
  });
});
