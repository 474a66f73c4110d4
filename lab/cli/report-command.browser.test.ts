import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab, ROOT } from '../e2e/run-lab.js';
import { aCase, aCrash, aReport, aRichFailure, writeRun } from '../testing/report-fixtures.js';
import { tempDir } from '../testing/temp-dir.js';

/** `lab report <dir> --pdf --png`: report.html again from report.json alone, exported through real Chromium. */
let run: string;
beforeAll(async () => {
  const dir = await tempDir('report-cmd');
  const cases = [
    aCase('echo/seed-exchange', 'passed'),
    aRichFailure('echo/read-back'),
    aCrash('echo/reflect-length[len=666]'),
    ...Array.from({ length: 40 }, (_, i) => aCase(`echo/filler-${i}`, 'passed')),
  ];
  run = await writeRun(join(dir, 'run'), aReport(cases, { suite: 'echo', status: 'failed' }));
});

describe('lab report', () => {
  it('regenerates report.html and writes a PDF people can read and a PNG of the first view', async () => {
    const r = await lab(['report', run, '--pdf', '--png'], { timeoutMs: 180_000 });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.replace(/^.*\//, ''))).toEqual(['report.html', 'report.pdf', 'report.png']);
    expect(await readFile(join(run, 'report.html'), 'utf8')).toContain('id="lab-data"');

    const info = (await execa('pdfinfo', [join(run, 'report.pdf')])).stdout;
    const pages = Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = (await execa('pdftotext', ['-layout', join(run, 'report.pdf'), '-'])).stdout;
    expect(text).toContain('echo on wine');
    expect(text).toContain('echo/read-back');
    expect(text).toContain('echo/filler-39');
    // On paper the cases that did not pass are opened: their why, steps and crash evidence are in the PDF.
    expect(text).toContain('expected 11 bytes returned, got 5');
    expect(text).toContain('Unhandled page fault on write access');

    const png = await readFile(join(run, 'report.png'));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(20_000);
  }, 200_000);

  it('writes the PDF where --pdf says', async () => {
    const target = join(run, 'named.pdf');
    const r = await lab(['report', join(run, 'report.json'), '--pdf', target], { timeoutMs: 180_000 });
    expect(r.exitCode).toBe(0);
    expect((await stat(target)).size).toBeGreaterThan(1000);
  }, 200_000);

  it('exit 2 for a folder without a report, exit 3 with the fix when Chromium is missing', async () => {
    const missing = await lab(['report', join(run, 'nowhere')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^lab: lab report .*nowhere: no such file or folder\. Fix:/);
    const noBrowser = await execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), 'report', run, '--png'], {
      cwd: ROOT,
      reject: false,
      env: { LAB_CHROMIUM: '/nonexistent/chromium' },
    });
    expect(noBrowser.exitCode).toBe(3);
    expect(noBrowser.stderr).toBe(
      'lab: Chromium was not found at /nonexistent/chromium. Fix: install it (Debian: sudo apt-get install chromium) or set LAB_CHROMIUM to its path.',
    );
  });
});
