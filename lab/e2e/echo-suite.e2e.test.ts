import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import { lab, notPassed, readReport } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

/**
 * `lab run suites/echo.yaml` under real Wine, with the real driver, exactly as the README says. The suite
 * against the mutants is in mutants.e2e.test.ts (one `lab mutate` run for every mutant test).
 */
describe('lab run suites/echo.yaml on the project driver', () => {
  let out: string;
  let report: RunReport;
  let exitCode: number | undefined;
  let stdout: string;

  beforeAll(async () => {
    out = join(await tempDir('e2e'), 'run');
    const result = await lab(['run', 'suites/echo.yaml', '--out', out]);
    exitCode = result.exitCode;
    stdout = result.stdout;
    report = await readReport(out);
  }, 300_000);

  it('passes every case and exits 0', () => {
    expect(notPassed(report)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.status).toBe('passed');
    expect(report.summary.total).toBeGreaterThanOrEqual(40);
    expect(stdout).toMatch(/echo on wine: PASSED: \d+ cases: \d+ passed/);
  });

  it('covers the boundaries: REFLECT of 0, 1023, 1024, 1025 bytes and READ into 1023, 1024, 65536 bytes', () => {
    const steps = report.cases.flatMap((c) => c.steps);
    const reflects = new Set(steps.filter((s) => s.ioctlName === 'REFLECT').map((s) => s.inLength));
    const reads = new Set(steps.filter((s) => s.ioctlName === 'READ').map((s) => s.outLength));
    for (const n of [0, 1023, 1024, 1025]) expect(reflects).toContain(n);
    for (const n of [1023, 1024, 65536]) expect(reads).toContain(n);
    const rejected = steps.find((s) => s.ioctlName === 'REFLECT' && s.inLength === 1025);
    expect(rejected).toMatchObject({ error: 87, bytesReturned: 0, ok: true });
  });

  it('begins with the seed exchange and records every step the way report.json promises', () => {
    const seed = report.cases[0]!;
    expect(seed.id).toBe('echo/seed-exchange');
    const [, reflect, read] = seed.steps;
    expect(reflect).toMatchObject({ ioctl: 0x0022e004, inLength: 11, outLength: 0, error: 0, bytesReturned: 0 });
    expect(read).toMatchObject({
      ioctl: 0x0022e008,
      inLength: 0,
      outLength: 1024,
      error: 0,
      bytesReturned: 11,
      output: Buffer.from('hello,world').toString('hex'),
    });
  });

  it('slices the debug stream and the driver log per case', () => {
    const seed = report.cases[0]!;
    expect(seed.log?.debug.join('\n')).toMatch(/\[\d+\] lab: case-begin 0 echo\/seed-exchange\n.*objdev: .*REFLECT.*\n.*objdev: .*READ.*\n.*lab: case-end 0/);
    expect(seed.log?.driverLog).toHaveLength(2);
    expect(seed.log?.driverLog[0]).toMatch(/^objdev: .*REFLECT/);
  });

  it('writes junit.xml with one testcase per case, summary.md, report.html and the whole DbgView log', async () => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(out, 'junit.xml'), 'utf8'));
    const cases = xml.testsuites.testsuite.testcase as Array<Record<string, string>>;
    expect(cases).toHaveLength(report.summary.total);
    expect(cases[0]!['@_name']).toBe('echo/seed-exchange');
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toMatch(/## lab: `echo` on `wine`: passed/);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/<script type="application\/json" id="lab-data">/);
    expect(await readFile(join(out, 'dbgview.log'), 'utf8')).toMatch(/^1\t\d\d:\d\d:\d\d\.\d{3}\tobjdev: DriverEntry/);
  });
});
