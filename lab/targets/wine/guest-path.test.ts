import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonReporter } from '../../reporters/json.js';
import { runSuite } from '../../run/run-suite.js';
import { ScriptedTarget } from '../../run/testing/scripted-target.js';
import { expandSuite } from '../../suite/expand.js';
import { loadSuite } from '../../suite/load-suite.js';
import { buildDir } from '../../package-root/package-root.js';
import { WineTarget } from './wine-target.js';
import { resolveGuestPath } from './guest-path.js';
import { tempDir } from '../../testing/temp-dir.js';

/** A prefix-shaped folder: C:\ with a profile folder linked to a "home" outside it, as wineboot makes them. */
let dir: string;
let prefix: string;
let home: string;
const same = (path: string) => path;
beforeAll(async () => {
  dir = await tempDir('guest-path');
  prefix = join(dir, 'prefix');
  home = join(dir, 'home');
  await mkdir(join(prefix, 'drive_c', 'users', 'lab'), { recursive: true });
  await mkdir(join(prefix, 'drive_c', 'logs'), { recursive: true });
  await mkdir(home);
  await writeFile(join(home, '.profile'), 'export SECRET=hunter2\n');
  await writeFile(join(prefix, 'drive_c', 'logs', 'Driver.LOG'), 'driver line\n');
  await symlink(home, join(prefix, 'drive_c', 'users', 'lab', 'Desktop'));
  await symlink('../../logs', join(prefix, 'drive_c', 'users', 'lab', 'Logs'));
  await symlink('../../../../..', join(prefix, 'drive_c', 'users', 'lab', 'Up'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a guest path', () => {
  it('that leads to the host through a linked profile folder is refused, as a usage error', async () => {
    await expect(resolveGuestPath(prefix, 'C:\\users\\lab\\Desktop\\.profile', same)).rejects.toMatchObject({ code: 'LAB_GUEST_PATH_OUTSIDE', exitCode: 2 });
    await expect(resolveGuestPath(prefix, 'C:\\users\\lab\\Up\\etc\\passwd', same)).rejects.toThrow(/leads outside the Wine prefix's drive C:/);
  });

  it('follows links that stay inside C: and matches names without regard to case, as Wine does', async () => {
    expect(await resolveGuestPath(prefix, 'C:\\USERS\\lab\\logs\\driver.log', same)).toBe(join(prefix, 'drive_c', 'logs', 'Driver.LOG'));
    expect(await resolveGuestPath(prefix, 'C:\\nothing\\here.log', same)).toBeUndefined();
  });
});

describe('the Wine target with a profile folder linked to the host', () => {
  it("never reads the host file, and says the path is the suite's mistake", async () => {
    const target = new WineTarget({ runId: `guest-path-${process.pid}`, toolsDir: buildDir() });
    try {
      await target.prepare();
      await target.put(join(home, '.profile'), 'C:\\lab\\staged.txt');
      // A folder of the prefix linked to the "home" above, as wineboot links Desktop to the user's home.
      await symlink(home, target.hostPath(join(target.currentPrefix(), 'drive_c', 'users', 'lab-linked')));
      await expect(target.checkGuestPath('C:\\users\\lab-linked\\.profile')).rejects.toMatchObject({ code: 'LAB_GUEST_PATH_OUTSIDE' });
      await expect(target.readGuestFile('C:\\users\\lab-linked\\.profile')).rejects.toMatchObject({ code: 'LAB_GUEST_PATH_OUTSIDE' });
      expect((await target.readGuestFile('C:\\lab\\staged.txt'))?.toString()).toBe('export SECRET=hunter2\n');
    } finally {
      await target.dispose();
    }
  }, 60_000);
});

describe('a run whose driver log leads outside the guest', () => {
  it('is a suite error: exit 2, every case `error` blamed on the test, nothing read', async () => {
    await writeFile(join(dir, 'x.sys'), 'MZ');
    await writeFile(
      join(dir, 's.yaml'),
      "suite: s\ndriver: { image: x.sys, device: 'd', log: 'C:\\users\\lab\\Desktop\\.profile' }\ncases:\n  - name: a\n    steps: [{ sleep: 0 }]\n",
    );
    const suite = expandSuite(await loadSuite(join(dir, 's.yaml')));
    const target = new (class extends ScriptedTarget {
      checkGuestPath = (path: string) => resolveGuestPath(prefix, path, same).then(() => undefined);
    })(() => 'pass');
    const outDir = join(dir, 'out');
    const outcome = await runSuite({
      suite,
      cases: suite.cases,
      target,
      runId: 'r',
      outDir,
      guestRunner: join(dir, 'x.sys'),
      reporters: [new JsonReporter()],
      signal: new AbortController().signal,
      options: {},
    });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.header.error?.code).toBe('LAB_GUEST_PATH_OUTSIDE');
    expect(target.sessions).toBe(0);
  });
});
