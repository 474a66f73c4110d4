/**
 * Verdicts a gate can trust on drivers lab has never seen: the test drivers of driver/fixtures/ run through
 * the real CLI under real Wine, each case's exact status, blame and message asserted. The driver host's end
 * is known as a fact (lab-monitor), never from text; long DbgPrint lines do not kill it; a gap of Wine is
 * inconclusive, never a failure; a driver that does not load says why.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../driver/testing/guest-in-wine.js';
import type { RunReport } from '../report/run-report.js';
import type { CaseResult } from '../verdict/case-result.js';
import { BUILD, lab, readReport } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

const RUN_ON = 'run this case on a Windows target (`kind: ssh` or `kind: hyperv` in infra/targets.yaml).';
let dir: string;

beforeAll(async () => {
  await build(['all', 'fixtures']);
  dir = await tempDir('verdicts');
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A suite for one fixture driver (its device and IOCTLs are in driver/fixtures/fixture-device.h), run as a user would. */
async function runFixture(
  image: string,
  cases: string,
): Promise<{ report: RunReport; exitCode: number | undefined; stdout: string; byName: Record<string, CaseResult>; out: string }> {
  // A suite name holds at most 64 characters: the path's end, which names the image (a long temporary folder does not).
  const name = image.replace(/\W+/g, '-').replace(/^-|-$/g, '').slice(-64).replace(/^-/, '');
  const suite = join(dir, `${name}.yaml`);
  await writeFile(
    suite,
    `suite: ${name}
driver:
  image: ${image}
  service: labfixture
  device: '\\\\.\\lab_fixture'
ioctls:
  ONE: { function: 0x801, method: buffered, access: any }
  TWO: { function: 0x802, method: buffered, access: any }
  NEITHER: { function: 0x800, method: neither, access: any }
defaults: { timeoutMs: 10000 }
cases:
${cases}
`,
  );
  const out = join(dir, name);
  const result = await lab(['run', suite, '--out', out]);
  const report = await readReport(out);
  return { report, exitCode: result.exitCode, stdout: result.stdout, out, byName: Object.fromEntries(report.cases.map((c) => [c.name, c])) };
}

const fixture = (name: string) => join(BUILD, 'fixtures', name);
const debugText = (c: CaseResult | undefined) => (c?.log?.debug ?? []).map((l) => l.split('\t').slice(2).join('\t'));

describe('DbgPrint as Windows shows it', () => {
  it('a 2,000-character line is shown cut at 512 bytes, marked, and the driver lives on', async () => {
    const { byName, exitCode } = await runFixture(
      fixture('long-dbgprint.sys'),
      '  - { name: long line, steps: [{ ioctl: ONE, expect: { error: 0 } }] }\n  - { name: pieces, steps: [{ ioctl: TWO, expect: { error: 0 } }] }',
    );
    expect(exitCode).toBe(0);
    const long = byName['long line']!;
    expect([long.status, long.blame, long.message]).toEqual(['passed', undefined, undefined]);
    const shown = 'abcdefghijklmnopqrstuvwxyz'.repeat(20).slice(0, 512);
    expect(debugText(long).slice(1, 3)).toEqual([
      `${shown} [cut at 512 bytes, as Windows cuts a DbgPrint: it printed over 1023 bytes]`,
      'long-dbgprint: still here',
    ]);
    // Calls without a trailing newline are one line, as DbgView joins them.
    expect(debugText(byName.pieces).slice(1, 2)).toEqual(['long-dbgprint: one line in three calls']);
    expect(byName.pieces!.status).toBe('passed');
  }, 300_000);

  it("Wine's crash line printed by a driver is text, not a crash", async () => {
    const { byName, exitCode, report } = await runFixture(
      fixture('fake-crash-line.sys'),
      '  - { name: prints, steps: [{ ioctl: ONE, expect: { error: 0 } }] }\n  - { name: after, steps: [{ ioctl: ONE, expect: { error: 0 } }] }',
    );
    expect(exitCode).toBe(0);
    expect(report.summary).toMatchObject({ passed: 2, crashed: 0 });
    expect(debugText(byName.prints).slice(1, 3)).toEqual([
      'fake-crash-line: here it comes',
      'wine: Unhandled page fault on write access to 0000000000000000 at address 0000000140001000 (thread 0024), starting debugger...',
    ]);
  }, 300_000);
});

