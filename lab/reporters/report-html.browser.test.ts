import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Chromium } from '../browser/chromium.js';
import { openPage, startChromium, type WatchedPage, expectQuietPagesAndClose } from '../testing/chromium-page.js';
import { aCase, aCrash, anInconclusive, aReport, aRichFailure, HOSTILE } from '../testing/report-fixtures.js';
import type { GateSection } from '../report/run-report.js';
import { renderHtml } from './html.js';
import { tempDir } from '../testing/temp-dir.js';

// A loaded 2-core CI machine can take seconds per page: generous, so slowness is not failure.
vi.setConfig({ testTimeout: 60_000 });

/** report.html in real headless Chromium: what people see, what they can click, and what must never run. */
const gate: GateSection = {
  verdict: 'fail',
  reasons: [
    '1 regression: passed in the baseline, failing now (echo/read-back)',
    `waiver \`echo/old*\` (w.yaml:6:5) expired: its last day was 2026-01-31, 297 days ago (${HOSTILE}). Fix: renew it.`,
  ],
  baseline: { path: 'reports/base/report.json', runId: 'base-1', suite: 'echo', startedAt: '2026-11-23T04:00:00.000Z', status: 'passed' },
  allowNewFailures: false,
  counts: { regression: 1, fixed: 1, 'still-failing': 0, new: 1, removed: 1, waived: 1, unchanged: 1, 'not-run': 1 },
  regressions: ['echo/read-back'],
  newFailures: ['echo/boom'],
  fixed: ['echo/fixed'],
  removed: [{ id: 'echo/gone', status: 'passed' }],
  waivers: {
    file: 'waivers.yaml',
    applied: 1,
    expired: [{ match: 'echo/old*', source: 'w.yaml:6:5', expires: '2026-01-31', reason: HOSTILE, daysAgo: 297 }],
    unused: [],
  },
};

const cases = [
  aCase('echo/ok', 'passed', {
    gate: { class: 'unchanged', baselineStatus: 'passed' },
    notes: [`started on a fresh load of the driver: case echo/vanish left the driver unloaded or its device gone ${HOSTILE}`],
    steps: [
      {
        index: 0,
        kind: 'ioctl',
        ioctl: 0x22e004,
        ioctlName: 'REFLECT',
        inLength: 1,
        outLength: 0,
        error: 122,
        status: 0xc0000023,
        bytesReturned: 0,
        elapsedUs: 90,
        output: '',
        ok: true,
        expected: { error: 122, status: 0xc0000023 },
      },
      { index: 1, kind: 'close', error: null, ok: true, notRun: true },
    ],
  }),
  { ...aRichFailure('echo/read-back'), gate: { class: 'regression' as const, baselineStatus: 'passed' as const } },
  { ...aCrash('echo/boom'), gate: { class: 'new' as const } },
  aCase('echo/fixed', 'passed', { gate: { class: 'fixed', baselineStatus: 'failed' } }),
  aCase('echo/known', 'waived', {
    message: 'step 1: expected error 0, got 87',
    waiver: {
      status: 'failed',
      reason: `known: ${HOSTILE}`,
      link: 'https://bugs.example.com/17',
      expires: '2099-12-31',
      match: 'echo/known',
      source: 'waivers.yaml:2:5',
    },
    gate: { class: 'waived', baselineStatus: 'passed' },
  }),
  // A hand-edited report: the page must not turn this link into a javascript: href.
  aCase('echo/edited', 'waived', {
    waiver: { status: 'failed', reason: 'edited', link: 'javascript:window.__pwned=9', expires: '2099-12-31', match: 'echo/edited', source: 'w.yaml:9:5' },
    gate: { class: 'waived' },
  }),
  aCase('echo/later', 'skipped', { message: 'not on wine', gate: { class: 'not-run', baselineStatus: 'passed' }, params: { payload: HOSTILE } }),
  { ...anInconclusive('echo/neither'), gate: { class: 'not-run' as const, baselineStatus: 'passed' as const } },
];

let dir: string;
let file: string;
let browser: Chromium;
const pages: WatchedPage[] = [];

beforeAll(async () => {
  dir = await tempDir('html');
  file = join(dir, 'report.html');
  const { cases: reportCases, ...header } = aReport(cases, { status: 'failed', warnings: [`a warning ${HOSTILE}`], gate });
  await writeFile(file, renderHtml({ header, cases: reportCases }));
  browser = await startChromium();
}, 120_000);

afterAll(() => expectQuietPagesAndClose(browser, pages));

async function open(hash = ''): Promise<WatchedPage> {
  const p = await openPage(browser, file, hash);
  pages.push(p);
  return p;
}

const rowIds = (p: WatchedPage) => p.page.locator('#rows tr.case').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

