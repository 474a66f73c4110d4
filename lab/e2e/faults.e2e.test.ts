import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../verdict/case-result.js';
import { labCacheDir } from '../targets/wine/cache-dir.js';
import { ensureTemplate } from '../targets/wine/prefix-template.js';
import { lab, readReport, ROOT } from './run-lab.js';
import { spawnLab } from './spawn-lab.js';
import { wineProcessesUnder } from './wine-processes.js';
import { SAME_SIGNAL_MS } from '../cli/signals.js';
import { tempDir } from '../testing/temp-dir.js';

const out = async (name: string) => join(await tempDir(name), 'run');
const runDirOf = async (outDir: string) => join(labCacheDir(), 'runs', JSON.parse(await readFile(join(outDir, 'run.json'), 'utf8')).runId as string);

/** 4,000 cases that do nothing: the reports take long enough to be interrupted while they are written. */
async function bigSuite(): Promise<string> {
  const suite = join(await tempDir('big-suite'), 'big.yaml');
  await writeFile(
    suite,
    `suite: big\ndriver: { image: ${join(ROOT, 'driver/build/objdev.sys')}, device: '\\\\.\\object_device' }\ncases:\n  - name: nap\n    matrix: { n: { range: { from: 1, to: 4000 } } }\n    steps: [{ sleep: 0 }]\n`,
  );
  return suite;
}

async function resultLines(outDir: string): Promise<CaseResult[]> {
  const text = await readFile(join(outDir, 'results.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CaseResult);
}

/**
 * Ctrl-C in every phase: exit 130, nothing of the run left running, a report marked interrupted. Prompt
 * means it never waits for the work it interrupts (the template, the remaining cases, a hung case's
 * timeout); how many milliseconds it takes is a figure of `npm run bench -- interrupt`.
 */
describe('Ctrl-C', () => {
  it('while the template prefix is being made', async () => {
    const cache = await tempDir('cold-cache');
    const dir = await out('int-prepare');
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir], { LAB_CACHE_DIR: cache });
    await run.waitFor(/making the Wine template prefix/);
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill('SIGINT');
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(130);
    expect(run.output()).not.toMatch(/lab: execute/);
    expect(wineProcessesUnder(cache)).toEqual([]);
    expect((await readReport(dir)).status).toBe('interrupted');
    // No half-made template is left to be mistaken for a good one.
    const wineDirs = await readdir(join(cache, 'wine')).catch(() => [] as string[]);
    for (const version of wineDirs) expect((await readdir(join(cache, 'wine', version)).catch(() => [])).filter((n) => n.startsWith('template'))).toEqual([]);
  }, 180_000);

  it('while the driver is loading', async () => {
    const dir = await out('int-load');
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir]);
    await run.waitFor(/lab: execute/);
    run.child.kill('SIGINT');
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(130);
    expect(wineProcessesUnder(await runDirOf(dir))).toEqual([]);
    expect((await readReport(dir)).status).toBe('interrupted');
    expect((await resultLines(dir)).length).toBeLessThan(60);
  }, 120_000);

  it('while cases run: the finished ones are kept, in the report and on disk', async () => {
    const dir = await out('int-cases');
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir, '--driver', join(ROOT, 'driver/build/mutants/hang-on-length.sys')]);
    await run.waitFor(/cases done/);
    run.child.kill('SIGINT');
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(130);
    expect(wineProcessesUnder(await runDirOf(dir))).toEqual([]);
    const report = await readReport(dir);
    expect(report.status).toBe('interrupted');
    expect(report.summary.total).toBeGreaterThan(0);
    // The mutant hangs on the 10th case for its 10 s timeout: a prompt stop never waits that out.
    expect(report.summary.hung).toBe(0);
    expect(report.cases.map((c) => c.id)).toEqual((await resultLines(dir)).map((c) => c.id));
  }, 120_000);

  it('while the reports are written', async () => {
    const dir = await out('int-report');
    const run = spawnLab(['run', await bigSuite(), '--out', dir]);
    await run.waitFor(/lab: report/, 170_000);
    run.child.kill('SIGINT');
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(130);
    const report = await readReport(dir);
    expect(report.status).toBe('interrupted');
    expect(report.summary.total).toBe(4000);
    expect(wineProcessesUnder(await runDirOf(dir))).toEqual([]);
  }, 240_000);

  it('twice: the second one quits at once, still leaving nothing running', async () => {
    const dir = await out('int-force');
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir, '--driver', join(ROOT, 'driver/build/mutants/hang-on-length.sys')]);
    await run.waitFor(/cases done/);
    run.child.kill('SIGINT');
    await run.waitFor(/press Ctrl-C again/);
    // Signals within SAME_SIGNAL_MS of the first are the same interruption; a person's second press comes later.
    await new Promise((r) => setTimeout(r, SAME_SIGNAL_MS + 200));
    run.child.kill('SIGINT');
    const { exitCode } = await run.exited;
    expect(exitCode).toBe(130);
    expect(wineProcessesUnder(await runDirOf(dir))).toEqual([]);
    expect((await resultLines(dir)).filter((c) => c.status === 'hung')).toEqual([]);
  }, 120_000);

  it('twice while the reports are written: every report file is complete or absent, no temp file is left', async () => {
    const dir = await out('int-force-report');
    const run = spawnLab(['run', await bigSuite(), '--out', dir]);
    await run.waitFor(/lab: report/, 170_000);
    run.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, SAME_SIGNAL_MS + 100));
    run.child.kill('SIGINT');
    expect((await run.exited).exitCode).toBe(130);
    const names = await readdir(dir);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const report = await readFile(join(dir, 'report.json'), 'utf8').catch(() => undefined);
    if (report !== undefined) expect(JSON.parse(report).cases).toHaveLength(4000);
    for (const name of ['junit.xml', 'report.html', 'summary.md']) {
      const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
      if (text !== undefined) expect(text).toMatch(name === 'junit.xml' ? /<\/testsuites>\s*$/ : name === 'report.html' ? /<\/html>\s*$/ : /\n$/);
    }
    expect(wineProcessesUnder(await runDirOf(dir))).toEqual([]);
  }, 240_000);
});

