import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Chromium } from '../browser/chromium.js';
import { lab } from '../e2e/run-lab.js';
import { openPage, startChromium, type WatchedPage, expectQuietPagesAndClose } from '../testing/chromium-page.js';
import { aCase, aReport, HOSTILE, writeRun } from '../testing/report-fixtures.js';
import type { CaseStatus } from '../verdict/case-result.js';
import { tempDir } from '../testing/temp-dir.js';

// A loaded 2-core CI machine can take seconds per page: generous, so slowness is not failure.
vi.setConfig({ testTimeout: 60_000 });

/** `lab history` end to end: crafted run folders → the CLI → history.html in real Chromium. */
let root: string;
let page: string;
let browser: Chromium;
const pages: WatchedPage[] = [];
let cli: Awaited<ReturnType<typeof lab>>;

// Six runs, oldest first: the flaky case flips with the same driver; the driver changes before run 5.
const plan: Array<{ driver: string; flaky: CaseStatus; boundary: CaseStatus; ms: number }> = [
  { driver: 'aa', flaky: 'passed', boundary: 'passed', ms: 2100 },
  { driver: 'aa', flaky: 'failed', boundary: 'passed', ms: 2300 },
  { driver: 'aa', flaky: 'passed', boundary: 'passed', ms: 2000 },
  { driver: 'aa', flaky: 'flaky', boundary: 'passed', ms: 2600 },
  { driver: 'bb', flaky: 'passed', boundary: 'failed', ms: 3900 },
  { driver: 'bb', flaky: 'passed', boundary: 'failed', ms: 4100 },
];

beforeAll(async () => {
  root = await tempDir('history');
  for (const [i, p] of plan.entries()) {
    const cases = [
      aCase('echo/steady', 'passed', { durationMs: 3 + i }),
      aCase('echo/sometimes', p.flaky, { durationMs: 10 + i * 2 }),
      aCase('echo/boundary[len=1024]', p.boundary, { message: `step 2 REFLECT: expected error 0, got 87 ${HOSTILE}` }),
      aCase('echo/skipped', 'skipped', { message: 'not on wine' }),
    ];
    const at = `2026-11-${String(10 + i).padStart(2, '0')}T04:00:00.000Z`;
    await writeRun(
      join(root, `run-${i}`),
      aReport(cases, { runId: `run-${i}`, startedAt: at, durationMs: p.ms, driver: { path: 'objdev.sys', sha256: p.driver.repeat(32), signed: true } }),
    );
    await writeFile(join(root, `run-${i}`, 'report.html'), '<!doctype html><title>run</title>');
  }
  // Noise a reports folder really has: a run still writing, and an unrelated JSON file.
  await mkdir(join(root, 'broken'));
  await writeFile(join(root, 'broken', 'report.json'), '{"schemaVersion": 1, "cases": [');
  page = join(root, 'site', 'history.html');
  await mkdir(join(root, 'site'));
  cli = await lab(['history', root, '--last', '5', '--out', page]);
  browser = await startChromium();
}, 120_000);

afterAll(() => expectQuietPagesAndClose(browser, pages));

async function open(): Promise<WatchedPage> {
  const p = await openPage(browser, page);
  pages.push(p);
  return p;
}

describe('lab history', () => {
  it('reads the last N runs from report.json alone, skipping what is not a report with a warning', () => {
    expect(cli.exitCode).toBe(0);
    expect(cli.stdout).toMatch(/history\.html: 5 runs$/);
    expect(cli.stderr).toMatch(/^lab: warning: skipped .*broken\/report\.json: lab history .*: expected report\.json as lab writes it/);
  });

  it('draws the trend: a stacked bar per run, the run duration, the driver change, each bar linking to its report', async () => {
    const { page: p } = await open();
    expect(await p.title()).toBe('lab history: echo (5 runs)');
    expect(await p.locator('#trend g.run-bar').count()).toBe(5);
    expect(await p.locator('#trend polyline').count()).toBe(1);
    expect(await p.locator('#trend line.driver-change').count()).toBe(1);
    expect(await p.locator('#trend a').first().getAttribute('href')).toBe('../run-1/report.html');
    expect(await p.locator('#trend g.run-bar title').last().textContent()).toContain('run-5');
    expect(await p.locator('header .meta').textContent()).toMatch(/^5 runs from 2026-11-11 to 2026-11-15 · 2 passed · 4 cases · 1 flaky case/);
    await p.screenshot({ path: join(root, 'history.png'), fullPage: true });
  });

  it('lists the flaky case (same driver, changing) and not the one the new driver broke', async () => {
    const { page: p } = await open();
    expect(await p.locator('#flaky tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['echo/sometimes']);
    // In the last five runs: one change with the same driver (failed → passed), and one rerun that passed.
    expect(await p.locator('#flaky tbody tr td').evaluateAll((cells) => cells.slice(2).map((c) => c.textContent))).toEqual(['1', '1', '1 of 5', 'passed']);
  });

  it("filters the case grid and opens a case's runs, each linking to that run's report at the case", async () => {
    const p = await open();
    const ids = () => p.page.locator('#grid-rows tr.case').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(await ids()).toEqual(['echo/boundary[len=1024]', 'echo/sometimes', 'echo/skipped']);
    await p.page.click('#grid-controls button[data-filter=failing]');
    expect(await ids()).toEqual(['echo/boundary[len=1024]']);
    await p.page.click('#grid-controls button[data-filter=all]');
    expect(await ids()).toHaveLength(4);
    await p.page.fill('#grid-search', 'steady');
    expect(await ids()).toEqual(['echo/steady']);
    expect(await p.page.locator('#grid-rows tr.case .strip .cell.passed').count()).toBe(5);
    await p.page.fill('#grid-search', '');
    await p.page.click('tr.case[data-id="echo/boundary[len=1024]"]');
    const runs = p.page.locator('tr.detail[data-detail-for="echo/boundary[len=1024]"] table.runs tbody tr');
    expect(await runs.count()).toBe(5);
    expect(await runs.first().locator('td.st').textContent()).toBe('failed');
    expect(await runs.first().locator('a').getAttribute('href')).toBe('../run-5/report.html#case=echo%2Fboundary%5Blen%3D1024%5D');
    // The driver's hostile message is text.
    expect(await runs.first().locator('td.msg').textContent()).toContain('<img src=x onerror=');
    expect(await p.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await p.page.locator('img, iframe').count()).toBe(0);
  });

  it('exit 2 with the fix for a folder without reports', async () => {
    const empty = await tempDir('history-empty');
    const r = await lab(['history', empty]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no report\.json found in it or its subfolders\. Fix: point at the folder `lab run` writes to/);
  });
});
