import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../e2e/run-lab.js';
import { aCase, aReport, writeRun } from '../testing/report-fixtures.js';
import { tempDir } from '../testing/temp-dir.js';

/** The real CLI's terminal output, with suite and driver text that carries terminal control sequences. */
const ESCAPES = '\u001b]0;pwned\u0007\u001b[2J\u009b31m';
let dir: string;
beforeAll(async () => {
  dir = await tempDir('visible');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('terminal output', () => {
  it('lab list shows suite text (a skip reason) with control characters as escapes', async () => {
    await writeFile(
      join(dir, 's.yaml'),
      `suite: s\ndriver: { image: x.sys, device: 'd' }\ncases:\n  - name: a\n    skip: { wine: ${JSON.stringify(ESCAPES)} }\n    steps: [{ sleep: 0 }]\n`,
    );
    const r = await lab(['list', join(dir, 's.yaml')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stdout).toContain('(skipped on wine: \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m)');
  });

  it('a matrix value with control characters in a case id is a suite error, itself shown with escapes', async () => {
    await writeFile(
      join(dir, 'm.yaml'),
      `suite: s\ndriver: { image: x.sys, device: 'd' }\ncases:\n  - name: a\n    matrix: { v: [${JSON.stringify(ESCAPES)}] }\n    steps: [{ sleep: 0 }]\n`,
    );
    const r = await lab(['list', join(dir, 'm.yaml')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    expect(r.stderr).toMatch(/v=\\x1b.0;pwned\\x07/);
  });

  it("lab gate shows a driver's message with control characters as escapes", async () => {
    const baseline = await writeRun(join(dir, 'base'), aReport([aCase('echo/a', 'passed')]));
    const now = await writeRun(join(dir, 'now'), aReport([aCase('echo/a', 'failed', { message: `driver says ${ESCAPES}` })]));
    const r = await lab(['gate', now, baseline]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('driver says \\x1b]0;pwned\\x07\\x1b[2J\\x9b31m');
    expect(r.stdout).not.toMatch(RAW_CONTROL);
  });
});
