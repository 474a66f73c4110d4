import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { requireFile } from './load-cases.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('requireFile', () => {
  it('a missing file does not exist; one that cannot be read says why instead (here a link loop), keeping the cause', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lab-require-'));
    dirs.push(dir);
    await symlink('loop', join(dir, 'loop'));
    await expect(requireFile(join(dir, 'nothing.sys'), '--driver', 'check the path.')).rejects.toMatchObject({ code: 'LAB_FILE_MISSING', message: `--driver ${join(dir, 'nothing.sys')} does not exist. Fix: check the path.` });
    const error = await requireFile(join(dir, 'loop'), '--driver', 'check the path.').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'LAB_FILE_MISSING', exitCode: 2, message: `--driver ${join(dir, 'loop')} cannot be read (ELOOP). Fix: check the path.` });
    expect((error as Error).cause).toMatchObject({ code: 'ELOOP' });
  });
});
