import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-dir.js';
import { requireFile } from './load-cases.js';

describe('requireFile', () => {
  it('a missing file does not exist; one that cannot be read says why instead (here a link loop), keeping the cause', async () => {
    const dir = await tempDir('require');
    await symlink('loop', join(dir, 'loop'));
    await expect(requireFile(join(dir, 'nothing.sys'), '--driver', 'check the path.')).rejects.toMatchObject({
      code: 'LAB_FILE_MISSING',
      message: `--driver ${join(dir, 'nothing.sys')} does not exist. Fix: check the path.`,
    });
    const error = await requireFile(join(dir, 'loop'), '--driver', 'check the path.').catch((e: Error) => e);
    expect(error).toMatchObject({
      code: 'LAB_FILE_MISSING',
      exitCode: 2,
      message: `--driver ${join(dir, 'loop')} cannot be read (ELOOP). Fix: check the path.`,
    });
    expect((error as Error).cause).toMatchObject({ code: 'ELOOP' });
  });
});
