/**
 * `lab run suites/xfer.yaml` under real Wine, with the real xfer.sys, as the README says: the second
 * example passes, every feature of the suite language for real drivers runs, and the cases Wine cannot
 * run are marked: inconclusive where the driver calls what Wine only stubs, skipped with the reason where
 * Wine answers in the driver's place. `lab list --json` shows the resolved steps with every default.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import type { CaseResult } from '../verdict/case-result.js';
import { lab, notPassed, readReport, ROOT } from './run-lab.js';

let dir: string;
let report: RunReport;
let exitCode: number | undefined;
let stdout: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-e2e-xfer-'));
  const result = await lab(['run', 'suites/xfer.yaml', '--out', join(dir, 'run')]);
  exitCode = result.exitCode;
  stdout = result.stdout;
  report = await readReport(join(dir, 'run'));
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const byId = (id: string): CaseResult => {
  const found = report.cases.find((c) => c.id === id);
  if (!found) throw new Error(`no case ${id}`);
  return found;
};

describe('lab run suites/xfer.yaml on xfer.sys under Wine', () => {
  it('passes what Wine can run and exits 0', () => {
    expect(notPassed(report).filter((id) => !['skipped', 'inconclusive'].includes(byId(id).status))).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.status).toBe('passed');
    expect(stdout).toMatch(/xfer on wine: PASSED: \d+ cases: \d+ passed, \d+ inconclusive, \d+ skipped/);
  });

  it('marks every case Wine cannot run as skipped on wine, saying why', () => {
    const skipped = report.cases.filter((c) => c.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    for (const c of skipped) expect(c.message, c.id).toMatch(/Wine/);
    // Conditioned on matrix values: only the open dispositions Wine does not pass to the driver are skipped.
    expect(byId('xfer/the-device-is-opened-never-created[disposition=open-always]').status).toBe('passed');
    expect(byId('xfer/the-device-is-opened-never-created[disposition=create-new]').status).toBe('skipped');
  });

  it('reports METHOD_NEITHER with bytes inconclusive on Wine, blaming the target; without bytes it passes', () => {
    expect(byId('xfer/reverse[len=0]').status).toBe('passed');
    for (const len of [4, 8, 64]) {
      const c = byId(`xfer/reverse[len=${len}]`);
      expect(c).toMatchObject({ status: 'inconclusive', blame: 'target' });
      expect(c.message).toMatch(/MmMapLockedPagesSpecifyCache/);
    }
  });

  it('leaves out the combinations a matrix excludes', () => {
    const tags = report.cases.filter((c) => c.id.startsWith('xfer/tag-fits-or-is-cut')).map((c) => c.id);
    expect(tags).toHaveLength(14);
    expect(tags).not.toContain('xfer/tag-fits-or-is-cut[len=0,cut=16]');
  });

  it('runs every transfer method, fills, ranges, prefixes and min() for real', () => {
    const store = byId('xfer/store-reads-the-output-buffer-fetch-writes-it');
    expect(store.steps.map((s) => [s.kind, s.ioctlName ?? '', s.status, s.bytesReturned, s.output])).toEqual([
      ['open', '', 0, undefined, undefined],
      // The output buffer of METHOD_IN_DIRECT is an input: what comes back is the fill it read.
      ['ioctl', 'STORE', 0, 8, Buffer.from('abcabcab').toString('hex')],
      ['read', '', 0, 12, Buffer.from('key:abcabcab').toString('hex')],
      ['ioctl', 'FETCH', 0x80000005, 8, Buffer.from('key:abca').toString('hex')],
      ['ioctl', 'FETCH', 0, 12, Buffer.from('key:abcabcab').toString('hex')],
    ]);
    const tag = byId('xfer/tag-into-a-64-byte-buffer[len=200]').steps[1]!;
    expect(tag).toMatchObject({
      bytesReturned: 64,
      expected: { bytesReturned: 64, outputPrefix: Buffer.from('xfer:').toString('hex'), outputLength: { min: 5, max: 64 } },
    });
  });

  it('reads and writes at offsets, and a read into a bad buffer fails cleanly', () => {
    const rw = byId('xfer/write-and-read-at-an-offset[at=4091]');
    expect(rw.steps.slice(2).map((s) => [s.kind, s.status, s.bytesReturned])).toEqual([
      ['write', 0, 5],
      ['read', 0, 5],
      ['read', 0xc0000011, 0],
    ]);
    expect(byId('xfer/a-read-into-a-buffer-the-caller-cannot-write[ptr=noAccess]').steps[1]).toMatchObject({ kind: 'read', error: 998, status: 0xc0000005 });
  });

  it('starts requests, waits for them and cancels them', () => {
    const pending = byId('xfer/a-pending-request-completes');
    expect(pending.steps.filter((s) => s.async === 'parked').map((s) => [s.kind, s.status, s.output])).toEqual([
      ['ioctl', 0x103, ''],
      ['wait', 0x103, ''],
      ['wait', 0, Buffer.from('done').toString('hex')],
    ]);
    const cancelled = byId('xfer/a-cancelled-request');
    expect(cancelled.steps.slice(2).map((s) => [s.kind, s.error])).toEqual([
      ['cancel', 0],
      ['wait', 995],
      ['cancel', 1168],
    ]);
  });

  it('deploys files: an upgrade build, a second driver, a program with its DLL and a config file', () => {
    const versions = byId('xfer/an-upgrade-to-a-new-build-and-back')
      .steps.filter((s) => s.kind === 'ioctl')
      .map((s) => s.output);
    expect(versions).toEqual(['01000000', '02000000', '01000000']);
    expect(byId('xfer/a-second-driver-beside-the-first').steps.find((s) => s.ioctlName === 'OBJDEV_READ')?.output).toBe(
      Buffer.from('from the xfer suite').toString('hex'),
    );
    const tool = byId('xfer/the-tool-with-its-dll-a-config-file-and-an-environment').steps[0]!;
    expect(tool).toMatchObject({ kind: 'run', exitCode: 0 });
    expect(tool.stdout).toMatch(/xfer version 1\nXFER_GREETING=hello from lab\n\[xfer\]/);
    expect(byId('xfer/the-tool-in-another-folder').steps[0]?.stdout).toBe('cwd: C:\\windows\n');
    expect(byId('xfer/run-checks-the-exit-code-unless-told-not-to').steps.map((s) => s.exitCode)).toEqual([3, 5]);
  });
});

describe('lab list suites/xfer.yaml --json', () => {
  it("prints each case's resolved steps with every default written out", async () => {
    const r = await lab(['list', 'suites/xfer.yaml', '--json']);
    expect(r.exitCode).toBe(0);
    const listed = JSON.parse(r.stdout) as { files: Array<{ name: string }>; cases: Array<{ id: string; steps: Array<Record<string, unknown>> }> };
    expect(listed.files.map((f) => f.name)).toEqual(['xfer-v2.sys', 'objdev.sys', 'xfer-tool.exe', 'xfer-util.dll', 'xfer.ini']);
    const clear = listed.cases.find((c) => c.id === 'xfer/a-write-past-the-record')!;
    expect(clear.steps[0]).toMatchObject({
      kind: 'open',
      implicit: true,
      access: 'read-write',
      share: ['read', 'write'],
      disposition: 'open-existing',
      overlapped: false,
    });
    expect(clear.steps[1]).toMatchObject({ kind: 'write', handle: 0, offset: 4092, inPointer: 'heap', async: null });
    const objdev = listed.cases.find((c) => c.id === 'xfer/a-second-driver-beside-the-first')!;
    expect(objdev.steps.find((s) => (s.ioctl as { name?: string } | undefined)?.name === 'VERSION')).toMatchObject({
      ioctl: { method: 'buffered', access: 'any' },
      outFill: 'zeros',
    });
    expect(objdev.steps.find((s) => (s.ioctl as { name?: string } | undefined)?.name === 'OBJDEV_REFLECT')).toMatchObject({
      ioctl: { access: 'read-write', deviceType: '0x22' },
    });
  });
});

describe('a suite mistake in a field for real drivers', () => {
  it('stops lab list and lab run with exit 2 at file:line:column, before a target starts', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, "suite: bad\ndriver: { image: x.sys, device: 'd' }\ncases:\n  - name: c\n    steps:\n      - read: 4\n        outPointer: nowhere\n");
    for (const args of [
      ['list', file],
      ['run', file, '--out', join(dir, 'bad-run')],
    ]) {
      const r = await lab(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(
        `${file}:7:21: cases[0].steps[0].outPointer: expected one of heap, null, invalid, kernel, unaligned, readOnly, noAccess, guardPage or a \${...} placeholder, found "nowhere"`,
      );
    }
    expect(ROOT).toBeTruthy();
  });
});
