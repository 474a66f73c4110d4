import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRunDir, ownsRunDir, reapAbandonedRuns } from './wine-reaper.js';
import { buildDir } from '../../package-root/package-root.js';
import { WineTarget } from './wine-target.js';
import { tempDir } from '../../testing/temp-dir.js';

/** Run folders under the cache: lab removes only what it made and marked, whatever a run.json says. */
let runs: string;
beforeAll(async () => {
  runs = join(await tempDir('reaper'), 'runs');
  await mkdir(runs);
});
afterAll(() => rm(join(runs, '..'), { recursive: true, force: true }));

describe('run folders', () => {
  it('a run id that is not one plain folder name is refused before anything is made or removed', () => {
    for (const runId of ['../../victimdir', '..', '.', 'a/b', '', '-x']) {
      expect(() => new WineTarget({ runId, cacheDir: join(runs, '..'), toolsDir: buildDir() }), runId).toThrow(/not one plain folder name/);
    }
  });

  it("a folder that is not this lab's is neither taken nor removed", async () => {
    const foreign = join(runs, 'someone-elses');
    await mkdir(foreign);
    await writeFile(join(foreign, 'precious.txt'), 'keep');
    await expect(claimRunDir(foreign)).rejects.toThrow(/is not a folder this lab made/);
    expect(await ownsRunDir(foreign)).toBe(false);
    expect(await reapAbandonedRuns(runs)).toBe(0);
    expect(await readFile(join(foreign, 'precious.txt'), 'utf8')).toBe('keep');
  });

  it("an abandoned run (its lab is gone) is reaped; a claimed one is this lab's", async () => {
    const abandoned = join(runs, 'abandoned');
    await mkdir(abandoned);
    await writeFile(join(abandoned, 'owner.json'), JSON.stringify({ pid: 4194305, started: '1' }));
    const mine = join(runs, 'mine');
    await claimRunDir(mine);
    expect(await ownsRunDir(mine)).toBe(true);
    expect(await reapAbandonedRuns(runs)).toBe(1);
    expect((await readdir(runs)).sort()).toEqual(['mine', 'someone-elses']);
  });
});
