import { constants } from 'node:fs';
import { mkdir, open, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { thisProcess } from '../files/process-identity.js';
import { lab, ROOT } from './run-lab.js';
import { spawnLab } from './spawn-lab.js';
import { tempDir } from '../testing/temp-dir.js';

/** The real CLI on run folders it must not take: all refused before any Wine starts, with exit 2. */
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function scratch(): Promise<string> {
  const dir = await tempDir('e2e-folder');
  dirs.push(dir);
  return dir;
}

describe('lab run --out', () => {
  it('at a regular file or a dangling symlink is a usage error (exit 2)', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'file'), 'precious\n');
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling'));
    const file = await lab(['run', 'suites/echo.yaml', '--out', join(dir, 'file')]);
    expect(file.exitCode).toBe(2);
    expect(file.stderr).toMatch(/--out .*file is a file, not a folder/);
    expect(await readFile(join(dir, 'file'), 'utf8')).toBe('precious\n');
    const dangling = await lab(['run', 'suites/echo.yaml', '--out', join(dir, 'dangling')]);
    expect(dangling.exitCode).toBe(2);
    expect(dangling.stderr).toMatch(/is a symbolic link to nothing/);
    await expect(stat(join(dir, 'nowhere'))).rejects.toThrow();
  });

  it('at a folder holding another run is refused (exit 2): runs are never mixed', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'results.jsonl'), '{"index":0,"id":"echo/x","name":"x","status":"passed","durationMs":1,"steps":[]}\n');
    const run = await lab(['run', 'suites/echo.yaml', '--out', dir]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/already holds a run \(results\.jsonl\).*Fix: give a new --out folder/);
  });

  it('at a folder another lab is writing to is refused (exit 2)', async () => {
    const dir = await scratch();
    // This test process stands for the other lab: its lock names a live process.
    await writeFile(join(dir, '.lab-lock'), JSON.stringify(thisProcess()));
    const run = await lab(['run', 'suites/echo.yaml', '--out', dir]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`in use by another lab \\(pid ${process.pid}\\)`));
  });
});

describe('lab run --resume with a run.json lab did not write', () => {
  it('refuses a run id that is not one path component (exit 2), and removes nothing', async () => {
    const cache = await scratch();
    const victim = join(cache, 'victimdir');
    await mkdir(victim);
    await writeFile(join(victim, 'keep.txt'), 'precious\n');
    const out = join(cache, 'out');
    await mkdir(out);
    const record = {
      version: 1,
      runId: '../../victimdir',
      suiteFile: join(ROOT, 'suites/echo.yaml'),
      flags: { target: 'wine' },
      startedAt: new Date().toISOString(),
    };
    await writeFile(join(out, 'run.json'), JSON.stringify(record));
    const run = spawnLab(['run', '--resume', out], { LAB_CACHE_DIR: join(cache, 'cache') });
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(2);
    expect(run.output()).toMatch(/run\.json: runId: .*a run id of letters, digits/);
    expect(await readFile(join(victim, 'keep.txt'), 'utf8')).toBe('precious\n');
  }, 120_000);

  it('refuses flags of the wrong type, naming the field', async () => {
    const out = await scratch();
    await writeFile(
      join(out, 'run.json'),
      JSON.stringify({ version: 1, runId: 'r1', suiteFile: join(ROOT, 'suites/echo.yaml'), flags: { target: 'wine', workers: 'lots' }, startedAt: 'x' }),
    );
    const run = await lab(['run', '--resume', out]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/run\.json: flags\.workers: /);
  });
});

describe('an interruption', () => {
  it('exits 130 whatever lab is doing, also before a run has started', async () => {
    // lab waits on a FIFO as run.json: it is running and busy before any run begins.
    const out = await scratch();
    await execa('mkfifo', [join(out, 'run.json')]);
    const run = spawnLab(['run', '--resume', out]);
    const writer = await waitForReader(join(out, 'run.json'));
    // Let lab reach its read of the silent FIFO: a read blocked in Node's thread pool kept its exit from
    // ever finishing (execa then killed it: no exit code), one run in ten when the signal came after it.
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGTERM');
    const { exitCode } = await run.exited;
    await writer.close();
    expect(exitCode).toBe(130);
  }, 60_000);
});

/** Opens the FIFO's write end once a reader (lab) has it open. */
async function waitForReader(fifo: string) {
  for (;;) {
    try {
      return await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
