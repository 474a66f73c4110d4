/**
 * One case cannot poison the next, under real Wine: what a case does to the driver (unloading it, deleting
 * its log file) does not leak into the cases after it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import type { StepOutcome } from '../../lab/guest/result.js';
import { build } from '../testing/guest-in-wine.js';
import { BUILD, built, eventsOf, OBJDEV, RUNNER, runGuest } from './testing/guest-run.js';

/** A step's Win32 error (a `par` step has none of its own). */
const errorOf = (s: StepOutcome) => ('error' in s ? s.error : undefined);

const HEADER = 'lab-plan 1\ndevice \\\\.\\object_device\ndriver objdev C:\\lab\\objdev.sys\nlog C:\\objdev.log\n';
const REFLECT = (text: string) => `ioctl 0 0x0022E004 ${text.length} 0 x:${Buffer.from(text).toString('hex')}`;
const EXEC = (commandLine: string) => `exec 20000 ${Buffer.from(commandLine).toString('hex')}`;

const VANISHING = join(BUILD, 'fixtures', 'deletes-its-device.sys');
const CRASHING = join(BUILD, 'mutants', 'crash-on-length.sys');
const PING = 'ioctl 0 0x00222000 0 4 -';
const VANISH = 'ioctl 0 0x00222004 0 0 -';
const VANISHING_HEADER = 'lab-plan 1\ndevice \\\\.\\lab_vanishing\ndriver vanishing C:\\lab\\deletes-its-device.sys\n';

let prefix: FreshPrefix;

beforeAll(async () => {
  // The fixture and the mutant are not part of the default build: make them (flock'd, incremental).
  await build(['driver', 'guest', 'fixtures', 'mutants']);
  await built(RUNNER, OBJDEV, VANISHING, CRASHING);
  prefix = await freshPrefix();
}, 120_000);

afterAll(async () => {
  await prefix?.dispose();
});

describe('the driver log', () => {
  it('is sliced from the new file after a case unloads the driver, deletes its log and loads it again', async () => {
    const plan = [
      HEADER,
      `case 0 before\nopen 0 rw\n${REFLECT('first')}\nend`,
      `case 1 new-log\nunload objdev\n${EXEC('cmd.exe /c del C:\\objdev.log')}\nload objdev\nopen 0 rw\n${REFLECT('second')}\nend`,
      `case 2 after\nopen 0 rw\n${REFLECT('third')}\nend\n`,
    ].join('\n');
    const run = await runGuest(prefix, plan);
    expect(run.exitCode).toBe(0);
    const cases = eventsOf(run, 'case');
    expect(cases[1]?.steps.map(errorOf)).toEqual([0, 0, 0, 0, 0]);
    // The file the driver made again: its DriverEntry line, a line per REFLECT after it, the final unload.
    const log = await readFile(join(prefix.driveC, 'objdev.log'), 'latin1');
    const lines = log.trimEnd().split('\n');
    expect(lines.map((l) => /^objdev: (\w+)/.exec(l)?.[1])).toEqual(['DriverEntry', 'IOCTL', 'IOCTL', 'unload']);
    expect(lines[2]).toMatch(/REFLECT in=5 /);
    const [from, to] = cases[2]?.log ?? [-1, -1];
    expect(log.slice(from, to)).toBe(`${lines[2]}\n`);
    expect(log.slice(...(cases[1]?.log ?? [0, 0])).startsWith('objdev:')).toBe(false); // began in the old file
  }, 60_000);
});

describe('a case that leaves the device gone', () => {
  it('is followed by a case on a fresh load of the driver, and the case line says why', async () => {
    const plan = [
      VANISHING_HEADER,
      `case 0 vanish\nopen 0 rw required\n${PING}\n${VANISH}\nend`,
      `case 1 after-vanish\nopen 0 rw required\n${PING}\nend`,
      `case 2 untouched\nopen 0 rw required\n${PING}\nend`,
      `case 3 asks-for-a-fresh-load fresh\nopen 0 rw required\n${PING}\nend\n`,
    ].join('\n');
    const run = await runGuest(prefix, plan, { files: { 'deletes-its-device.sys': await readFile(VANISHING) } });
    expect(run.exitCode).toBe(0);
    const cases = eventsOf(run, 'case');
    // Wine completes the request whose device went away during it with STATUS_FILE_DELETED (5); Windows
    // would return the driver's success. Either way the device is gone afterwards.
    expect(cases[0]?.steps[2]).toMatchObject({ error: 5, status: 0xc0000123 });
    expect(cases.slice(1).map((c) => c.steps.map(errorOf))).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(cases.map((c) => c.fresh)).toEqual([
      undefined,
      { why: 'device-gone', open: 2, after: 'vanish', error: 0, message: expect.any(String), elapsedUs: expect.any(Number) },
      undefined,
      { why: 'asked', open: null, after: null, error: 0, message: expect.any(String), elapsedUs: expect.any(Number) },
    ]);
    // Loaded once at the start, then again for cases 1 and 3: three DriverEntry lines, in that order.
    const loads = run.stderr.split('\n').filter((l) => l.includes('vanishing: DriverEntry')).length;
    expect(loads).toBe(3);
  }, 60_000);
});

