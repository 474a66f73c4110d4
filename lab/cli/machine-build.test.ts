import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFor, imageFor, peMachine } from './machine-build.js';
import { buildDir } from './package-root.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('the build for the target\'s machine', () => {
  it('reads the CPU an image is built for', async () => {
    expect(await peMachine(join(buildDir(), 'objdev.sys'))).toBe('x86_64');
    expect(await peMachine(join(buildDir(), 'i686', 'objdev.sys'))).toBe('i686');
    expect(await peMachine(join(buildDir(), 'i686', 'lab-agent.exe'))).toBe('i686');
    expect(await peMachine(new URL(import.meta.url).pathname)).toBeUndefined();
  });

  it('gives a 32-bit target the project\'s i686 build of what the suite names, and a 64-bit one the other', async () => {
    expect(await imageFor(join(buildDir(), 'objdev.sys'), 'i686', 'the driver', 'reactos')).toBe(join(buildDir(), 'i686', 'objdev.sys'));
    expect(await imageFor(join(buildDir(), 'i686', 'objdev-echo.exe'), 'x86_64', 'the client', 'wine')).toBe(join(buildDir(), 'objdev-echo.exe'));
    expect(await imageFor(join(buildDir(), 'objdev.sys'), 'x86_64', 'the driver', 'wine')).toBe(join(buildDir(), 'objdev.sys'));
    expect(buildFor('i686')).toBe(join(buildDir(), 'i686'));
  });

  it('refuses a driver of the wrong CPU from outside the project\'s builds, with what to do (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-machine-'));
    dirs.push(dir);
    const mine = join(dir, 'vendor.sys');
    await copyFile(join(buildDir(), 'objdev.sys'), mine);
    const error = await imageFor(mine, 'i686', 'the driver', 'reactos').then(() => undefined, (e: Error & { exitCode?: number; code?: string }) => e);
    expect(error?.exitCode).toBe(2);
    expect(error?.code).toBe('LAB_MACHINE_MISMATCH');
    expect(error?.message).toBe(`the driver ${mine} is built for x86_64, but target reactos runs i686 Windows, which cannot load it. Fix: build it with i686-w64-mingw32-gcc (\`npm run build\` does for the project's programs, into driver/build/i686/), and pass it with --driver / --client.`);
  });
});
