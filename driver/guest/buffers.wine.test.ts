/**
 * The pointer kinds are what they say, asked of Windows (Wine's VirtualQuery) from inside: buffers.c built
 * with mingw-w64 into testing/wine/buffers-check.exe, which makes a buffer of every kind, 0 and 4995 bytes
 * long, and prints what each pointer is.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, runInWine, type FreshPrefix } from '../../lab/testing/wine.js';
import { GUEST_DIR } from './testing/native-build.js';

let prefix: FreshPrefix;
const facts = new Map<string, string>();

beforeAll(async () => {
  prefix = await freshPrefix();
  const exe = join(prefix.driveC, 'lab', 'buffers-check.exe');
  await mkdir(join(prefix.driveC, 'lab'), { recursive: true });
  const sources = [join(GUEST_DIR, 'testing', 'wine', 'buffers-check.c'), join(GUEST_DIR, 'buffers.c')];
  await execa('x86_64-w64-mingw32-gcc', ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', `-I${GUEST_DIR}`, '-static', '-o', exe, ...sources]);
  const run = await runInWine(prefix.prefix, 'C:\\lab\\buffers-check.exe', [], 60_000);
  expect(run.exitCode).toBe(0);
  for (const line of run.stdout.trim().split(/\r?\n/)) {
    const [kind, what, ...value] = line.split(' ');
    if (kind && what) facts.set(`${kind} ${what}`, value.join(' '));
  }
  expect(run.stdout.trim().endsWith('done')).toBe(true);
}, 120_000);

afterAll(async () => {
  await prefix?.dispose();
});

const fact = (kind: string, what: string) => facts.get(`${kind} ${what}`);
const PAGE_READWRITE = '0x4';
const PAGE_READONLY = '0x2';
const PAGE_NOACCESS = '0x1';

describe('the buffers of every pointer kind', () => {
  it.each(['0', '4995'])('are made, long %s bytes', (len) => {
    for (const kind of ['heap', 'null', 'invalid', 'kernel', 'unaligned', 'readonly', 'noaccess', 'pageend'])
      expect(fact(`${kind}/${len}`, 'made'), kind).toBe('1');
  });

  it('heap: readable, filled with the pattern, guarded; damage to the guard is seen once and the guard set again', () => {
    expect([fact('heap/4995', 'readable'), fact('heap/4995', 'filled'), fact('heap/4995', 'guarded')]).toEqual(['1', '1', '1']);
    expect([fact('heap/4995', 'guard-intact'), fact('heap/4995', 'guard-damage-seen'), fact('heap/4995', 'guard-set-again')]).toEqual(['1', '1', '1']);
  });

  it('null: a NULL pointer, whatever the length', () => {
    expect([fact('null/4995', 'null'), fact('null/4995', 'readable')]).toEqual(['1', '0']);
  });

  it('invalid: a user range reserved and never committed', () => {
    expect([fact('invalid/4995', 'user'), fact('invalid/4995', 'readable'), fact('invalid/4995', 'start')]).toEqual(['1', '0', 'state=reserve protect=0x0']);
  });

  it('kernel: above the highest user address', () => {
    expect([fact('kernel/4995', 'null'), fact('kernel/4995', 'user'), fact('kernel/4995', 'readable')]).toEqual(['0', '0', '0']);
  });

  it('unaligned: an odd address, readable and filled', () => {
    expect([fact('unaligned/4995', 'odd'), fact('unaligned/4995', 'filled'), fact('unaligned/4995', 'guarded')]).toEqual(['1', '1', '1']);
  });

  it('readOnly and noAccess: committed pages of that protection', () => {
    expect([fact('readonly/4995', 'start'), fact('readonly/4995', 'filled')]).toEqual([`state=commit protect=${PAGE_READONLY}`, '1']);
    expect([fact('noaccess/4995', 'start'), fact('noaccess/4995', 'readable')]).toEqual([`state=commit protect=${PAGE_NOACCESS}`, '0']);
  });

  it('guardPage: the buffer ends exactly where a page that is not committed begins', () => {
    expect([fact('pageend/4995', 'ends-on-page'), fact('pageend/4995', 'start'), fact('pageend/4995', 'after')]).toEqual([
      '1',
      `state=commit protect=${PAGE_READWRITE}`,
      'state=reserve protect=0x0',
    ]);
    expect([fact('pageend/4995', 'filled'), fact('pageend/4995', 'guarded')]).toEqual(['1', '0']);
    expect(fact('pageend/0', 'ends-on-page')).toBe('1');
  });
});