describe('a killed orchestrator, then --resume', () => {
  it('keeps every finished case, runs nothing twice, and ends with the report of an uninterrupted run', async () => {
    const dir = await out('resume');
    const run = spawnLab(['run', 'suites/echo.yaml', '--out', dir]);
    await run.waitFor(/lab: 1\d\/60 cases done/);
    run.child.kill('SIGKILL');
    await run.exited;
    const before = await resultLines(dir);
    expect(before.length).toBeGreaterThan(0);

    const resumed = await lab(['run', '--resume', dir]);
    expect(resumed.exitCode).toBe(0);
    const after = await resultLines(dir);
    expect(after.slice(0, before.length)).toEqual(before);
    const ids = after.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);

    const report = await readReport(dir);
    const listed = JSON.parse((await lab(['list', 'suites/echo.yaml', '--json'])).stdout) as { cases: Array<{ id: string }> };
    expect(report.cases.map((c) => c.id)).toEqual(listed.cases.map((c) => c.id));
    expect(report.cases.every((c) => c.status === 'passed')).toBe(true);
    expect(report.status).toBe('passed');
    // The killed run's Wine processes were reaped by the resumed run.
    expect(wineProcessesUnder(await runDirOf(dir))).toEqual([]);
  }, 240_000);
});

describe('a harness fault', () => {
  it('is retried, then reported as harness with exit 3, never as a driver failure', async () => {
    // A template that looks ready but whose C: drive is a file: every deploy fails.
    const cache = await tempDir('broken-cache');
    const good = await ensureTemplate();
    const broken = join(cache, 'wine', good.split('/').slice(-2, -1)[0]!, good.split('/').at(-1)!);
    await mkdir(broken, { recursive: true });
    for (const f of ['system.reg', 'user.reg', 'userdef.reg', '.lab-template-ready']) await copyFile(join(good, f), join(broken, f));
    await writeFile(join(broken, 'drive_c'), 'not a folder');
    await mkdir(join(cache, 'wine'), { recursive: true });
    await copyFile(join(labCacheDir(), 'wine', 'version.json'), join(cache, 'wine', 'version.json'));

    const dir = await out('harness');
    const faulty = spawnLab(['run', 'suites/echo.yaml', '--out', dir], { LAB_CACHE_DIR: cache });
    const { exitCode } = await faulty.exited;
    expect(exitCode).toBe(3);
    expect(faulty.output()).toMatch(/deploying failed \(attempt 1\).*retrying in 500 ms/);
    expect(faulty.output()).toMatch(/deploying failed \(attempt 2\).*retrying in 1000 ms/);
    const report = await readReport(dir);
    expect(report.status).toBe('error');
    expect(report.summary.failed + report.summary.crashed + report.summary.hung).toBe(0);
    expect(report.cases.every((c) => c.status === 'error' && c.blame === 'harness')).toBe(true);
  }, 180_000);
});
