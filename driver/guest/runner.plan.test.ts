/**
 * Plan text under real Wine: what the runner accepts (a byte order mark, CRLF) and the plans it cannot
 * read at all (plan-error, exit 2). Broken cases inside a readable plan are runner.hostile.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import { built, OBJDEV, RUNNER, runGuest } from './testing/guest-run.js';

const DEVICE = 'device \\\\.\\object_device';

let prefix: FreshPrefix;

beforeAll(async () => {
  await built(RUNNER, OBJDEV);
  prefix = await freshPrefix();
}, 120_000);

afterAll(async () => {
  await prefix?.dispose();
});

describe('plan text', () => {
  it('accepts a UTF-8 byte order mark and CRLF line ends', async () => {
    const run = await runGuest(prefix, `\ufefflab-plan 1\r\n${DEVICE}\r\ncase 7 bom\r\nsleep 0\r\nend\r\n`);
    expect(run.exitCode).toBe(0);
    expect(run.events.slice(1)).toEqual([
      { t: 'begin', index: 7, id: 'bom' },
      expect.objectContaining({ t: 'case', index: 7, id: 'bom', steps: [{ kind: 'sleep', error: 0, status: null }] }),
      { t: 'end', cases: 1 },
    ]);
  }, 60_000);
});

describe('markers', () => {
  it('go to stderr as "[pid] lab: case-begin ..." with `markers stderr`, not through OutputDebugString', async () => {
    const run = await runGuest(prefix, `lab-plan 1\n${DEVICE}\nmarkers stderr\ncase 3 quiet\nsleep 0\nend\n`);
    expect(run.exitCode).toBe(0);
    const pid = (run.events[0] as { pid: number }).pid;
    expect(run.stderr).toContain(`[${pid}] lab: case-begin 3 quiet\n[${pid}] lab: case-end 3 quiet`);
    expect(run.stderr).not.toMatch(/OutputDebugStringA "lab: case-begin/);
  }, 60_000);

  it('refuse any other channel', async () => {
    const run = await runGuest(prefix, `lab-plan 1\n${DEVICE}\nmarkers syslog\n`);
    expect(run.exitCode).toBe(2);
    expect(run.events[1]).toMatchObject({ t: 'plan-error', error: "'markers' takes 'debug' or 'stderr'", line: 3 });
  }, 60_000);
});

describe('a plan that cannot be read', () => {
  it.each([
    ['an empty file', '', 'the plan is empty', 1],
    ['a wrong first line', `${DEVICE}\nlab-plan 1\n`, "the first line must be 'lab-plan 1'", 1],
    ['another version', 'lab-plan 2\n', "plan version '2' is not supported", 1],
    ['no device', 'lab-plan 1\ncase 0 a\nend\n', "no 'device' line before the first case", 2],
    ['two device lines', `lab-plan 1\n${DEVICE}\n${DEVICE}\n`, "a second 'device' line", 3],
    ['a driver line without an image', `lab-plan 1\n${DEVICE}\ndriver objdev\n`, "'driver' needs a service name and an image path", 3],
    ['a workdir line without a path', `lab-plan 1\n${DEVICE}\nworkdir\n`, "'workdir' needs a path", 3],
    ['two workdir lines', `lab-plan 1\n${DEVICE}\nworkdir C:\\a\nworkdir C:\\b\n`, "a second 'workdir' line", 4],
  ])(
    '%s: plan-error and exit 2',
    async (_name, plan, error, line) => {
      const run = await runGuest(prefix, plan);
      expect(run.exitCode).toBe(2);
      expect(run.events).toEqual([expect.objectContaining({ t: 'hello' }), { t: 'plan-error', error: expect.stringContaining(error), line }]);
    },
    60_000,
  );

  it('a plan file that does not exist: plan-error with the Win32 error, exit 2', async () => {
    const run = await runGuest(prefix, null, { args: ['C:\\lab\\nowhere.txt'] });
    expect(run.exitCode).toBe(2);
    expect(run.events[1]).toMatchObject({ t: 'plan-error', error: expect.stringMatching(/^cannot open the plan file: 2 /), line: 0 });
  }, 60_000);

  it('no argument: usage, exit 2', async () => {
    const run = await runGuest(prefix, null, { args: [] });
    expect(run.exitCode).toBe(2);
    expect(run.events[1]).toEqual({ t: 'plan-error', error: 'usage: lab-guest.exe <plan-file>', line: 0 });
  }, 60_000);
});
