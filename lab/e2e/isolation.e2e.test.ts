/**
 * One case cannot poison the next, through the real CLI under Wine: a driver that deletes its own device
 * in one case (driver/fixtures/deletes-its-device.c) no longer fails every later case with "open -> 2"
 * blamed on it; `isolation: case` loads the driver again before every case. And suite mistakes the guest
 * runner would refuse stop `lab list` and `lab run` with exit 2 before any target starts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../driver/testing/guest-in-wine.js';
import { BUILD, lab, readReport } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

const FIXTURE = join(BUILD, 'fixtures', 'deletes-its-device.sys');

let dir: string;
beforeAll(async () => {
  await build(['fixtures']);
  dir = await tempDir('isolation');
}, 300_000);

const PING = '{ ioctl: PING, outLength: 4, expect: { error: 0, status: STATUS_SUCCESS, bytesReturned: 4, output: { text: pong } } }';
const suite = (extra = '') => `suite: vanishing
${extra}driver: { image: '${FIXTURE}', service: vanishing, device: '\\\\.\\lab_vanishing' }
ioctls:
  PING: { function: 0x800, access: any }
  VANISH: { function: 0x801, access: any }
cases:
  - name: ping before
    steps: [${PING}]
  - name: vanish
    steps: [{ ioctl: VANISH }]
  - name: ping after
    steps: [${PING}]
  - name: ping again
    steps: [${PING}]
`;

async function run(name: string, text: string) {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, text);
  const out = join(dir, `${name}-run`);
  const result = await lab(['run', file, '--out', out, '--reporter', 'json']);
  return { result, report: await readReport(out).catch(() => undefined) };
}

describe('a driver that deletes its own device in one case', () => {
  it('leaves the next case a fresh load, noted on it, instead of "open -> 2" blamed on the driver', async () => {
    const { result, report } = await run('vanishing', suite());
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report?.cases.map((c) => [c.id, c.status])).toEqual([
      ['vanishing/ping-before', 'passed'],
      ['vanishing/vanish', 'passed'],
      ['vanishing/ping-after', 'passed'],
      ['vanishing/ping-again', 'passed'],
    ]);
    expect(report?.cases.map((c) => c.notes ?? [])).toEqual([
      [],
      [],
      ['started on a fresh load of the driver: case vanishing/vanish left the driver unloaded or its device gone (opening it gave 2 (ERROR_FILE_NOT_FOUND))'],
      [],
    ]);
  }, 120_000);

  it('with `isolation: case`, every case starts on a fresh load', async () => {
    const { result, report } = await run('isolated', suite('isolation: case\n'));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(report?.cases.map((c) => [c.status, c.notes])).toEqual(Array(4).fill(['passed', ['started on a fresh load of the driver (isolation: case)']]));
  }, 120_000);
});

describe('suite mistakes the guest runner would refuse', () => {
  it('a device name with a trailing space: exit 2 at file:line:column from lab list and lab run, before any target', async () => {
    const file = join(dir, 'space.yaml');
    await writeFile(file, "suite: s\ndriver: { image: x.sys, device: '\\\\.\\object_device ' }\ncases:\n  - name: a\n    steps: [{ sleep: 1 }]\n");
    for (const args of [
      ['list', file],
      ['run', file, '--out', join(dir, 'space-run')],
    ]) {
      const r = await lab(args);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe(
        `lab: ${file}:2:33: driver.device: the guest runner would refuse it: it must not start or end with whitespace: "\\\\\\\\.\\\\object_device "`,
      );
      expect(r.stdout).not.toMatch(/prepare|execute/);
    }
  }, 60_000);

  it('an NTSTATUS in error: is a suite error that says to use status:', async () => {
    const file = join(dir, 'ntstatus.yaml');
    await writeFile(
      file,
      'suite: s\ndriver: { image: x.sys, device: d }\ncases:\n  - name: a\n    steps: [{ ioctl: 0x222000, expect: { error: 0xC000000D } }]\n',
    );
    const r = await lab(['list', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      `lab: ${file}:5:49: cases[0].steps[0].expect.error: expected a Win32 error (0..65535 or a name such as ERROR_INVALID_PARAMETER), found 0xC000000D, the NTSTATUS STATUS_INVALID_PARAMETER: expect it with \`status: STATUS_INVALID_PARAMETER\``,
    );
  }, 60_000);
});
