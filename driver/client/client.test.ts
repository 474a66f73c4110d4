/**
 * objdev-echo.exe, the seed-style client, under Wine (started by the guest runner's exec step, which
 * captures its stdout and stderr): its output, its message argument, and that each failing call is named
 * with its Win32 error and a distinct exit code. Three sessions: no driver, objdev.sys, and the
 * missing-break mutant (whose READ fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecOutcome } from '../../lab/guest/result.js';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import { build, outcome, runGuest, stage, step, type GuestRun } from '../testing/guest-in-wine.js';

const client = 'C:\\lab\\objdev-echo.exe';
const tooLong = 'x'.repeat(1100);

describe('objdev-echo.exe', () => {
  const prefixes: FreshPrefix[] = [];
  let noDriver: GuestRun;
  let correct: GuestRun;
  let readFails: GuestRun;

  const exec = (run: GuestRun, index: number) => {
    const o = outcome(run, index);
    if (o?.kind !== 'exec') throw new Error(`case ${index} has no exec outcome: ${run.stdout}`);
    return { exit: (o as ExecOutcome).exitCode, text: Buffer.from(o.output).toString('latin1') };
  };

  beforeAll(async () => {
    await build(['driver', 'client', 'guest', 'mutants']);
    const session = async (image: string | undefined, commandLines: string[]) => {
      const prefix = await freshPrefix();
      prefixes.push(prefix);
      await stage(prefix.driveC, ['objdev-echo.exe', ...(image ? [image] : [])]);
      return runGuest(
        prefix,
        commandLines.map((c) => [step.exec(c)]),
        image ? { image: image.split('/').pop()! } : {},
      );
    };
    [noDriver, correct, readFails] = await Promise.all([
      session(undefined, [client]),
      session('objdev.sys', [client, `${client} "lab test"`, `${client} ${tooLong}`]),
      session('mutants/missing-break.sys', [client]),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(prefixes.map((p) => p.dispose()));
  });

  it('exits 0 and prints the seed output for the default message, "\\n" line ends', () => {
    expect(exec(correct, 0)).toEqual({ exit: 0, text: 'get content:hello,world\nlength: 11\n' });
  });

  it('sends its argument (strlen bytes) and prints what came back', () => {
    expect(exec(correct, 1)).toEqual({ exit: 0, text: 'get content:lab test\nlength: 8\n' });
  });

  it('without the driver: exit 2, names CreateFile and error 2 with its text', () => {
    const { exit, text } = exec(noDriver, 0);
    expect(exit).toBe(2);
    expect(text).toMatch(/^objdev-echo: CreateFile \\\\\.\\object_device failed: error 2: \S.*\n$/);
  });

  it('a message over 1024 bytes: exit 3, names DeviceIoControl REFLECT and error 87', () => {
    const { exit, text } = exec(correct, 2);
    expect(exit).toBe(3);
    expect(text).toMatch(/^objdev-echo: DeviceIoControl REFLECT failed: error 87: \S.*\n$/);
  });

  it('a driver whose READ fails: exit 4, names DeviceIoControl READ and error 1', () => {
    const { exit, text } = exec(readFails, 0);
    expect(exit).toBe(4);
    expect(text).toMatch(/^objdev-echo: DeviceIoControl READ failed: error 1: \S.*\n$/);
  });
});
