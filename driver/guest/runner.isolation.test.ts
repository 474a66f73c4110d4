/**
 * One case cannot poison the next, under real Wine: what a case does to the driver (unloading it, deleting
 * its log file) does not leak into the cases after it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import { built, eventsOf, OBJDEV, RUNNER, runGuest } from './testing/guest-run.js';

const HEADER = 'lab-plan 1\ndevice \\\\.\\object_device\ndriver objdev C:\\lab\\objdev.sys\nlog C:\\objdev.log\n';
const REFLECT = (text: string) => `ioctl 0 0x0022E004 ${text.length} 0 x:${Buffer.from(text).toString('hex')}`;
const EXEC = (commandLine: string) => `exec 20000 ${Buffer.from(commandLine).toString('hex')}`;

let prefix: FreshPrefix;

beforeAll(async () => {
  await built(RUNNER, OBJDEV);
  prefix = await freshPrefix();
}, 120_000);

afterAll(async () => {
  await prefix?.dispose();
});

describe('the driver log', () => {
  it('is sliced from the new file after a case unloads the driver, deletes its log and loads it again', async () => {
    const plan = [
      HEADER,
      'case 0 before\nopen 0 rw\n' + REFLECT('first') + '\nend',
      'case 1 new-log\nunload objdev\n' + EXEC('cmd.exe /c del C:\\objdev.log') + '\nload objdev\nopen 0 rw\n' + REFLECT('second') + '\nend',
      'case 2 after\nopen 0 rw\n' + REFLECT('third') + '\nend\n',
    ].join('\n');
    const run = await runGuest(prefix, plan);
    expect(run.exitCode).toBe(0);
    const cases = eventsOf(run, 'case');
    expect(cases[1]?.steps.map((s) => s.error)).toEqual([0, 0, 0, 0, 0]);
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
