import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DebugStream, MAX_DBGVIEW_FILE_BYTES } from './debug-stream.js';
import { tempDir } from '../testing/temp-dir.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('dbgview.log', () => {
  it('is cut at its cap with a marker, like the driver log; the cases keep their slices', async () => {
    const dir = await tempDir('dbgview');
    dirs.push(dir);
    const file = join(dir, 'dbgview.log');
    const stream = new DebugStream(file, { maxFileBytes: 10_000 });
    stream.push({ timeMs: 0, source: 'user', pid: 1, text: 'lab: case-begin 0 s/a' });
    for (let i = 0; i < 2000; i++) stream.push({ timeMs: i, source: 'kernel', pid: 2, text: `noisy driver line ${i}` });
    await stream.close();
    const text = await readFile(file, 'utf8');
    expect((await stat(file)).size).toBeLessThan(10_000 + 200);
    expect(text).toMatch(/\n---- lab: cut here, at 10000 bytes; each case keeps its own slice in the report ----\n$/);
    expect(
      text
        .split('\n')
        .slice(0, -2)
        .every((l) => /noisy driver line \d+$|case-begin/.test(l)),
    ).toBe(true);
    expect(stream.take(0).lines().lines.at(-1)).toMatch(/noisy driver line 1999$/);
  });

  it('on a full disk (/dev/full): the cases keep their lines, and close names the file as a harness error instead of crashing lab', async () => {
    const stream = new DebugStream('/dev/full');
    stream.push({ timeMs: 0, source: 'user', pid: 1, text: 'lab: case-begin 0 s/a' });
    for (let i = 0; i < 600; i++) stream.push({ timeMs: i, source: 'kernel', pid: 2, text: `line ${i}` });
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.push({ timeMs: 601, source: 'kernel', pid: 2, text: 'after the failure' });
    await expect(stream.close()).rejects.toMatchObject({
      code: 'LAB_WRITE_FAILED',
      exitCode: 3,
      message: '/dev/full could not be written: the disk is full. Fix: make room on that disk (or write elsewhere with --out), then run again.',
    });
    expect(stream.take(0).lines().lines.at(-1)).toMatch(/after the failure$/);
  });

  it("has the driver log copy's cap: 64 MiB", () => {
    expect(MAX_DBGVIEW_FILE_BYTES).toBe(64 * 1024 * 1024);
  });
});

describe('case slices', () => {
  const marker = (edge: 'begin' | 'end', index: number) => ({ timeMs: 0, source: 'user' as const, pid: 32, text: `lab: case-${edge} ${index} s/c${index}` });
  const print = (text: string) => ({ timeMs: 0, source: 'kernel' as const, text });
  const texts = (lines: string[]) => lines.map((l) => l.split('\t').slice(2).join('\t'));

  it('a case run again after a crash cut its session short keeps only the attempt that counted', () => {
    const stream = new DebugStream();
    stream.newSession();
    stream.push(marker('begin', 3));
    stream.push(print('first attempt: the host is dying'));
    stream.newSession();
    stream.push(marker('begin', 3));
    stream.push(print('second attempt'));
    stream.push(marker('end', 3));
    expect(texts(stream.take(3).lines().lines)).toEqual(['[32] lab: case-begin 3 s/c3', 'second attempt', '[32] lab: case-end 3 s/c3']);
  });
});