describe('report.html in Chromium', () => {
  it('opens on the verdict, the gate and the cases that need attention', async () => {
    const { page } = await open();
    expect(await page.title()).toBe('lab: echo on wine: failed, gate fail');
    expect(await page.locator('#verdict').textContent()).toBe('failed');
    expect(await page.locator('#gate-verdict').textContent()).toBe('gate fail');
    expect(await page.locator('#gate h2').textContent()).toBe('Gate fails against the baseline');
    expect(await page.locator('#gate .reasons').textContent()).toContain('1 regression: passed in the baseline, failing now (echo/read-back)');
    expect(await page.locator('#gate .expired').textContent()).toContain('its last day was 2026-01-31, 297 days ago');
    expect(await page.locator('#summary .chips').textContent()).toBe('✗ 1 failed☠ 1 crashed≈ 2 waived? 1 inconclusive✓ 2 passed- 1 skipped');
    expect(await rowIds({ page } as WatchedPage)).toEqual(['echo/read-back', 'echo/boom']);
    expect(await page.locator('#shown').textContent()).toBe('2 of 8 cases · showing cases that need attention');
    await page.screenshot({ path: join(dir, 'first-view.png'), fullPage: true });
  });

  it('filters by status, by class against the baseline, and by search', async () => {
    const p = await open();
    await p.page.click('#controls button[data-status=all]');
    expect(await rowIds(p)).toHaveLength(8);
    await p.page.click('#summary button[data-status=waived]');
    expect(await rowIds(p)).toEqual(['echo/known', 'echo/edited']);
    await p.page.click('#gate-classes button[data-class=fixed]');
    expect(await rowIds(p)).toEqual(['echo/fixed']);
    expect(await p.page.locator('#gate-classes button[data-class=fixed]').getAttribute('aria-pressed')).toBe('true');
    await p.page.click('#controls button[data-status=all]');
    await p.page.fill('#search', 'BOOM');
    expect(await rowIds(p)).toEqual(['echo/boom']);
    await p.page.fill('#search', 'bugs.example');
    expect(await rowIds(p)).toEqual([]);
    expect(await p.page.locator('#empty').isVisible()).toBe(true);
    await p.page.fill('#search', 'known:');
    expect(await rowIds(p)).toEqual(['echo/known']);
  });

  it("opens a case: each step's actual against expected values, the hex diff, and one merged timeline", async () => {
    const p = await open();
    await p.page.click('tr.case[data-id="echo/read-back"]');
    const detail = p.page.locator('tr.detail[data-detail-for="echo/read-back"]');
    await detail.waitFor();
    expect(await p.page.locator('tr.case[data-id="echo/read-back"]').getAttribute('aria-expanded')).toBe('true');
    const read = detail.locator('table.steps tr[data-step="2"]');
    expect(await read.locator('td.mismatch').allTextContents()).toEqual(['5expected 11', '68 65 6c 6c 58expected 68 65 6c 6c 6f 2c 77 6f 72 6c 64']);
    expect(await read.locator('td.problems').textContent()).toBe('expected 11 bytes returned, got 5; output differs');
    expect(await detail.locator('table.steps tr[data-step="1"] td.mismatch').count()).toBe(0);
    expect(await detail.locator('.hexdiff .meta').textContent()).toBe('first difference at byte 4 (0x4) · expected 11 bytes, got 5 bytes');
    expect(await detail.locator('table.hex span.d').count()).toBeGreaterThan(0);
    const timeline = detail.locator('table.tl tbody tr');
    const lines = await timeline.evaluateAll((rows) =>
      rows.map((r) => `${[...r.querySelectorAll('.tag')].map((t) => t.textContent).join('+')} ${r.querySelector('td.line')!.textContent}`),
    );
    expect(lines).toEqual([
      'guest [32] lab: case-begin 0 echo/read-back',
      'step step 0 open (implicit) → error 0',
      'DbgPrint+driver log objdev: IOCTL REFLECT in=11',
      `DbgPrint+driver log objdev: ${HOSTILE}`,
      'driver log objdev: only in the log file',
      'step step 1 REFLECT 0x22e004 in=11 out=0 → error 0, 0 bytes (400 µs)',
      'DbgPrint+driver log objdev: IOCTL READ out=1024',
      'target wine: a target line',
      'step step 2 READ 0x22e008 in=0 out=1024 → error 0, 5 bytes (300 µs) ✗',
      'guest [32] lab: case-end 0 echo/read-back',
    ]);
    // Hide the guest's lane: its lines go, lines another lane also has stay.
    await detail.locator('.lanes input[data-source=guest]').uncheck();
    expect(await timeline.count()).toBe(8);
    await detail.locator('.lanes button.more').click();
    expect(await detail.locator('.raw pre').first().textContent()).toContain('14\t04:00:00.104\t[target] wine: a target line');
    await p.page.screenshot({ path: join(dir, 'case-open.png'), fullPage: true });
  });

  it("shows each step's NTSTATUS by name, the steps not run, and the case's notes", async () => {
    const p = await open('#case=echo/ok');
    const detail = p.page.locator('tr.detail[data-detail-for="echo/ok"]');
    await detail.waitFor();
    const cells = await detail.locator('table.steps tr[data-step="0"] td.vs').allTextContents();
    expect(cells).toContain('0xC0000023 (STATUS_BUFFER_TOO_SMALL) ✓');
    expect(cells).toContain('122 (ERROR_INSUFFICIENT_BUFFER) ✓');
    expect(await detail.locator('table.steps tr[data-step="1"]').getAttribute('class')).toBe('not-run');
    expect(await detail.locator('table.steps tr[data-step="1"] td.vs').first().textContent()).toBe('not run');
    expect(await detail.locator('ul.notes li').allTextContents()).toEqual([
      `started on a fresh load of the driver: case echo/vanish left the driver unloaded or its device gone ${HOSTILE}`,
    ]);
  });

  it('shows crash evidence: the signature, the backtrace, the registers one click away', async () => {
    const p = await open();
    await p.page.locator('tr.case[data-id="echo/boom"]').press('Enter');
    const detail = p.page.locator('tr.detail[data-detail-for="echo/boom"]');
    expect(await detail.locator('.evidence pre.signature').textContent()).toMatch(/^wine: Unhandled page fault on write access/);
    expect(await detail.locator('.evidence pre.backtrace').textContent()).toContain('=>0 0x000000021a10b6 in objdev.sys (+0x10b6)');
    expect(await detail.locator('.evidence details summary').first().textContent()).toBe('registers and stack dump');
    expect(await detail.locator('.gate-mark').textContent()).toBe('Against the baseline: new — not in the baseline (or not run there)');
    expect(await detail.locator('table.tl tr.bad td.line').textContent()).toMatch(/Unhandled page fault/);
  });

  it('shows a waived case as known, with its reason and only a web link as a link', async () => {
    const p = await open('#case=echo%2Fknown');
    const detail = p.page.locator('tr.detail[data-detail-for="echo/known"]');
    expect(await detail.locator('.waiver').textContent()).toContain('Waived: really failed. known: </script><script>window.__pwned=1');
    expect(await detail.locator('.waiver a').getAttribute('href')).toBe('https://bugs.example.com/17');
    await p.page.click('#controls button[data-status=all]');
    await p.page.click('tr.case[data-id="echo/edited"]');
    const edited = p.page.locator('tr.detail[data-detail-for="echo/edited"] .waiver');
    expect(await edited.locator('a').count()).toBe(0);
    expect(await edited.textContent()).toContain('javascript:window.__pwned=9');
  });

  it('shows a case the target could not judge apart from the failures, with what the target lacks', async () => {
    const p = await open();
    await p.page.click('#summary button[data-status=inconclusive]');
    expect(await rowIds(p)).toEqual(['echo/neither']);
    await p.page.click('tr.case[data-id="echo/neither"]');
    const detail = p.page.locator('tr.detail[data-detail-for="echo/neither"]');
    expect(await detail.locator('.target-gap').textContent()).toBe(
      'Inconclusive: the target does not implement MmMapLockedPagesSpecifyCache. Wine 8 maps no MDL on this target it would have been failed (product); run it on a Windows target (`kind: ssh` or `kind: hyperv` in infra/targets.yaml)',
    );
    expect(await detail.locator('.meta').first().textContent()).toContain('blame: target');
  });

  it('the probe works: the same payload parsed as HTML does run (a control, on a blank page)', async () => {
    const page = await browser.context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto('about:blank');
    await page.evaluate((html) => {
      document.body.innerHTML = html;
    }, HOSTILE);
    await page.waitForFunction(() => (window as unknown as { __pwned?: number }).__pwned !== undefined);
    expect(dialogs).toEqual(['2']);
    await page.close();
  });

  it('keeps driver output inert: markup shows as text, no script runs, no dialog opens', async () => {
    const p = await open('#print');
    // #print opens every case that needs attention, was waived or could not be judged: all hostile text is in the DOM.
    expect(await p.page.locator('tr.detail').count()).toBe(5);
    await p.page.click('#controls button[data-status=all]');
    await p.page.click('tr.case[data-id="echo/later"]');
    expect(await p.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(p.dialogs).toEqual([]);
    expect(await p.page.locator('script').count()).toBe(2);
    expect(await p.page.locator('img, svg[onload], iframe, object, embed').count()).toBe(0);
    const text = await p.page.locator('body').textContent();
    expect(text).toContain('<img src=x onerror="window.__pwned=2;alert(2)">');
    expect(text).toContain(`a warning ${HOSTILE}`);
    expect(await p.page.locator('pre.message').first().textContent()).toContain('</script><script>window.__pwned=1;alert(1)</script>');
  });
});
