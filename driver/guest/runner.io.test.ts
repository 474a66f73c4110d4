/**
 * The runner's words for real drivers under real Wine, against xfer.sys: transfers of every method with
 * fills and offsets, every bad pointer kind for every buffer (the runner must survive each one, and go on),
 * asynchronous requests waited for and cancelled, misuse of them refused step by step, exec with a working
 * folder and an environment, loads of another image, opens with a path, share and disposition. Then a
 * driver that never lets its requests be cancelled: the runner leaves them their memory and says so.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestEvent, IoctlOutcome, StepOutcome } from '../../lab/guest/result.js';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import { BUILD, built, eventsOf, RUNNER, runGuest, type GuestRun } from './testing/guest-run.js';

const XFER = join(BUILD, 'xfer.sys');
const XFER_V2 = join(BUILD, 'xfer-v2.sys');
const STUBBORN = join(BUILD, 'fixtures', 'ignores-cancel.sys');
const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const TAG = '0x80002400';
const STORE = '0x80002405';
const FETCH = '0x8000240A';
const PEND = '0x80002410';
const COMPLETE = '0x80002414';
const VERSION = '0x80002418';
const POINTERS = ['heap', 'null', 'invalid', 'kernel', 'unaligned', 'readonly', 'noaccess', 'pageend'];

const plan = [
  'lab-plan 1',
  'device \\\\.\\xfer',
  'driver xfer C:\\lab\\xfer.sys',
  'workdir C:\\lab',
  'case 0 transfers',
  'open 0 rw',
  `ioctl 0 ${TAG} 5 8 x:${hex('hello')} fill=ee`,
  `ioctl 0 ${TAG} 1 64 x:41 fill=ee`,
  `ioctl 0 ${STORE} 2 4 x:${hex('k:')} fill=${hex('ab')}`,
  `ioctl 0 ${FETCH} 0 16 -`,
  `write 0 5 x:${hex('world')} offset=2`,
  'read 0 16 offset=0 fill=55',
  'read 0 16 offset=100',
  'end',
  'case 1 every-bad-pointer',
  'open 0 rw',
  'open 1 rw overlapped',
  ...POINTERS.map((p) => `ioctl 0 ${TAG} 5 16 x:${hex('hello')} in=${p}`),
  ...POINTERS.map((p) => `ioctl 0 ${TAG} 5 16 x:${hex('hello')} out=${p}`),
  ...POINTERS.map((p) => `read 0 16 offset=0 buf=${p}`),
  ...POINTERS.map((p) => `write 0 5 x:${hex('hello')} offset=0 buf=${p}`),
  ...POINTERS.map((p, i) => `ioctl 1 ${FETCH} 0 16 - out=${p} async=${i}`),
  ...POINTERS.map((p, i) => `read 1 16 buf=${p} async=${i + 8}`),
  `ioctl 0 ${VERSION} 0 4 -`,
  'end',
  'case 2 after-the-bad-pointers',
  'open 0 rw',
  `ioctl 0 ${VERSION} 0 4 -`,
  'end',
  'case 3 async',
  'open 0 rw',
  'open 1 rw overlapped',
  `ioctl 0 ${STORE} 4 0 x:${hex('done')}`,
  `ioctl 1 ${PEND} 0 16 x: async=0`,
  `ioctl 1 ${PEND} 0 16 x: async=1`,
  'wait 0 100',
  'cancel 0',
  'wait 0 2000',
  'cancel 0',
  `ioctl 0 ${COMPLETE} 0 4 -`,
  'wait 1 2000',
  'wait 1 0',
  `ioctl 1 ${PEND} 0 16 x: async=2`,
  'end',
  'case 4 async-misuse',
  'open 0 rw',
  'open 1 rw overlapped',
  'wait 5 10',
  'cancel 5',
  `ioctl 0 ${PEND} 0 16 x: async=0`,
  `ioctl 2 ${PEND} 0 16 x: async=1`,
  `ioctl 1 ${VERSION} 0 4 - async=3`,
  `ioctl 1 ${VERSION} 0 4 - async=3`,
  'end',
  'case 5 exec',
  `exec 20000 ${hex('cmd /c cd & echo %LAB_X%')} cwd=${hex('sub')} env=${hex('LAB_X=from lab')}`,
  `exec 20000 ${hex('cmd /c cd')} cwd=${hex('C:\\windows')}`,
  `exec 20000 ${hex('cmd /c cd')} cwd=${hex('no such folder')}`,
  'end',
  'case 6 another-image',
  'unload xfer',
  `load xfer image=${hex('C:\\lab\\xfer-v2.sys')}`,
  'open 0 rw',
  `ioctl 0 ${VERSION} 0 4 -`,
  'close 0',
  'unload xfer',
  'load xfer',
  'open 0 rw',
  `ioctl 0 ${VERSION} 0 4 -`,
  'end',
  'case 7 opens',
  `open 0 r path=${hex('\\info')}`,
  `open 1 rw path=${hex('\\')}`,
  'open 2 rw share=none disposition=create',
  `open 3 rw device=${hex('\\\\.\\object_device')}`,
  'end',
].join('\n');

let prefix: FreshPrefix;
let run: GuestRun;

beforeAll(async () => {
  await built(RUNNER, XFER, XFER_V2, STUBBORN);
  prefix = await freshPrefix();
  run = await runGuest(prefix, `${plan}\n`, {
    timeoutMs: 110_000,
    files: { 'xfer.sys': await readFile(XFER), 'xfer-v2.sys': await readFile(XFER_V2), 'sub/.keep': '' },
  });
}, 180_000);

afterAll(async () => {
  await prefix?.dispose();
});

const caseOf = (index: number): Extract<GuestEvent, { t: 'case' }> => {
  const found = eventsOf(run, 'case').find((e) => e.index === index);
  if (!found) throw new Error(`case ${index} was not reported: ${JSON.stringify(run.events.filter((e) => 'index' in e && e.index === index))}`);
  return found;
};
const stepsOf = (index: number): StepOutcome[] => caseOf(index).steps;
const io = (s: StepOutcome | undefined) => {
  const o = s as IoctlOutcome;
  return [o.kind, o.error, o.status, o.bytesReturned, Buffer.from(o.output).toString('utf8')];
};
const text = (s: StepOutcome | undefined) => Buffer.from((s as IoctlOutcome).output).toString('latin1');

describe('the runner for real drivers, under Wine', () => {
  it('runs the whole plan, unloads the driver and exits 0', () => {
    expect(run.exitCode).toBe(0);
    expect(run.events.at(-2)).toMatchObject({ t: 'unload', error: 0, openAfter: 2 });
    expect(run.events.at(-1)).toEqual({ t: 'end', cases: 8 });
  });

  it('fills output buffers, reaches every method, reads and writes at offsets', () => {
    const s = stepsOf(0);
    // The 8-byte buffer: the answer cut to it (a warning, with the bytes). The 64-byte one shows only
    // what the driver returned, though the fill is behind it.
    expect(io(s[1])).toEqual(['ioctl', 234, 0x80000005, 8, 'xfer:hel']);
    expect(io(s[2])).toEqual(['ioctl', 0, 0, 6, 'xfer:A']);
    // METHOD_IN_DIRECT reads its output buffer's fill as a second input: the record is "k:" + "abab".
    expect(io(s[3])).toEqual(['ioctl', 0, 0, 4, 'abab']);
    expect(io(s[4])).toEqual(['ioctl', 0, 0, 6, 'k:abab']);
    expect(io(s[5])).toEqual(['write', 0, 0, 5, '']);
    expect(io(s[6])).toEqual(['read', 0, 0, 7, 'k:world']);
    expect(io(s[7])).toEqual(['read', 38, 0xc0000011, 0, '']);
  });

  it('survives every pointer kind for every buffer, sync and async, and the next case runs', () => {
    const s = stepsOf(1);
    expect(s).toHaveLength(2 + 6 * POINTERS.length + 1);
    // Every step ran (none refused) and came back with a status.
    for (const step of s) expect((step as IoctlOutcome).error, JSON.stringify(step)).not.toBeNull();
    // The readable kinds give the output back; the others show none.
    const outs = s.slice(2 + POINTERS.length, 2 + 2 * POINTERS.length).map((o) => [(o as IoctlOutcome).error, text(o)]);
    expect(outs).toEqual(POINTERS.map((p) => (['heap', 'unaligned', 'pageend'].includes(p) ? [0, 'xfer:hello'] : [1784, ''])));
    expect(io(s.at(-1))).toEqual(['ioctl', 0, 0, 4, '\u0001\u0000\u0000\u0000']);
    expect(io(stepsOf(2)[1])).toEqual(['ioctl', 0, 0, 4, '\u0001\u0000\u0000\u0000']);
  });

  it('starts requests, waits for them, cancels them, and keeps an ended one for a second look', () => {
    const s = stepsOf(3);
    expect(s.slice(3).map((o) => (o.kind === 'cancel' ? ['cancel', o.error, o.error === null ? o.refused : o.via] : io(o)))).toEqual([
      ['ioctl', 997, 0x103, 0, ''], // PEND: pending
      ['ioctl', 997, 0x103, 0, ''],
      ['wait', 996, 0x103, 0, ''], // still pending after 100 ms
      ['cancel', 0, 'CancelIoEx'],
      ['wait', 995, 0xc0000120, 0, ''], // STATUS_CANCELLED
      ['cancel', 1168, 'CancelIoEx'], // it ended: nothing to cancel
      ['ioctl', 0, 0, 4, '\u0001\u0000\u0000\u0000'], // COMPLETE: one request completed
      ['wait', 0, 0, 4, 'done'],
      ['wait', 0, 0, 4, 'done'], // the same, a second time
      ['ioctl', 997, 0x103, 0, ''], // left pending: cancelled at the case's end
    ]);
    expect(caseOf(3).pending).toBeUndefined();
  });

  it('refuses what cannot be asked, step by step, and runs the rest', () => {
    expect(stepsOf(4).slice(2)).toEqual([
      {
        kind: 'wait',
        error: null,
        status: null,
        bytesReturned: 0,
        elapsedUs: 0,
        output: new Uint8Array(0),
        outputTruncated: false,
        guardDamaged: false,
        refused: 'async slot 5 holds no request',
      },
      { kind: 'cancel', error: null, status: null, refused: 'async slot 5 holds no request' },
      expect.objectContaining({ kind: 'ioctl', error: null, refused: 'slot 0 was not opened overlapped' }),
      expect.objectContaining({ kind: 'ioctl', error: null, refused: 'slot 2 holds no handle' }),
      expect.objectContaining({ kind: 'ioctl', error: 0, status: 0, bytesReturned: 4 }),
      expect.objectContaining({ kind: 'ioctl', error: null, refused: 'async slot 3 already holds a request of this case' }),
    ]);
  });

  it('starts a program in a folder under the workdir or anywhere, with its environment', () => {
    const out = stepsOf(5).map((s) => (s.kind === 'exec' ? [s.error, s.exitCode, Buffer.from(s.output).toString('utf8').trim()] : s));
    expect(out[0]).toEqual([0, 0, 'C:\\lab\\sub\r\nfrom lab']);
    expect(out[1]).toEqual([0, 0, 'C:\\windows']);
    // A folder that is not there: CreateProcess says so (267, ERROR_DIRECTORY), nothing ran.
    expect(out[2]).toEqual([267, null, '']);
  });

  it('loads another image under the same service, and the header one again', () => {
    const s = stepsOf(6);
    expect(s.map((o) => [o.kind, 'error' in o ? o.error : undefined])).toEqual([
      ['unload', 0],
      ['load', 0],
      ['open', 0],
      ['ioctl', 0],
      ['close', 0],
      ['unload', 0],
      ['load', 0],
      ['open', 0],
      ['ioctl', 0],
    ]);
    expect([text(s[3]), text(s[8])]).toEqual(['\u0002\u0000\u0000\u0000', '\u0001\u0000\u0000\u0000']);
  });

  it("opens with a path, share and disposition as Wine answers them, and another device's path", () => {
    // Wine 8 resolves names under a device itself and ignores a trailing backslash; it gives the driver no
    // disposition to refuse (xfer refuses create on Windows); objdev is not loaded.
    expect(stepsOf(7)).toEqual([
      { kind: 'open', error: 2, status: 0xc0000034 },
      { kind: 'open', error: 0, status: 0 },
      { kind: 'open', error: 0, status: 0 },
      { kind: 'open', error: 2, status: 0xc0000034 },
    ]);
  });
});

describe('a request the driver never lets go', () => {
  let stubborn: GuestRun;
  beforeAll(async () => {
    const lines = [
      'lab-plan 1',
      'device \\\\.\\lab_stubborn',
      'driver stubborn C:\\lab\\ignores-cancel.sys',
      'case 0 held',
      'open 0 rw overlapped',
      'ioctl 0 0x00222000 0 16 x: async=4',
      'end',
      'case 1 after',
      'open 0 rw',
      'ioctl 0 0x00222004 0 0 x:',
      'end',
    ];
    stubborn = await runGuest(prefix, `${lines.join('\n')}\n`, { timeoutMs: 60_000, files: { 'ignores-cancel.sys': await readFile(STUBBORN) } });
  }, 90_000);

  it('is left its memory at the end of the case, named in the case line; the next case runs', () => {
    expect(stubborn.exitCode).toBe(0);
    const held = eventsOf(stubborn, 'case').find((e) => e.index === 0);
    expect(held).toMatchObject({
      steps: [
        { kind: 'open', error: 0 },
        { kind: 'ioctl', error: 997, status: 0x103 },
      ],
      pending: [4],
    });
    expect(eventsOf(stubborn, 'case').find((e) => e.index === 1)).toMatchObject({ steps: [{ error: 0 }, { error: 0 }] });
    expect(stubborn.events.at(-1)).toEqual({ t: 'end', cases: 2 });
  });
});