describe('a required open that fails', () => {
  it('ends its case: the steps after it are not run, and the case line names the open', async () => {
    const plan = [
      HEADER,
      `case 0 unload-then-open\nunload objdev\nopen 0 rw required\n${REFLECT('never')}\nsleep 1\nend`,
      `case 1 next\nopen 0 rw required\n${REFLECT('runs')}\nend`,
      'case 2 optional-open-fails-and-goes-on\nopen 0 rw\nunload objdev\nopen 1 rw\nsleep 1\nend\n',
    ].join('\n');
    const run = await runGuest(prefix, plan);
    expect(run.exitCode).toBe(0);
    const [first, second, third] = eventsOf(run, 'case');
    expect(first?.steps).toEqual([expect.objectContaining({ kind: 'unload', error: 0 }), { kind: 'open', error: 2, status: 0xc0000034 }]);
    expect(first?.stopped).toBe(1);
    // The case after it starts on a fresh load.
    expect(second?.fresh).toMatchObject({ why: 'device-gone', open: 2, after: 'unload-then-open', error: 0 });
    expect(second?.steps.map(errorOf)).toEqual([0, 0]);
    expect(second?.stopped).toBeUndefined();
    expect(third?.steps.map(errorOf)).toEqual([0, 0, 2, 0]);
    expect(third?.stopped).toBeUndefined();
  }, 60_000);

  it('is refused inside par, where a failed open is counted, not the end of the case', async () => {
    const run = await runGuest(prefix, `${HEADER}case 0 par\npar 2 1\nopen 1 rw required\nendpar\nend\n`);
    expect(eventsOf(run, 'case-error')).toEqual([{ t: 'case-error', index: 0, id: 'par', error: "'required' is not allowed inside par", line: 7 }]);
  }, 60_000);
});

describe('a fresh load', () => {
  it("that fails runs none of the case's steps and says why; the next case tries again", async () => {
    const plan = [
      HEADER,
      `case 0 remove-the-image\nunload objdev\n${EXEC('cmd.exe /c del C:\\lab\\objdev.sys')}\nend`,
      `case 1 cannot-load\nopen 0 rw required\n${REFLECT('never')}\nend`,
      `case 2 still-cannot fresh\nopen 0 rw required\nend\n`,
    ].join('\n');
    const run = await runGuest(prefix, plan);
    expect(run.exitCode).toBe(0);
    const [, second, third] = eventsOf(run, 'case');
    // Wine 8 answers a missing image with 1114 (Windows: 2).
    expect(second).toMatchObject({ fresh: { why: 'device-gone', open: 2, error: 1114 }, steps: [] });
    expect(third).toMatchObject({ fresh: { why: 'asked', open: null, error: 1114 }, steps: [] });
  }, 60_000);

  // Moved here from the mutants' own Wine sessions (every mutant now runs once, in lab/e2e/mutants.e2e.test.ts):
  // the crash-on-length mutant is only the driver whose host dies.
  it('after the driver host crashed: tried for the next case, which Wine 8 refuses (StartService 6), so it runs no step', async () => {
    const plan = [
      HEADER.replace('C:\\lab\\objdev.sys', 'C:\\lab\\crash-on-length.sys'),
      `case 0 fine\nopen 0 rw required\n${REFLECT('Z'.repeat(665))}\nend`,
      `case 1 crash\nopen 0 rw required\n${REFLECT('Z'.repeat(666))}\nend`,
      'case 2 after\nopen 0 rw required\nend\n',
    ].join('\n');
    const run = await runGuest(prefix, plan, { files: { 'crash-on-length.sys': await readFile(CRASHING) } });
    const cases = eventsOf(run, 'case');
    expect(cases[0]?.steps.map(errorOf)).toEqual([0, 0]);
    expect(cases[1]?.steps.map(errorOf)).toEqual([0, 5]);
    expect(run.stderr).toMatch(/wine: Unhandled page fault on write access to 0000000000000000/);
    // The device went with the host (open 3): the runner tries the next case on a fresh load and says so.
    // Wine 8 cannot start the driver again after its host crashed (StartService 6, for the rest of the
    // session), so that case runs no step: lab's Wine target reverts to a clean prefix after a crash instead.
    expect(cases[2]).toMatchObject({ fresh: { why: 'device-gone', open: 3, error: 6 }, steps: [] });
  }, 60_000);

  it("needs the header's driver line: without one, `fresh` is a case error", async () => {
    const run = await runGuest(prefix, 'lab-plan 1\ndevice \\\\.\\object_device\ncase 0 alone fresh\nsleep 0\nend\n');
    expect(eventsOf(run, 'case-error')).toEqual([
      { t: 'case-error', index: 0, id: 'alone', error: "'fresh' needs the header's 'driver' line (it names the image to load again)", line: 3 },
    ]);
  }, 60_000);
});

describe('exec steps', () => {
  it("start in the header's workdir, the folder the files were deployed to", async () => {
    const run = await runGuest(prefix, `lab-plan 1\ndevice \\\\.\\object_device\nworkdir C:\\lab\ncase 0 where\n${EXEC('cmd.exe /c cd')}\nend\n`);
    const [where] = eventsOf(run, 'case');
    const out = where?.steps[0];
    expect(out?.kind).toBe('exec');
    expect(
      Buffer.from(out?.kind === 'exec' ? out.output : [])
        .toString()
        .trim(),
    ).toBe('C:\\lab');
  }, 60_000);
});
