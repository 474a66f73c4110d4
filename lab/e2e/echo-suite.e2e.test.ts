import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import { BUILD, lab, notPassed, readReport } from './run-lab.js';

/** `lab run suites/echo.yaml` under real Wine, with the real driver, exactly as the README says. */
describe('lab run suites/echo.yaml on the project driver', () => {
  let out: string;
  let report: RunReport;
  let exitCode: number | undefined;
  let stdout: string;

  beforeAll(async () => {
    out = join(await mkdtemp(join(tmpdir(), 'lab-e2e-')), 'run');
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
    expect(read).toMatchObject({ ioctl: 0x0022e008, inLength: 0, outLength: 1024, error: 0, bytesReturned: 11, output: Buffer.from('hello,world').toString('hex') });
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

/** Original-demo defects: the suite must fail exactly the cases each defect touches, and name why. */
describe('lab run against original-demo mutants', () => {
  const run = async (mutant: string) => {
    const out = join(await mkdtemp(join(tmpdir(), `lab-${mutant}-`)), 'run');
    const result = await lab(['run', 'suites/echo.yaml', '--driver', join(BUILD, 'mutants', `${mutant}.sys`), '--out', out, '--reporter', 'json', 'terminal']);
    return { result, report: await readReport(out) };
  };

  it('limit-off-by-one (REFLECT rejects 1023 and 1024 bytes) fails exactly the cases storing 1023 or 1024 bytes', async () => {
    const { result, report } = await run('limit-off-by-one');
    expect(result.exitCode).toBe(1);
    expect(notPassed(report)).toEqual([
      'echo/reflect-length-at-the-buffer-boundary[len=1023]',
      'echo/reflect-length-at-the-buffer-boundary[len=1024]',
      'echo/read-around-the-stored-length[n=1024,delta=-1]',
      'echo/read-around-the-stored-length[n=1024,delta=0]',
      'echo/read-around-the-stored-length[n=1024,delta=1]',
      'echo/payload-round-trip[payload=all-bytes-x4]',
      'echo/payload-round-trip[payload=random-seed-1]',
      'echo/concurrent-reflect-and-read-on-one-handle',
    ]);
    const at1023 = report.cases.find((c) => c.id.endsWith('[len=1023]'))!;
    expect(at1023).toMatchObject({ status: 'failed', blame: 'product' });
    expect(at1023.message).toMatch(/REFLECT: expected error 0 \(ERROR_SUCCESS\), got 87 \(ERROR_INVALID_PARAMETER\)/);
    expect(result.stdout).toMatch(/✗ failed  echo\/reflect-length-at-the-buffer-boundary\[len=1023\]/);
  }, 300_000);

  it('wrong-error-codes (87 for unknown IOCTLs and short READs) fails exactly those cases', async () => {
    const { result, report } = await run('wrong-error-codes');
    expect(result.exitCode).toBe(1);
    expect(notPassed(report)).toEqual([
      'echo/read-around-the-stored-length[n=11,delta=-1]',
      'echo/read-around-the-stored-length[n=1024,delta=-1]',
      'echo/read-with-fixed-output-lengths[out=0]',
      'echo/read-with-fixed-output-lengths[out=1]',
      ...['FUNCTION_800', 'FUNCTION_803', 'REFLECT_AS_NEITHER', 'READ_AS_OUT_DIRECT', 'REFLECT_ANY_ACCESS', 'OTHER_DEVICE_TYPE'].map((c) => `echo/unknown-ioctl[code=${c}]`),
    ]);
    expect(report.cases.find((c) => c.id === 'echo/unknown-ioctl[code=FUNCTION_800]')!.message).toMatch(/expected error 1 \(ERROR_INVALID_FUNCTION\), got 87/);
  }, 300_000);

  it('a driver that crashes on one length: that case is crashed with a backtrace, every other case passes', async () => {
    const { result, report } = await run('crash-on-length');
    expect(result.exitCode).toBe(1);
    expect(notPassed(report)).toEqual(['echo/reflect-length[len=666]']);
    const crashed = report.cases.find((c) => c.status === 'crashed')!;
    expect(crashed.blame).toBe('product');
    expect(crashed.message).toMatch(/^the driver crashed during this case: page fault on write access to 0x0 at crash-on-length\.sys\+0x[0-9a-f]+$/);
    expect(crashed.evidence?.signature).toMatch(/^page fault on write access to 0x0 at crash-on-length\.sys\+0x[0-9a-f]+$/);
    // Named from the debug information the build keeps beside the image.
    expect(crashed.evidence?.backtrace).toMatch(/^ {2}0 {2}crash-on-length\.sys\+0x[0-9a-f]+ +fault_on_length {2}driver\/kernel\/ioctl\.c:\d+$/m);
    expect(crashed.evidence?.lastLines.join('\n')).toMatch(/lab: case-begin \d+ echo\/reflect-length\[len=666\]/);
    // The cases after it ran again on a clean target: each keeps the debug lines of the attempt that counted.
    for (const c of report.cases) expect(c.log?.debug.filter((l) => / lab: case-begin /.test(l))).toHaveLength(1);
    // The time it ran until the host ended, not its timeout (the suite's 10,000 ms).
    expect(crashed.durationMs).toBeLessThan(10_000);
  }, 300_000);

  it('a driver that hangs on one length: that case is hung, every other case passes, the run ends', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'lab-hang-')), 'run');
    const result = await lab(['run', 'suites/echo.yaml', '--driver', join(BUILD, 'mutants', 'hang-on-length.sys'), '--out', out, '--timeout-case', '4000', '--reporter', 'json']);
    const report = await readReport(out);
    expect(result.exitCode).toBe(1);
    expect(notPassed(report)).toEqual(['echo/reflect-length[len=777]']);
    expect(report.cases.find((c) => c.status === 'hung')!.message).toMatch(/no result within 4000 ms/);
  }, 300_000);
});
