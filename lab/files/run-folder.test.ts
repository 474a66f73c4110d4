import { lstat, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AtomicFile, writeFileAtomic } from './atomic-file.js';
import { openForAppend } from './append-file.js';
import { thisProcess } from './process-identity.js';
import { claimRunFolder } from './run-folder.js';
import { closeSync, writeSync } from 'node:fs';
import { tempDir } from '../testing/temp-dir.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function scratch(): Promise<string> {
  const dir = await tempDir('folder');
  dirs.push(dir);
  return dir;
}
const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('a run folder', () => {
  it('is refused when it is a file or a link to nothing', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'file'), 'x');
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling'));
    expect(codeOf(() => claimRunFolder(join(dir, 'file'), { what: '--out' }))).toBe('LAB_OUT_NOT_A_FOLDER');
    expect(codeOf(() => claimRunFolder(join(dir, 'dangling'), { what: '--out' }))).toBe('LAB_OUT_NOT_A_FOLDER');
    expect((await lstat(join(dir, 'dangling'))).isSymbolicLink()).toBe(true);
  });

  it('is refused when it holds another run, unless that run is resumed', async () => {
    const dir = await scratch();
    for (const name of ['results.jsonl', 'report.json', 'run.json', 'dbgview.log']) {
      const out = join(dir, name.replace('.', '-'));
      await mkdir(out);
      await writeFile(join(out, name), '{}');
      expect(codeOf(() => claimRunFolder(out, { what: '--out' }))).toBe('LAB_OUT_NOT_EMPTY');
      claimRunFolder(out, { what: '--resume', resume: true }).release();
    }
  });

  it('is made when missing, and an unrelated file in it is fine', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'b', 'notes.txt'), 'mine');
    claimRunFolder(join(dir, 'a', 'deep'), { what: '--out' }).release();
    claimRunFolder(join(dir, 'b'), { what: '--out' }).release();
    expect(await readdir(join(dir, 'b'))).toEqual(['notes.txt']);
  });

  it("is one lab's at a time: a second claim is refused while the first holds it, and a dead holder's lock is taken over", async () => {
    const dir = await scratch();
    const first = claimRunFolder(dir, { what: '--out' });
    expect(codeOf(() => claimRunFolder(dir, { what: '--out' }))).toBe('LAB_OUT_IN_USE');
    first.release();
    // A lab killed with SIGKILL left its lock: pid 2^22 + 1 is above Linux's pid limit, so never alive.
    await writeFile(join(dir, '.lab-lock'), JSON.stringify({ pid: 4194305, started: '1' }));
    const second = claimRunFolder(dir, { what: '--out' });
    expect(JSON.parse(await readFile(join(dir, '.lab-lock'), 'utf8'))).toEqual(thisProcess());
    second.release();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('files lab writes', () => {
  it('replace a symlink at their name instead of writing through it', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'victim.txt'), 'victim\n');
    await symlink(join(dir, 'victim.txt'), join(dir, 'summary.md'));
    writeFileAtomic(join(dir, 'summary.md'), 'report\n');
    expect(await readFile(join(dir, 'victim.txt'), 'utf8')).toBe('victim\n');
    expect((await lstat(join(dir, 'summary.md'))).isFile()).toBe(true);
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toBe('report\n');
  });

  it('are complete or absent: an abandoned write leaves the old file and no temp file', async () => {
    const dir = await scratch();
    writeFileAtomic(join(dir, 'report.json'), '{"old":true}');
    const file = new AtomicFile(join(dir, 'report.json'));
    file.write('{"new":');
    file.abandon();
    expect(await readFile(join(dir, 'report.json'), 'utf8')).toBe('{"old":true}');
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('that are appended to are never opened through a symlink', async () => {
    const dir = await scratch();
    await writeFile(join(dir, 'victim2'), 'victim\n');
    await symlink(join(dir, 'victim2'), join(dir, 'results.jsonl'));
    expect(codeOf(() => openForAppend(join(dir, 'results.jsonl')))).toBe('LAB_OUT_SYMLINK');
    const fd = openForAppend(join(dir, 'dbgview.log'));
    writeSync(fd, 'line\n');
    closeSync(fd);
    expect(await readFile(join(dir, 'victim2'), 'utf8')).toBe('victim\n');
  });
});
