/**
 * The plan reader under AddressSanitizer and UndefinedBehaviorSanitizer: the same C sources the runner is
 * built from, compiled natively with the host's gcc (or clang), fed the corpus and a bounded number of
 * seeded mutations of it (driver/guest/testing/fuzz/fuzz-plan.c). A fixed seed keeps the run repeatable;
 * LAB_FUZZ_INPUTS and LAB_FUZZ_SEED run it longer or elsewhere by hand.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNative, GUEST_DIR, SANITIZER_ENV, type NativeBuild } from './testing/native-build.js';

const FUZZ = join(GUEST_DIR, 'testing', 'fuzz');
const INPUTS = Number(process.env.LAB_FUZZ_INPUTS ?? 20_000);
const SEED = process.env.LAB_FUZZ_SEED ?? '20261130';

let build: NativeBuild;

beforeAll(async () => {
  // testing/fuzz first: its windows.h stands in for the real one.
  build = await buildNative('fuzz-plan', ['plan-reader.c', 'plan-tokens.c', 'plan-header.c', 'plan-case.c', 'testing/fuzz/fuzz-plan.c'], ['testing/fuzz']);
}, 180_000);

afterAll(async () => {
  await build?.dispose();
});

describe('the plan reader, fuzzed natively with ASan and UBSan', () => {
  it(`reads the corpus and ${INPUTS} mutations of it without a sanitizer report or a broken promise`, async () => {
    const corpus = (await readdir(join(FUZZ, 'corpus'))).map((f) => join(FUZZ, 'corpus', f));
    expect(corpus.length).toBeGreaterThan(0);
    const run = await execa(build.program, [String(INPUTS), SEED, ...corpus], { reject: false, timeout: 600_000, env: SANITIZER_ENV });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`fuzz-plan: ${corpus.length} corpus files and ${INPUTS} mutated inputs read`);
  }, 600_000);
});
