import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chromium } from '../browser/chromium.js';
import type { RunReport } from '../report/run-report.js';
import { openPage, startChromium } from '../testing/chromium-page.js';
import { utcDay } from '../waivers/waiver.js';
import { BUILD, lab, readReport } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

/**
 * `lab run --baseline --waivers` under real Wine: a passing baseline of the project's driver, then the
 * limit-off-by-one mutant gated against it, one of its failures waived and one waiver expired.
 */
const OFF_BY_ONE = [
  'echo/reflect-length-at-the-buffer-boundary[len=1024]',
  'echo/read-around-the-stored-length[n=1024,delta=-1]',
  'echo/read-around-the-stored-length[n=1024,delta=0]',
  'echo/read-around-the-stored-length[n=1024,delta=1]',
  'echo/payload-round-trip[payload=all-bytes-x4]',
  'echo/payload-round-trip[payload=random-seed-1]',
  'echo/concurrent-reflect-and-read-on-one-handle',
];
const WAIVED = 'echo/reflect-length-at-the-buffer-boundary[len=1023]';

let dir: string;
let baseline: string;
let gated: string;
let result: Awaited<ReturnType<typeof lab>>;
let report: RunReport;
let browser: Chromium | undefined;

beforeAll(async () => {
  dir = await tempDir('e2e-gate');
  baseline = join(dir, 'baseline');
  const base = await lab(['run', 'suites/echo.yaml', '--out', baseline]);
  expect(base.exitCode).toBe(0);
  const waivers = join(dir, 'waivers.yaml');
  await writeFile(
    waivers,
    [
      'waivers:',
      `  - case: ${WAIVED}`,
      '    reason: REFLECT rejects 1023 bytes; fix under review',
      '    link: https://bugs.example.com/objdev/17',
      `    expires: ${utcDay(new Date(Date.now() + 30 * 86_400_000))}`,
      "  - pattern: 'echo/unload-*'",
      '    reason: nobody renewed this one',
      '    expires: 2026-01-31',
    ].join('\n'),
  );
  gated = join(dir, 'gated');
  result = await lab([
    'run',
    'suites/echo.yaml',
    '--driver',
    join(BUILD, 'mutants', 'limit-off-by-one.sys'),
    '--out',
    gated,
    '--baseline',
    baseline,
    '--waivers',
    waivers,
  ]);
  report = await readReport(gated);
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

describe('lab run --baseline --waivers under Wine', () => {
  it('exits 1 on the regressions and the expired waiver, and says so on the terminal', () => {
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^Gate against .* \(.*baseline\/report\.json, /m);
    expect(result.stdout).toContain('✗ 7 regressions (passed in the baseline, failing now):');
    expect(result.stdout).toContain(`≈ waived  ${WAIVED}  known failed, waived: REFLECT rejects 1023 bytes; fix under review`);
    expect(result.stdout).toMatch(/✗ waiver `echo\/unload-\*` \(.*waivers\.yaml:6:5\) expired: its last day was 2026-01-31, \d+ days ago/);
    expect(result.stdout).toMatch(/^gate: FAIL: 7 regressions, 1 expired waiver$/m);
    expect(result.stdout).toMatch(/echo on wine: FAILED: 60 cases: 52 passed, 7 failed, 1 waived/);
  });

  it('records the gate in report.json: classes per case, the waived case with what it really was', () => {
    expect(report.gate).toMatchObject({
      verdict: 'fail',
      regressions: OFF_BY_ONE,
      newFailures: [],
      fixed: [],
      removed: [],
      counts: { regression: 7, waived: 1, unchanged: 52 },
    });
    expect(report.summary).toMatchObject({ total: 60, passed: 52, failed: 7, waived: 1 });
    const waived = report.cases.find((c) => c.id === WAIVED)!;
    expect(waived).toMatchObject({
      status: 'waived',
      waiver: { status: 'failed', link: 'https://bugs.example.com/objdev/17' },
      gate: { class: 'waived', baselineStatus: 'passed' },
    });
    expect(report.cases.find((c) => c.id === OFF_BY_ONE[0])!.gate).toEqual({ class: 'regression', baselineStatus: 'passed' });
  });

  it('keeps what really happened in results.jsonl, and shows the gate in summary.md and junit.xml', async () => {
    const raw = (await readFile(join(gated, 'results.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; status: string });
    expect(raw.find((r) => r.id === WAIVED)!.status).toBe('failed');
    const md = await readFile(join(gated, 'summary.md'), 'utf8');
    expect(md).toMatch(/^## lab: `echo` on `wine`: failed, gate fail/);
    expect(md).toContain('### Gate: FAIL: 7 regressions, 1 expired waiver');
    expect(md).toContain('| 7 | 0 | 0 | 0 | 0 | 1 | 52 | 0 |');
    const junit = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(gated, 'junit.xml'), 'utf8'));
    const testcase = (junit.testsuites.testsuite.testcase as Array<Record<string, { '@_message': string }>>).find(
      (t) => (t['@_name'] as unknown as string) === WAIVED,
    )!;
    expect(testcase.skipped!['@_message']).toBe('waived (failed): REFLECT rejects 1023 bytes; fix under review https://bugs.example.com/objdev/17');
  });

  it('shows the gate in report.html, in Chromium, without a console error', async () => {
    browser = await startChromium();
    const p = await openPage(browser, join(gated, 'report.html'));
    expect(await p.page.locator('#gate-verdict').textContent()).toBe('gate fail');
    expect(await p.page.locator('#rows tr.case').count()).toBe(7);
    expect(await p.page.locator('#rows td.cls.regression').count()).toBe(7);
    await p.page.click('tr.case[data-id="echo/reflect-length-at-the-buffer-boundary[len=1024]"]');
    expect(await p.page.locator('tr.detail table.tl tr').count()).toBeGreaterThan(4);
    expect([...p.consoleErrors, ...p.pageErrors, ...p.dialogs, ...p.remoteRequests]).toEqual([]);
  }, 120_000);

  it('exit 0 for the same driver against its own baseline: every case unchanged', async () => {
    const again = await lab(['run', 'suites/echo.yaml', '--out', join(dir, 'again'), '--baseline', join(baseline, 'report.json')]);
    expect(again.stdout).toMatch(/^gate: PASS$/m);
    expect(again.exitCode).toBe(0);
    expect((await readReport(join(dir, 'again'))).gate!.counts.unchanged).toBe(60);
  }, 300_000);

  it('exit 2 before anything runs for a waivers file with a mistake, naming file:line:column', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'waivers:\n  - case: echo/x\n    reason: r\n    expires: next week\n');
    const r = await lab(['run', 'suites/echo.yaml', '--waivers', bad, '--out', join(dir, 'never')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:4:14: waivers\[0\]\.expires: expected a date as YYYY-MM-DD \(the last day the waiver holds\), found "next week"$/);
    expect(r.stdout).toBe('');
  });
});
