/**
 * driver/Makefile and infra/cert/make-test-cert.sh: a cold build, a warm build that does nothing, header
 * dependencies, one clear message when the toolchain is missing, and test signing with the generated or a
 * user-supplied certificate. Builds go to private folders (BUILD=...) so other test files are not disturbed.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_DIR } from './testing/guest-in-wine.js';
import { tempDir } from '../lab/testing/temp-dir.js';

const ROOT = join(DRIVER_DIR, '..');
const CERT_SCRIPT = join(ROOT, 'infra', 'cert', 'make-test-cert.sh');
const APT = 'sudo apt-get install -y --no-install-recommends gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 gcc-mingw-w64-i686 osslsigncode openssl';

const make = (args: string[], env: Record<string, string> = {}, extendEnv = true) =>
  execa('make', ['-C', DRIVER_DIR, ...args], { env, extendEnv, reject: false, timeout: 300_000 });

/** Every file under dir with its mtime and size: what a no-op build must leave exactly as it was. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    files.set(path, `${info.mtimeMs}:${info.size}`);
  }
  return files;
}

describe('make -C driver', () => {
  let dir: string;
  let cold: { exitCode: number | undefined; all: string };

  beforeAll(async () => {
    dir = await tempDir('build');
    const result = await make([`BUILD=${dir}/build`], {}, true);
    cold = { exitCode: result.exitCode, all: `${result.stdout}\n${result.stderr}` };
  }, 300_000);

  it('a cold build makes objdev.sys, objdev-echo.exe and lab-guest.exe', async () => {
    expect(cold.exitCode, cold.all).toBe(0);
    const built = await readdir(join(dir, 'build'));
    expect(built).toEqual(expect.arrayContaining(['objdev.sys', 'objdev.sys.debug', 'objdev-echo.exe', 'lab-guest.exe']));
    expect(built).not.toContain('mutants');
  });

  it('signing prints no key material', () => {
    expect(cold.all).not.toMatch(/PRIVATE KEY|BEGIN /);
  });

  // How long a no-op build takes is a figure of `npm run bench -- build`, not an assertion here.
  it('a second make rewrites nothing, prints nothing with -s, and make -q calls it up to date', async () => {
    const before = await snapshot(join(dir, 'build'));
    const result = await make(['-s', `BUILD=${dir}/build`]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
    expect(await snapshot(join(dir, 'build'))).toEqual(before);
    expect((await make(['-q', `BUILD=${dir}/build`])).exitCode).toBe(0);
  });

  it('tracks headers: a newer objdev.h rebuilds the driver and the client, a newer mutant.h only the kernel', async () => {
    const rebuilt = async (header: string) => {
      const { stdout } = await make(['-n', `BUILD=${dir}/build`, '-W', join(DRIVER_DIR, header)]);
      return [...stdout.matchAll(/ -o (\S+\.o) /g)].map((m) => m[1]!.replace(`${dir}/build/obj/`, '')).sort();
    };
    expect(await rebuilt('include/objdev.h')).toEqual(
      expect.arrayContaining(['client/objdev-echo.o', 'kernel/ioctl.o', 'kernel/log.o', 'kernel/message.o', 'kernel/objdev.o']),
    );
    expect(await rebuilt('kernel/mutant.h')).toEqual(['kernel/ioctl.o', 'kernel/log.o', 'kernel/message.o', 'kernel/objdev.o']);
  });

  it.each([
    ['a missing compiler (CC=no-such-gcc)', ['CC=no-such-gcc'], {}, 'no-such-gcc'],
    ['a missing osslsigncode', ['SIGNTOOL=no-such-osslsigncode'], {}, 'no-such-osslsigncode'],
    ['an empty PATH', [], { PATH: '/nonexistent' }, 'x86_64-w64-mingw32-gcc'],
  ] as const)('%s: one line naming the apt packages, exit non-zero', async (_what, args, env, named) => {
    const result = await execa('/usr/bin/make', ['-C', DRIVER_DIR, `BUILD=${dir}/never`, ...args], { env, reject: false });
    expect(result.exitCode).not.toBe(0);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(APT);
    expect(lines[0]).toContain(named);
  });
});

describe('test signing', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir('cert');
  });

  it('make-test-cert.sh makes an RSA-2048 codeSigning certificate once, key mode 600, and never prints the key', async () => {
    const certDir = join(dir, 'generated');
    const first = await execa(CERT_SCRIPT, { env: { LAB_CERT_DIR: certDir } });
    expect(first.stdout.split('\n')).toEqual([join(certDir, 'cert.pem'), join(certDir, 'key.pem')]);
    expect(first.stdout + first.stderr).not.toMatch(/PRIVATE KEY|BEGIN /);
    expect((await stat(join(certDir, 'key.pem'))).mode & 0o777).toBe(0o600);
    const text = (await execa('openssl', ['x509', '-in', join(certDir, 'cert.pem'), '-noout', '-text'])).stdout;
    expect(text).toMatch(/Public-Key: \(2048 bit\)/);
    expect(text).toMatch(/Extended Key Usage:\s*\n\s*Code Signing/);
    const key = await readFile(join(certDir, 'key.pem'));
    await execa(CERT_SCRIPT, { env: { LAB_CERT_DIR: certDir } });
    expect(await readFile(join(certDir, 'key.pem'))).toEqual(key);
  });

  it('LAB_SIGN_CERT / LAB_SIGN_KEY sign with the supplied certificate instead of the generated one', async () => {
    const mine = join(dir, 'mine');
    await execa(CERT_SCRIPT, { env: { LAB_CERT_DIR: mine } });
    const env = { LAB_SIGN_CERT: join(mine, 'cert.pem'), LAB_SIGN_KEY: join(mine, 'key.pem') };
    const built = await make(['-s', `BUILD=${dir}/build`, 'driver'], env);
    expect(built.exitCode, built.stderr).toBe(0);
    const verify = (ca: string) => execa('osslsigncode', ['verify', '-in', join(dir, 'build', 'objdev.sys'), '-CAfile', ca], { reject: false });
    expect((await verify(join(mine, 'cert.pem'))).exitCode).toBe(0);
    expect((await verify(join(dir, 'generated', 'cert.pem'))).exitCode).not.toBe(0);
  });

  it('only one of LAB_SIGN_CERT / LAB_SIGN_KEY set is refused with one clear message, by the script and by make', async () => {
    const env = { LAB_SIGN_CERT: join(dir, 'mine', 'cert.pem') };
    const script = await execa(CERT_SCRIPT, { env, reject: false });
    const built = await make([`BUILD=${dir}/never`, 'driver'], env);
    for (const result of [script, built]) {
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(result.stderr).toMatch(/LAB_SIGN_CERT and LAB_SIGN_KEY must both name readable files/);
    }
  });
});