describe("the driver host's end, known as a fact", () => {
  it('a driver that terminates its host, or fails fast (abort): crashed, with where it happened, for the time it took', async () => {
    const { byName, exitCode, report } = await runFixture(
      fixture('ends-host.sys'),
      '  - { name: terminate, steps: [{ ioctl: ONE, expect: { error: 0 } }] }\n  - { name: fast fail, steps: [{ ioctl: TWO, expect: { error: 0 } }] }',
    );
    expect(exitCode).toBe(1);
    const terminate = byName.terminate!;
    expect([terminate.status, terminate.blame, terminate.message]).toEqual([
      'crashed',
      'product',
      'the driver crashed during this case: the driver host ended itself (NtTerminateProcess, exit status 0x4c414201), called from ends-host.sys+0x10f0',
    ]);
    expect(terminate.evidence?.backtrace).toMatch(/^ {2}1 {2}ends-host\.sys\+0x10f0 +fixture_ioctl {2}driver\/fixtures\/ends-host\.c:\d+$/m);
    const fastFail = byName['fast fail']!;
    expect([fastFail.status, fastFail.blame, fastFail.message]).toEqual([
      'crashed',
      'product',
      'the driver crashed during this case: exception 0xc0000409 (stack buffer overrun: __fastfail) at ends-host.sys+0x10af',
    ]);
    // The case's duration is the time it ran until the host ended, not its timeout (10,000 ms).
    for (const c of [terminate, fastFail]) expect(c.durationMs).toBeLessThan(10_000);
    expect(report.warnings).toEqual([]);
  }, 300_000);

  it('KeBugCheckEx: crashed, named as the bugcheck it is', async () => {
    const { byName, exitCode } = await runFixture(fixture('bugcheck.sys'), '  - { name: bugcheck, steps: [{ ioctl: ONE, expect: { error: 0 } }] }');
    expect(exitCode).toBe(1);
    const c = byName.bugcheck!;
    expect([c.status, c.blame, c.message]).toEqual([
      'crashed',
      'product',
      'the driver crashed during this case: KeBugCheckEx(0xE2, 0x1, 0x2, 0x3, 0x4): the driver stopped the machine (a bugcheck on Windows)',
    ]);
    expect(c.evidence?.backtrace).toMatch(
      /ntoskrnl\.exe\+0x[0-9a-f]+ +KeBugCheckEx\+0x[0-9a-f]+\n +\d+ {2}bugcheck\.sys\+0x[0-9a-f]+ +fixture_ioctl {2}driver\/fixtures\/bugcheck\.c:\d+/,
    );
  }, 300_000);
});

describe('a gap of the target is not a failure of the driver', () => {
  it('a call to a function Wine does not implement: inconclusive, blamed on the target, never crashed', async () => {
    const image = fixture('stub-export.sys');
    const { byName, exitCode, report, stdout, out } = await runFixture(image, '  - { name: pool2, steps: [{ ioctl: ONE, expect: { error: 0 } }] }');
    const c = byName.pool2!;
    expect([c.status, c.blame, c.message]).toEqual([
      'inconclusive',
      'target',
      `inconclusive on wine: the driver called ntoskrnl.exe.ExAllocatePool2, which wine does not implement (Wine 8 has no ExAllocatePool2 (the Windows 10 2004 pool API): its loader binds the import to a stub that ends the driver host when called). What it did next says nothing about the driver; ${RUN_ON}`,
    ]);
    expect(c.targetGap?.was.status).toBe('crashed');
    expect(report.summary).toMatchObject({ total: 1, inconclusive: 1, crashed: 0, failed: 0 });
    // Nothing was judged: not a pass.
    expect(exitCode).toBe(3);
    expect(report.warnings).toEqual([
      `${image} imports functions wine does not export (checked against C:\\windows\\system32 and system32\\drivers of the Wine prefix): ntoskrnl.exe!ExAllocatePool2. wine loads it anyway; a case that calls one of them ends the driver host and is inconclusive there.`,
    ]);
    expect(stdout).toContain('Cases wine could not judge (inconclusive: a gap of the target, not a failure of the driver):');
    const junit = new XMLParser({ ignoreAttributes: false }).parse(await readFile(join(out, 'junit.xml'), 'utf8'));
    expect(junit.testsuites.testsuite['@_skipped']).toBe('1');
    expect(junit.testsuites.testsuite.testcase.skipped['@_message']).toMatch(
      /^inconclusive \(target\): inconclusive on wine: the driver called ntoskrnl\.exe\.ExAllocatePool2/,
    );
  }, 300_000);

  it('mapping an MDL for METHOD_NEITHER: inconclusive, naming MmMapLockedPagesSpecifyCache', async () => {
    const { byName } = await runFixture(
      fixture('mdl-neither.sys'),
      '  - { name: neither, steps: [{ ioctl: NEITHER, input: { text: hello }, expect: { error: 0 } }] }',
    );
    const c = byName.neither!;
    expect([c.status, c.blame, c.message]).toEqual([
      'inconclusive',
      'target',
      `inconclusive on wine: the driver called MmMapLockedPagesSpecifyCache, which wine does not implement (Wine 8 maps no MDL: MmMapLockedPagesSpecifyCache (and MmGetSystemAddressForMdlSafe over it) returns NULL, so a driver that maps a caller's buffer (METHOD_NEITHER, direct I/O) fails with STATUS_INSUFFICIENT_RESOURCES). What it did next says nothing about the driver; ${RUN_ON}`,
    ]);
    expect(c.targetGap?.was).toEqual({
      status: 'failed',
      blame: 'product',
      message: 'step 1 NEITHER: expected error 0 (ERROR_SUCCESS), got 1450 (ERROR_NO_SYSTEM_RESOURCES), status 0xC000009A (STATUS_INSUFFICIENT_RESOURCES)',
    });
  }, 300_000);
});

