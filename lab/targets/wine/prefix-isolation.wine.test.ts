import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, runGuest, stage } from '../../../driver/testing/guest-in-wine.js';
import { freshPrefix, runInWine, type FreshPrefix } from '../../testing/wine.js';
import { labCacheDir } from './cache-dir.js';
import { ensureTemplate } from './prefix-template.js';
import { tempDir } from '../../testing/temp-dir.js';

/**
 * The clean target stays clean: a hostile driver (driver/fixtures/write-everywhere.c) overwrites and
 * appends to system files, makes new files and writes the registry, in its own prefix and, by absolute
 * Unix path, in the template and another run's prefix. Afterwards the template is as it was, the other
 * prefix too, and a new prefix has none of it. Each way of keeping prefixes apart is tested (the
 * mount-namespace one needs root); each runs on a private copy of the template, so a failure here cannot
 * spoil the template other tests and worktrees share.
 */
const MODES = ['user-namespace', ...(process.getuid?.() === 0 ? ['mount-namespace'] : []), 'copy'];
const MARK = 'lab-fixture write-everywhere was here';
const OWN_TARGETS = [
  'W \\??\\C:\\windows\\win.ini',
  'A \\??\\C:\\windows\\system32\\kernel32.dll',
  'A \\??\\C:\\windows\\system32\\drivers\\etc\\hosts',
  'N \\??\\C:\\lab-fixture-new.txt',
  'N \\??\\C:\\windows\\system32\\lab-fixture-new.dll',
];
const unixPath = (path: string) => `\\??\\unix${path.replace(/\//g, '\\')}`;

let cache: string;
let template: string;
const saved = { cache: process.env.LAB_CACHE_DIR, isolation: process.env.LAB_WINE_ISOLATION };

beforeAll(async () => {
  const shared = await ensureTemplate();
  await build(['fixtures']);
  cache = await tempDir('isolation-test', { under: labCacheDir() });
  template = join(cache, relative(labCacheDir(), shared));
  await mkdir(dirname(template), { recursive: true });
  await execa('cp', ['-a', '--reflink=auto', shared, template]);
  await execa('cp', [join(labCacheDir(), 'wine', 'version.json'), join(cache, 'wine', 'version.json')]);
  process.env.LAB_CACHE_DIR = cache;
}, 300_000);

afterAll(async () => {
  if (saved.cache === undefined) delete process.env.LAB_CACHE_DIR;
  else process.env.LAB_CACHE_DIR = saved.cache;
  if (saved.isolation === undefined) delete process.env.LAB_WINE_ISOLATION;
  else process.env.LAB_WINE_ISOLATION = saved.isolation;
  if (cache) await rm(cache, { recursive: true, force: true });
});

/** Every entry of a tree: type, mode, size, mtime; and the content's hash for regular files under 4 MiB. */
async function manifest(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const info = await lstat(path);
      const hash =
        info.isFile() && info.size < 4 << 20
          ? createHash('sha256')
              .update(await readFile(path))
              .digest('hex')
          : '';
      out.set(relative(root, path), `${info.mode} ${info.size} ${info.mtimeMs} ${hash}`);
      if (info.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return out;
}

for (const mode of MODES) {
  describe(`prefixes kept apart by ${mode}`, () => {
    const namespaced = mode !== 'copy';
    let before: Map<string, string>;
    let victim: FreshPrefix;
    let attacker: FreshPrefix;
    let fresh: FreshPrefix;
    let stderr: string;
    let victimFile: string;

    beforeAll(async () => {
      process.env.LAB_WINE_ISOLATION = mode;
      before = await manifest(template);
      victim = await freshPrefix();
      await writeFile(join(victim.driveC, 'victim.txt'), 'victim\n');
      // Where the victim's file really is on disk: its prefix's upper layer, or the copy itself.
      victimFile = namespaced ? join(dirname(victim.prefix), 'upper', 'drive_c', 'victim.txt') : join(victim.prefix, 'drive_c', 'victim.txt');
      attacker = await freshPrefix();
      await stage(attacker.driveC, ['fixtures/write-everywhere.sys']);
      const unix = namespaced
        ? [`W ${unixPath(join(template, 'drive_c', 'windows', 'system.ini'))}`, `A ${unixPath(victimFile)}`, `N ${unixPath(join(cache, 'runs-planted.txt'))}`]
        : [];
      await writeFile(join(attacker.driveC, 'lab', 'targets.txt'), `${[...OWN_TARGETS, ...unix].join('\r\n')}\r\n`);
      stderr = (await runGuest(attacker, [[]], { image: 'write-everywhere.sys' })).stderr;
    }, 300_000);

    afterAll(async () => {
      for (const p of [victim, attacker, fresh]) await p?.dispose();
    });

    it('lets the driver write every kind of file in its own prefix (so the checks below are not vacuous)', async () => {
      for (const target of OWN_TARGETS) expect(stderr).toContain(`write-everywhere: ${target}: 0x00000000`);
      expect(stderr).toMatch(/write-everywhere: R HKLM\\Software\\LabFixture: 0x00000000/);
      expect(await readFile(join(attacker.driveC, 'windows', 'win.ini'), 'utf8')).toContain(MARK);
      expect(await readFile(join(attacker.driveC, 'lab-fixture-new.txt'), 'utf8')).toContain(MARK);
    });

    it('leaves the template exactly as it was', async () => {
      expect(await manifest(template)).toEqual(before);
    });

    it("leaves another run's prefix as it was", async () => {
      expect(await readFile(join(victim.driveC, 'victim.txt'), 'utf8')).toBe('victim\n');
      expect(await readFile(join(victim.driveC, 'windows', 'win.ini'), 'utf8')).not.toContain(MARK);
    });

    it('gives the next prefix none of it: files, new files, the registry', async () => {
      fresh = await freshPrefix();
      expect(await readFile(join(fresh.driveC, 'windows', 'win.ini'), 'utf8')).not.toContain(MARK);
      expect(await readFile(join(fresh.driveC, 'windows', 'system32', 'drivers', 'etc', 'hosts'), 'utf8')).not.toContain(MARK);
      await expect(lstat(join(fresh.driveC, 'lab-fixture-new.txt'))).rejects.toThrow();
      const query = await runInWine(fresh.prefix, 'reg', ['query', 'HKLM\\Software\\LabFixture']);
      expect(query.exitCode).not.toBe(0);
    }, 120_000);

    it.runIf(namespaced)('refuses writes by absolute Unix path to the template, other prefixes and the cache', async () => {
      for (const line of stderr.split('\n').filter((l) => l.includes('write-everywhere: ') && l.includes('\\??\\unix'))) {
        expect(line).not.toMatch(/: 0x00000000$/);
      }
      expect(stderr.match(/write-everywhere: [WAN] \\\?\?\\unix/g)).toHaveLength(3);
      await expect(lstat(join(cache, 'runs-planted.txt'))).rejects.toThrow();
      expect(await readFile(victimFile, 'utf8')).toBe('victim\n');
    });
  });
}
