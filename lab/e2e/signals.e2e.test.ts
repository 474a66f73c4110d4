import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../driver/testing/guest-in-wine.js';
import { labCacheDir } from '../targets/wine/cache-dir.js';
import { keeperEnvName, winePids } from '../targets/wine/wine-reaper.js';
import { BUILD, readReport, ROOT } from './run-lab.js';
import { spawnLab } from './spawn-lab.js';

/**
 * Signals, secrets and the reaper's guarantee, on the real CLI under Wine. The hang mutant keeps the run
 * busy (its 777-byte case hangs for the case's 10 s timeout), so lab is mid-run when the test acts.
 */
const HANG = join(BUILD, 'mutants', 'hang-on-length.sys');
const RUNS = join(labCacheDir(), 'runs');
const dirs: string[] = [];
beforeAll(() => build(['mutants']), 300_000);
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function out(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `lab-signals-${name}-`));
  dirs.push(dir);
  return join(dir, 'run');
}
const runDirOf = async (outDir: string) => join(RUNS, JSON.parse(await readFile(join(outDir, 'run.json'), 'utf8')).runId as string);
/** Every process of a run's prefixes: Wine's (WINEPREFIX) and the prefixes' keepers. */
const processesOf = (runDir: string) => [...(winePids(runDir, true) ?? []), ...(winePids(runDir, true, keeperEnvName) ?? [])];

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("the user's environment", () => {
  it('never reaches Wine: no process of the run (guest runner, services, winedevice with the driver) has it', async () => {
    const dir = await out('env');
    const secret = `lab-test-secret-${process.pid}-${Date.now()}`;
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir, '--driver', HANG], { LAB_TEST_TOKEN: secret, AWS_SECRET_ACCESS_KEY: secret });
    await run.waitFor(/cases done/);
    const runDir = await runDirOf(dir);
    const pids = processesOf(runDir);
    const environs = pids
      .map((pid) => {
        try {
          return { pid, environ: readFileSync(`/proc/${pid}/environ`, 'latin1'), cmd: readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ') };
        } catch {
          return undefined;
        }
      })
      .filter((e) => e !== undefined);
    run.child.kill('SIGINT');
    await run.exited;
    // Not vacuous: the driver's host and the guest runner were among them.
    expect(environs.some((e) => /winedevice\.exe/.test(e.cmd))).toBe(true);
    expect(environs.some((e) => /lab-guest\.exe/.test(e.cmd))).toBe(true);
    for (const e of environs) expect(e.environ, `pid ${e.pid} ${e.cmd}`).not.toContain(secret);
    for (const e of environs.filter((x) => /WINEPREFIX=/.test(x.environ))) expect(e.environ).toMatch(/(^|\0)PATH=/);
  }, 180_000);
});

describe("the reaper's guarantee: no Wine process outlives lab", () => {
  it("holds when lab is killed with SIGKILL mid-run (the kernel ends the prefix's processes)", async () => {
    const dir = await out('kill');
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir, '--driver', HANG]);
    await run.waitFor(/cases done/);
    const runDir = await runDirOf(dir);
    expect(processesOf(runDir).length).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(await until(() => processesOf(runDir).length === 0, 15_000), `left running: ${processesOf(runDir).join(' ')}`).toBe(true);
  }, 180_000);

  it('holds after Ctrl-C: when lab has exited, nothing of its run is left', async () => {
    const dir = await out('int');
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir, '--driver', HANG]);
    await run.waitFor(/cases done/);
    const runDir = await runDirOf(dir);
    run.child.kill('SIGINT');
    expect((await run.exited).exitCode).toBe(130);
    expect(processesOf(runDir)).toEqual([]);
  }, 180_000);
});

describe('a signal sent twice at once', () => {
  it('by GNU timeout -s INT (to lab, then its process group) is one interruption: the reports are written, exit 130', async () => {
    const dir = await out('timeout');
    // --preserve-status: timeout exits with lab's own code.
    const r = await execa(
      'timeout',
      ['--preserve-status', '-s', 'INT', '6', 'node', join(ROOT, 'lab', 'bin', 'lab.js'), 'run', 'suites/echo.yaml', '--out', dir, '--driver', HANG],
      { cwd: ROOT, reject: false, env: { CI: '1' } },
    );
    expect(r.exitCode).toBe(130);
    expect(r.stderr.match(/stopping; press Ctrl-C again/g)).toHaveLength(1);
    expect((await readReport(dir)).status).toBe('interrupted');
  }, 180_000);

  it('back to back is one interruption too; a second Ctrl-C after the window still quits at once', async () => {
    const dir = await out('twice');
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir, '--driver', HANG]);
    await run.waitFor(/cases done/);
    run.child.kill('SIGTERM');
    run.child.kill('SIGTERM');
    expect((await run.exited).exitCode).toBe(130);
    expect((await readReport(dir)).status).toBe('interrupted');
  }, 180_000);
});
