/**
 * The plan reader under AddressSanitizer and UndefinedBehaviorSanitizer: the same C sources the runner is
 * built from, compiled natively with the host's gcc (or clang), fed the corpus and a bounded number of
 * seeded mutations of it (driver/guest/testing/fuzz/fuzz-plan.c). A fixed seed keeps the run repeatable;
 * LAB_FUZZ_INPUTS and LAB_FUZZ_SEED run it longer or elsewhere by hand.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_DIR } from '../testing/guest-session.js';

const GUEST = join(DRIVER_DIR, 'guest');
const FUZZ = join(GUEST, 'testing', 'fuzz');
const READER_SOURCES = ['plan-reader.c', 'plan-tokens.c', 'plan-header.c', 'plan-case.c'].map((f) => join(GUEST, f));
const INPUTS = Number(process.env.LAB_FUZZ_INPUTS ?? 20_000);
const SEED = process.env.LAB_FUZZ_SEED ?? '20261130';

async function hostCompiler(): Promise<string> {
  for (const cc of [process.env.LAB_HOST_CC, 'gcc', 'clang'].filter((c): c is string => Boolean(c))) {
    if ((await execa(cc, ['--version'], { reject: false })).exitCode === 0) return cc;
  }
  throw new Error('no native C compiler for the plan reader fuzz test. Fix: apt-get install gcc libc6-dev (infra/setup.sh does)');
}

let dir: string;
let harness: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-fuzz-'));
  harness = join(dir, 'fuzz-plan');
  const cc = await hostCompiler();
  const flags = ['-std=gnu11', '-O1', '-g', '-Wall', '-Wextra', '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];
  // The fuzz folder first: its windows.h stands in for the real one.
  await execa(cc, [...flags, `-I${FUZZ}`, `-I${GUEST}`, ...READER_SOURCES, join(FUZZ, 'fuzz-plan.c'), '-o', harness], { timeout: 120_000 });
}, 180_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the plan reader, fuzzed natively with ASan and UBSan', () => {
  it(`reads the corpus and ${INPUTS} mutations of it without a sanitizer report or a broken promise`, async () => {
    const corpus = (await readdir(join(FUZZ, 'corpus'))).map((f) => join(FUZZ, 'corpus', f));
    expect(corpus.length).toBeGreaterThan(0);
    const run = await execa(harness, [String(INPUTS), SEED, ...corpus], {
      reject: false,
      timeout: 600_000,
      env: { ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`fuzz-plan: ${corpus.length} corpus files and ${INPUTS} mutated inputs read`);
  }, 600_000);
});
