import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Chromium } from '../browser/chromium.js';
import { expectQuietPagesAndClose, openPage, startChromium, type WatchedPage } from '../testing/chromium-page.js';
import { HOSTILE } from '../testing/report-fixtures.js';
import type { FuzzReport } from './fuzz-report.js';
import { renderFuzzPage } from './fuzz-page.js';
import { tempDir } from '../testing/temp-dir.js';

vi.setConfig({ testTimeout: 60_000 });

/** fuzz.html in real headless Chromium: the findings, their cases and evidence, the coverage; driver text inert. */
const report: FuzzReport = {
  schemaVersion: 1,
  kind: 'lab-fuzz',
  runId: 'r1',
  suite: 'echo',
  suiteFile: 'suites/echo.yaml',
  driver: { path: 'driver/build/mutants/original-demo.sys', sha256: 'ab'.repeat(32), signed: true },
  target: 'wine',
  targetKind: 'wine',
  targetInfo: {},
  seed: 7,
  planDigest: 'cd'.repeat(32),
  options: {
    budget: '30 s',
    workers: 1,
    hangMs: 5000,
    batchCalls: 256,
    threads: true,
    functions: ['0x7E1-0x823'],
    deviceTypes: ['0x22'],
    maxLength: 131072,
    badPointers: false,
  },
  status: 'findings',
  startedAt: '2026-11-30T06:00:00.000Z',
  durationMs: 58_000,
  exploration: { batches: 40, calls: 5221, callsPerSecond: 171, codes: 2176, durationMs: 30_500, chunks: [{ worker: 0, batches: [0, 1] }] },
  findings: [
    {
      id: 'F1',
      kind: 'crash',
      site: 'original-demo.sys+0x1a29',
      summary: `the driver crashed: ${HOSTILE}`,
      first: { batch: 0, worker: 0, atMs: 3237, afterCalls: 0 },
      seen: 11,
      evidence: {
        signature: `wine: Unhandled page fault ${HOSTILE}`,
        backtrace: `=>0 in original-demo.sys (+0x1a29) ${HOSTILE}`,
        lastLines: [`objdev: IOCTL ${HOSTILE}`],
      },
      minimized: {
        calls: 1,
        yaml: '- name: "fuzz F1 crash: READ in 0 out 20417"\n  steps:\n    - ioctl: READ\n      outLength: 20417',
        steps: ['the call alone shows it', 'outLength of call 1: 65536 → 20417'],
        trials: 6,
      },
      confirmed: true,
      confirmation: 'crashed when run from findings.yaml',
    },
  ],
  notReproduced: [{ kind: 'hang', summary: `no result within 5000 ms ${HOSTILE}`, first: { batch: 9, worker: 0, atMs: 20_000, afterCalls: 3000 }, seen: 1 }],
  targetStops: [
    {
      kind: 'crash',
      why: `the target's kernel stopped on its own assertion ${HOSTILE}`,
      summary: 'the target stopped',
      first: { batch: 2, worker: 0, atMs: 30_000, afterCalls: 300 },
      seen: 2,
    },
  ],
  coverage: [
    {
      code: 0x22e004,
      name: 'REFLECT',
      handle: 'rw',
      calls: 900,
      answers: { '0x00000000': 850, '0xC000000D': 50 },
      deviceType: 0x22,
      function: 0x801,
      method: 'buffered',
      access: 'read-write',
    },
    {
      code: 0x22e004,
      name: 'REFLECT',
      handle: 'r',
      calls: 40,
      answers: { '0xC0000022': 40 },
      deviceType: 0x22,
      function: 0x801,
      method: 'buffered',
      access: 'read-write',
    },
    { code: 0x22e00c, handle: 'rw', calls: 3, answers: { '0xC0000010': 3 }, deviceType: 0x22, function: 0x803, method: 'buffered', access: 'read-write' },
  ],
  warnings: [`retrying ${HOSTILE}`],
  faults: [],
  timings: {},
};

let dir: string;
let browser: Chromium;
const pages: WatchedPage[] = [];

beforeAll(async () => {
  dir = await tempDir('fuzz-html');
  await writeFile(join(dir, 'fuzz.html'), renderFuzzPage(report));
  browser = await startChromium();
  pages.push(await openPage(browser, join(dir, 'fuzz.html')));
}, 120_000);

afterAll(async () => {
  await expectQuietPagesAndClose(browser, pages);
});

describe('fuzz.html', () => {
  it('opens on the verdict, the seed and how to replay it', async () => {
    const { page } = pages[0]!;
    expect(await page.locator('header h1').textContent()).toBe('lab fuzz: echo on wine findings');
    const meta = (await page.locator('header .meta').allTextContents()).join('\n');
    expect(meta).toMatch(/seed 7 · budget 30 s · 5,221 calls in 30\.5 s \(171\/s\) · 40 batches · 2176 codes called, 1 \(code, handle\) answering · 1 finding/);
    expect(meta).toMatch(/lab fuzz suites\/echo\.yaml --seed 7 --replay/);
  });

  it('shows each finding with its minimized case, how it was shrunk, and its evidence as text', async () => {
    const { page } = pages[0]!;
    const f = page.locator('#F1');
    expect(await f.locator('h3').textContent()).toBe('F1 crash at original-demo.sys+0x1a29');
    expect(await f.locator('pre').first().textContent()).toContain('outLength: 20417');
    expect(await f.locator('li').allTextContents()).toEqual(['the call alone shows it', 'outLength of call 1: 65536 → 20417']);
    expect(await f.textContent()).toContain(HOSTILE);
    expect(await page.locator('#unreproduced').textContent()).toContain(`no result within 5000 ms ${HOSTILE}`);
    expect(await page.locator('#unreproduced h2').allTextContents()).toEqual([
      'Seen once, not reproduced (1)',
      'The target stopped in its own code, not in the driver (1)',
    ]);
    expect(await page.locator('#unreproduced').textContent()).toContain(`its own assertion ${HOSTILE}`);
  });

  it('lists the attack surface: the (code, handle) pairs the driver answered more than "not handled", with status names', async () => {
    const { page } = pages[0]!;
    // REFLECT on the read-only handle was refused by the I/O manager, and 0x0022E00C is not handled.
    const rows = page.locator('#coverage > table tbody tr');
    expect(await rows.count()).toBe(1);
    const first = await rows.first().locator('td').allTextContents();
    expect(first.slice(0, 7)).toEqual(['0x0022E004', 'REFLECT', '0x0022', '0x801', 'buffered', 'read-write', 'rw']);
    expect(first[8]).toContain('0x00000000 (STATUS_SUCCESS) ×850');
    expect(first[8]).toContain('0xC000000D (STATUS_INVALID_PARAMETER) ×50');
  });

  it('runs nothing a driver printed', async () => {
    const { page } = pages[0]!;
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img, svg').count()).toBe(0);
  });
});
