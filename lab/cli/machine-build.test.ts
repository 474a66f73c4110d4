import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFor, imageFor, peMachine } from './machine-build.js';
import { buildDir } from '../package-root/package-root.js';
import { tempDir } from '../testing/temp-dir.js';

describe("the build for the target's machine", () => {
  it('reads the CPU an image is built for', async () => {
    expect(await peMachine(join(buildDir(), 'objdev.sys'))).toBe('x86_64');
    expect(await peMachine(join(buildDir(), 'i686', 'objdev.sys'))).toBe('i686');
    expect(await peMachine(join(buildDir(), 'i686', 'lab-agent.exe'))).toBe('i686');
    expect(await peMachine(new URL(import.meta.url).pathname)).toBeUndefined();
  });

  it("gives a 32-bit target the project's i686 build of what the suite names, and a 64-bit one the other", async () => {
    expect(await imageFor(join(buildDir(), 'objdev.sys'), 'i686')).toBe(join(buildDir(), 'i686', 'objdev.sys'));
    expect(await imageFor(join(buildDir(), 'i686', 'objdev-echo.exe'), 'x86_64')).toBe(join(buildDir(), 'objdev-echo.exe'));
    expect(await imageFor(join(buildDir(), 'objdev.sys'), 'x86_64')).toBe(join(buildDir(), 'objdev.sys'));
    expect(buildFor('i686')).toBe(join(buildDir(), 'i686'));
  });

  it("deploys a driver of the wrong CPU from outside the project's builds as it is: refusing it is the load diagnosis's", async () => {
    const dir = await tempDir('machine');
    const mine = join(dir, 'vendor.sys');
    await copyFile(join(buildDir(), 'objdev.sys'), mine);
    expect(await imageFor(mine, 'i686')).toBe(mine);
  });
});
