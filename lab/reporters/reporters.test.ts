import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptySummary, countStatus, type RunHeader } from '../report/run-report.js';
import type { CaseResult } from '../verdict/case-result.js';
import { anInconclusive, aReport } from '../testing/report-fixtures.js';
import { HtmlReporter } from './html.js';
import { JsonReporter } from './json.js';
import { JunitReporter } from './junit.js';
import { ReporterMultiplexer } from './multiplexer.js';
import type { FinalReport, Reporter } from './reporter.js';
import { SummaryMarkdownReporter } from './summary-markdown.js';
import { TerminalReporter } from './terminal.js';
import { tempDir } from '../testing/temp-dir.js';

const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)> | ]]> \u0001\u001b[31m';

const cases: CaseResult[] = [
  {
    index: 0,
    id: 'echo/ok',
    name: 'ok',
    status: 'passed',
    durationMs: 2,
    steps: [
      {
        index: 0,
        kind: 'ioctl',
        ioctl: 0x22e004,
        ioctlName: 'REFLECT',
        inLength: 11,
        outLength: 0,
        error: 0,
        status: 0,
        bytesReturned: 0,
        elapsedUs: 300,
        output: '',
        ok: true,
      },
    ],
  },
  {
    index: 1,
    id: 'echo/bad',
    name: 'bad',
    status: 'failed',
    blame: 'product',
    durationMs: 3,
    message: `step 1 READ: expected error 0, got 87\n${HOSTILE}`,
    steps: [],
    log: { debug: [`3\t04:00:00.000\tobjdev: ${HOSTILE}`], driverLog: [`objdev: ${HOSTILE}`] },
  },
  {
    index: 2,
    id: 'echo/boom',
    name: 'boom',
    status: 'crashed',
    blame: 'product',
    durationMs: 10,
    message: 'the driver crashed',
    steps: [],
    evidence: { signature: 'wine: Unhandled page fault', backtrace: 'Backtrace:\n=>0 0x1 in x.sys (+0x10)', lastLines: [] },
  },
  { index: 3, id: 'echo/later', name: 'later', status: 'skipped', durationMs: 0, message: 'not on wine', steps: [] },
];

let dir: string;
let report: FinalReport;
beforeAll(async () => {
  dir = await tempDir('reporters');
  const summary = emptySummary();
  for (const c of cases) countStatus(summary, c.status);
  const header: RunHeader = {
    schemaVersion: 1,
    runId: 'r1',
    suite: 'echo',
    suiteFile: 'suites/echo.yaml',
    target: 'wine',
    targetKind: 'wine',
    targetInfo: { wine: 'wine-8.0' },
    status: 'failed',
    startedAt: '2026-11-24T04:00:00.000Z',
    durationMs: 1234,
    driver: { path: 'driver/build/objdev.sys', sha256: 'ab'.repeat(32), signed: true },
    summary,
    timings: { execute: 1000 },
    warnings: [`a warning ${HOSTILE}`],
    lab: { version: '0.1.0', node: 'v20' },
    options: {},
  };
  report = {
    header,
    outDir: dir,
    reportStartedAt: Date.now(),
    cases: async function* () {
      yield* cases;
    },
  };
  for (const r of [new JsonReporter(), new JunitReporter(), new HtmlReporter(), new SummaryMarkdownReporter()]) await r.onEnd(report);
});

describe('report.json', () => {
  it('holds the stable fields and every case in order', async () => {
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'));
    expect(json).toMatchObject({
      schemaVersion: 1,
      suite: 'echo',
      target: 'wine',
      status: 'failed',
      driver: { signed: true },
      summary: { total: 4, passed: 1, failed: 1, crashed: 1, skipped: 1 },
      timings: { execute: 1000 },
    });
    expect(json.cases.map((c: CaseResult) => c.id)).toEqual(cases.map((c) => c.id));
    expect(json.cases[0].steps[0]).toEqual(cases[0]!.steps[0]);
  });
});

describe('junit.xml', () => {
  it('is well-formed XML with one testcase per case and the right element per status', async () => {
    const text = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(text);
    const suite = xml.testsuites.testsuite;
    expect(suite).toMatchObject({ '@_tests': '4', '@_failures': '1', '@_errors': '1', '@_skipped': '1' });
    const [ok, bad, boom, later] = suite.testcase;
    expect(ok.failure).toBeUndefined();
    expect(bad.failure['@_message']).toBe('step 1 READ: expected error 0, got 87');
    expect(bad['system-out']).toContain('objdev: </script>');
    expect(bad['system-out']).toContain('\\x01');
    expect(boom.error['@_type']).toBe('crashed/product');
    expect(boom.error['#text']).toContain('x.sys (+0x10)');
    expect(later.skipped['@_message']).toBe('not on wine');
  });
});

describe('report.html and summary.md', () => {
  it('carry driver output only as data: no markup from it reaches the page', async () => {
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).not.toContain('<img');
    expect(html).toContain('\\u003c/script>\\u003cscript>alert(1)');
  });

  it('summary.md lists what did not pass, driver text as code', async () => {
    const md = await readFile(join(dir, 'summary.md'), 'utf8');
    expect(md).toMatch(/^## lab: `echo` on `wine`: failed/);
    expect(md).toMatch(/\| ✗ failed \| `echo\/bad` \| product \| `step 1 READ: expected error 0, got 87` \|/);
    expect(md).toContain('\\x1b[31m');
    expect(md).not.toContain('\u001b');
  });
});

describe('terminal', () => {
  it('prints lines in CI: one per case that did not pass, then the summary', async () => {
    let out = '';
    const t = new TerminalReporter({ live: false, write: (s) => (out += s) });
    t.onBegin({ runId: 'r1', suite: 'echo', target: 'wine', outDir: dir, total: 4 });
    for (const c of cases) t.onCaseEnd(c);
    await t.onEnd(report);
    expect(out).not.toContain('\r');
    expect(out).toMatch(/✗ failed {2}echo\/bad {2}step 1 READ: expected error 0, got 87/);
    expect(out).toMatch(/echo on wine: FAILED: 4 cases: 1 passed, 1 failed, 1 crashed, 1 skipped/);
  });

  it('never passes a control character from driver or suite text to the terminal: it is shown as an escape', async () => {
    for (const live of [false, true]) {
      let out = '';
      const t = new TerminalReporter({ live, write: (s) => (out += s) });
      t.onBegin({ runId: 'r1', suite: 'echo\u001b]0;title\u0007', target: 'wine', outDir: dir, total: 4 });
      t.onWarning('driver says \u001b[2J\u009b31m');
      t.onCaseBegin({ id: 'echo/\u001b[31mred' } as never);
      for (const c of cases) t.onCaseEnd(c);
      await t.onEnd(report);
      // The live line's own redraw (CR, erase line) is lab's; nothing else may reach the terminal raw.
      const foreign = out.replaceAll('\r\u001b[2K', '');
      expect(foreign).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(foreign).toContain('\\x01\\x1b[31m');
      expect(foreign).toContain('driver says \\x1b[2J\\x9b31m');
      expect(foreign).toContain('echo\\x1b]0;title\\x07');
    }
  });

  it('counts a streak of cases with the same result as "1 more case", not "1 more cases"', () => {
    let out = '';
    const t = new TerminalReporter({ live: false, write: (s) => (out += s) });
    t.onBegin({ runId: 'r1', suite: 'echo', target: 'wine', outDir: dir, total: 2 });
    t.onCaseEnd(cases[1]!);
    t.onCaseEnd({ ...cases[1]!, id: 'echo/bad-too' });
    t.onPhase('report');
    expect(out).toContain('  ... and 1 more case with the same result\n');
  });

  it('names only the report files that were written: not those of reporters left out or broken', async () => {
    let out = '';
    const broken: Reporter = { name: 'junit', writes: 'junit.xml', onEnd: () => Promise.reject(new Error('disk full')) };
    const run = new ReporterMultiplexer([new TerminalReporter({ live: false, write: (s) => (out += s) }), broken, new JsonReporter()], () => {});
    await run.onEnd(report);
    const at = out.split('\n').find((l) => l.startsWith('reports: '));
    // The folder is outside the working folder: its absolute path, not "../../tmp/...".
    expect(at).toBe(`reports: ${dir}/report.json`);
    out = '';
    await new ReporterMultiplexer([new TerminalReporter({ live: false, write: (s) => (out += s) }), new HtmlReporter(), new JsonReporter()], () => {}).onEnd(
      report,
    );
    expect(out.split('\n').find((l) => l.startsWith('reports: '))).toMatch(/\/report\.html \(report\.json\)$/);
  });

  it('names a folder inside the working folder by its relative path', () => {
    let out = '';
    new TerminalReporter({ live: false, write: (s) => (out += s) }).onWritten(['report.json'], { ...report, outDir: join(process.cwd(), 'reports', 'r1') });
    expect(out).toBe(`reports: ${join('reports', 'r1')}/report.json\n`);
  });
});

describe('a case the target could not judge', () => {
  it('is shown apart from the failures: in the terminal, summary.md and junit.xml (skipped, not failed)', async () => {
    const gapDir = await tempDir('reporters-gap');
    const gapCases: CaseResult[] = [cases[0]!, cases[1]!, anInconclusive('echo/neither')];
    const { cases: reportCases, ...header } = aReport(gapCases);
    const gapReport: FinalReport = {
      header,
      outDir: gapDir,
      reportStartedAt: Date.now(),
      cases: async function* () {
        yield* reportCases;
      },
    };
    for (const r of [new JunitReporter(), new SummaryMarkdownReporter()]) await r.onEnd(gapReport);
    let out = '';
    const t = new TerminalReporter({ live: false, write: (s) => (out += s) });
    t.onBegin({ runId: 'r1', suite: 'echo', target: 'wine', outDir: gapDir, total: 3 });
    await t.onEnd(gapReport);
    expect(out).toContain('Cases that did not pass:\n  ✗ echo/bad (failed, product)');
    expect(out).toContain(
      'Cases wine could not judge (inconclusive: a gap of the target, not a failure of the driver):\n  ? echo/neither\n      inconclusive on wine: the driver called MmMapLockedPagesSpecifyCache',
    );
    expect(out).toMatch(/echo on wine: FAILED: 3 cases: 1 passed, 1 failed, 1 inconclusive/);
    const md = await readFile(join(gapDir, 'summary.md'), 'utf8');
    expect(md).toContain('| 3 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |');
    expect(md).toContain(
      '**Inconclusive on `wine`** (a gap of the target, not a failure of the driver):\n\n- `echo/neither`: `MmMapLockedPagesSpecifyCache`; run it on ``a Windows target (`kind: ssh` or `kind: hyperv` in infra/targets.yaml)``',
    );
    expect(md).not.toMatch(/\| \? inconclusive \|/);
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(gapDir, 'junit.xml'), 'utf8'));
    expect(xml.testsuites.testsuite).toMatchObject({ '@_tests': '3', '@_failures': '1', '@_skipped': '1' });
    expect(xml.testsuites.testsuite.testcase[2].skipped['@_message']).toMatch(
      /^inconclusive \(target\): inconclusive on wine: the driver called MmMapLockedPagesSpecifyCache/,
    );
  });
});