describe('why a driver does not load', () => {
  const any = '  - { name: any, steps: [{ ioctl: ONE, expect: { error: 0 } }] }';

  // Refused before loading, every case inconclusive on the target, and nothing judged: exit 3.
  const refused: Array<[string, string, (image: string) => string]> = [
    [
      'a KMDF driver: named as such',
      'kmdf-import.sys',
      (image) =>
        `${image} is a KMDF driver (it imports WdfVersionBind from wdfldr.sys); wine has no KMDF (no wdfldr.sys or Wdf01000.sys), so it cannot load it. Run it on a Windows target (\`kind: ssh\` or \`kind: hyperv\` in infra/targets.yaml).`,
    ],
    [
      'a 32-bit image on the x64 target',
      'x86-image.sys',
      (image) =>
        `${image} is built for x86 (32-bit); the wine target runs x64 drivers only, so it cannot load it. Run it on a Windows target of its machine (\`kind: ssh\` or \`kind: hyperv\` in infra/targets.yaml), or build it for x64.`,
    ],
  ];
  for (const [what, name, message] of refused) {
    it(`${what}: before loading, inconclusive on the target`, async () => {
      const image = fixture(name);
      const { byName, exitCode } = await runFixture(image, any);
      expect(exitCode).toBe(3);
      expect([byName.any!.status, byName.any!.blame, byName.any!.message]).toEqual(['inconclusive', 'target', message(image)]);
    }, 300_000);
  }

  it('a file that is not a PE image', async () => {
    const image = join(dir, 'not-a-driver.sys');
    await writeFile(image, 'this is the release notes file, not a driver\n');
    const { byName, exitCode } = await runFixture(image, any);
    expect(exitCode).toBe(1);
    expect([byName.any!.status, byName.any!.blame, byName.any!.message]).toEqual([
      'error',
      'test',
      `${image} is not a Windows driver: it does not start with the MZ header of a Windows executable. Fix: point driver.image (or --driver) at the .sys your build makes.`,
    ]);
  }, 300_000);

  it("DriverEntry failing: its NTSTATUS by name, with the load's debug lines", async () => {
    const { byName, exitCode } = await runFixture(fixture('entry-status.sys'), any);
    expect(exitCode).toBe(1);
    const c = byName.any!;
    expect([c.status, c.blame, c.message]).toEqual([
      'error',
      'product',
      'not run: the driver did not load: DriverEntry returned 0xC0000182 (STATUS_DEVICE_CONFIGURATION_ERROR) (StartService failed with 87 (ERROR_INVALID_PARAMETER) (Invalid parameter.))',
    ]);
    expect(debugText(c)).toContain('entry-status: no configuration for this device, refusing to load');
  }, 300_000);

  it('a crash inside DriverEntry: with its backtrace, frames named from the debug information', async () => {
    const { byName, exitCode } = await runFixture(fixture('entry-crash.sys'), any);
    expect(exitCode).toBe(1);
    const c = byName.any!;
    expect([c.status, c.blame, c.message]).toEqual([
      'error',
      'product',
      'not run: the driver crashed while loading (in DriverEntry): page fault on write access to 0x0 at entry-crash.sys+0x10a0',
    ]);
    expect(c.evidence?.backtrace).toMatch(
      /^ {2}0 {2}entry-crash\.sys\+0x10a0 +read_config {2}driver\/fixtures\/entry-crash\.c:\d+\n {2}1 {2}entry-crash\.sys\+0x[0-9a-f]+ +DriverEntry {2}driver\/fixtures\/entry-crash\.c:\d+$/m,
    );
    expect(debugText(c)).toContain('entry-crash: reading the configuration');
  }, 300_000);
});
