/**
 * par-stats.c natively under ASan and UBSan: what a `par` keeps of many calls, at its edges. A par that
 * never started has no latency buffer; sorting a NULL buffer (even of zero samples) is undefined
 * behaviour, which UBSan reports.
 */
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNative, SANITIZER_ENV, type NativeBuild } from './testing/native-build.js';

let build: NativeBuild;

beforeAll(async () => {
  build = await buildNative('par-stats-check', ['par-stats.c', 'testing/native/par-stats-check.c']);
}, 180_000);

afterAll(async () => {
  await build?.dispose();
});

describe('par statistics, natively with the sanitizers', () => {
  it('hold at their edges: no samples, one, more distinct values than kept', async () => {
    const run = await execa(build.program, [], { reject: false, env: SANITIZER_ENV });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('ok');
    expect(run.exitCode).toBe(0);
  });
});
