import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab } from '../e2e/run-lab.js';
import { aCase, aReport, writeRun } from '../testing/report-fixtures.js';
import { tempDir } from '../testing/temp-dir.js';

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

/** User errors: one clear message, the documented exit code, never a stack trace. */
describe('the lab command on bad input', () => {
  it('exit 2: a suite file that does not exist', async () => {
    const r = await lab(['run', 'suites/nope.yaml']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('lab: suites/nope.yaml: no such suite file. Fix: check the path (suites live in suites/, e.g. suites/echo.yaml).');
  });

  it('exit 2: a malformed suite, with file:line:column and the field', async () => {
    const dir = await tempDir('cli');
    const file = join(dir, 'bad.yaml');
    await writeFile(file, "suite: x\ndriver: { image: a.sys, device: 'd' }\ncases:\n  - name: a\n    timeoutMs: soon\n    steps: [{ sleep: 1 }]\n");
    const r = await lab(['list', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:5:16: cases\[0\]\.timeoutMs: expected a number or a \$\{\.\.\.\} placeholder, found "soon"/);
    noStack(r.stderr);
  });

  it('exit 2: a driver image that does not exist, named with the fix', async () => {
    const r = await lab(['run', 'suites/echo.yaml', '--driver', 'nowhere/x.sys']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('lab: --driver nowhere/x.sys does not exist. Fix: check the path.');
  });

  it('exit 2: an unknown target, reporter, option value or command', async () => {
    for (const args of [
      ['run', 'suites/echo.yaml', '--target', 'nowhere'],
      ['run', 'suites/echo.yaml', '--reporter', 'xml'],
      ['run', 'suites/echo.yaml', '--timeout-case', 'soon'],
      ['frobnicate'],
    ]) {
      const r = await lab(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/nowhere|xml|timeout-case|unknown command/);
      noStack(r.stderr);
    }
  });

  it('exit 2: lab fuzz with a budget, a seed, ranges or a replay folder it cannot use, before any target starts', async () => {
    const dir = await tempDir('cli');
    for (const [args, message] of [
      [['--budget', 'forever'], /--budget forever: expected a time such as 60s, 5m or 1500ms, or a number of calls such as "100000 calls"/],
      [['--seed', '-3'], /--seed -3: expected a whole number from 0 to 4294967295/],
      [['--functions', '0x900-0x800'], /--functions 0x900-0x800: expected numbers or ranges/],
      [['--device-types', '0-0x1000'], /--device-types 0-0x1000: 4097 device types; at most 256/],
      [['--max-length', '99999999'], /--max-length 99999999: the guest runner takes buffers of at most 16777216 bytes/],
      [['--replay', dir], /--replay .*fuzz\.json cannot be read \(ENOENT\)/],
      [['--driver', 'nowhere/x.sys'], /--driver nowhere\/x\.sys does not exist/],
    ] as Array<[string[], RegExp]>) {
      const r = await lab(['fuzz', 'suites/echo.yaml', '--out', join(dir, 'out'), ...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      noStack(r.stderr);
    }
  });

  it('exit 2: a filter that matches nothing', async () => {
    const r = await lab(['list', 'suites/echo.yaml', '--filter', 'no-such-case']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--filter no-such-case: expected at least one matching case/);
  });
});

describe('lab list and lab doctor', () => {
  it('lists the expanded cases without running anything', async () => {
    const r = await lab(['list', 'suites/echo.yaml', '--filter', 'reflect-length-at-the-buffer-boundary*']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.includes('echo/reflect-length-at-the-buffer-boundary'))).toHaveLength(9);
    expect(r.stdout).toMatch(/9 cases in suites\/echo\.yaml/);
  });

  it('prints JSON for scripts', async () => {
    const r = await lab(['list', 'suites/echo.yaml', '--json']);
    const parsed = JSON.parse(r.stdout) as { cases: Array<{ id: string }> };
    expect(parsed.cases[0]!.id).toBe('echo/seed-exchange');
  });

  it("checks the Wine target's tools and says ready", async () => {
    const r = await lab(['doctor']);
    expect(r.stdout).toMatch(/✓ wine: wine-\d/);
    expect(r.stdout).toMatch(/✓ driver\/build\/lab-guest\.exe: built/);
    expect(r.stdout).toMatch(/ready\.$/m);
    expect(r.exitCode).toBe(0);
  });
});

/** The gate's rules are tested in process (lab/gate/gate.test.ts); here, that the command carries them out. */
describe('lab gate', () => {
  it("prints the gate and exits with its code; a report that is not lab's is exit 2 without a stack", async () => {
    const dir = await tempDir('cli-gate');
    const base = await writeRun(join(dir, 'base'), aReport([aCase('echo/a', 'passed')]));
    const next = await writeRun(join(dir, 'new'), aReport([aCase('echo/a', 'failed')]));
    const r = await lab(['gate', next, base]);
    expect(r.stdout).toMatch(/^gate: FAIL: 1 regression$/m);
    expect(r.exitCode).toBe(1);
    await writeFile(join(dir, 'foreign.json'), JSON.stringify({ schemaVersion: 1, cases: [{ id: 7 }] }));
    const foreign = await lab(['gate', next, join(dir, 'foreign.json')]);
    expect(foreign.exitCode).toBe(2);
    expect(foreign.stderr).toMatch(/^lab: lab gate: baseline .*foreign\.json: /);
    expect(foreign.stdout).toBe('');
    noStack(foreign.stderr);
  });
});
