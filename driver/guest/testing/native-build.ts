/**
 * Test support: builds parts of the guest runner natively (the host's gcc or clang) under AddressSanitizer
 * and UndefinedBehaviorSanitizer, for tests that check them without Windows, and runs what it built.
 */
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { tempDir } from '../../../lab/testing/temp-dir.js';

export const GUEST_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

const FLAGS = [
  '-std=gnu11',
  '-O1',
  '-g',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-fsanitize=address,undefined',
  '-fno-sanitize-recover=all',
  '-fno-omit-frame-pointer',
];
/** Leaks and undefined behaviour end the program with a report on stderr. */
export const SANITIZER_ENV = { ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' };

async function hostCompiler(): Promise<string> {
  for (const cc of [process.env.LAB_HOST_CC, 'gcc', 'clang'].filter((c): c is string => Boolean(c))) {
    if ((await execa(cc, ['--version'], { reject: false })).exitCode === 0) return cc;
  }
  throw new Error('no native C compiler for the guest runner native tests. Fix: apt-get install gcc libc6-dev (infra/setup.sh does)');
}

export interface NativeBuild {
  program: string;
  dispose(): Promise<void>;
}

/** Sources relative to driver/guest/; include folders are searched first, in order. */
export async function buildNative(name: string, sources: string[], includes: string[] = []): Promise<NativeBuild> {
  const dir = await tempDir('native');
  const program = join(dir, name);
  try {
    const cc = await hostCompiler();
    const dirs = [...includes.map((i) => `-I${join(GUEST_DIR, i)}`), `-I${GUEST_DIR}`];
    await execa(cc, [...FLAGS, ...dirs, ...sources.map((s) => join(GUEST_DIR, s)), '-o', program], { timeout: 120_000 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { program, dispose: () => rm(dir, { recursive: true, force: true }) };
}
