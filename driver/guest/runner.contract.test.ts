/**
 * The guest runner under real Wine with the real objdev.sys: one session runs a plan covering every
 * CONTRACT.md behaviour row, par, exec, load/unload steps, markers and log offsets; the tests below each
 * check one part of what came back. Plans are made with the product's encoder.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePlanText } from '../../lab/guest/plan-encoder.js';
import type { GuestCase, GuestStep } from '../../lab/guest/plan.js';
import type { ExecOutcome, GuestEvent, IoctlOutcome, ParallelOutcome, StepOutcome } from '../../lab/guest/result.js';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import { built, eventsOf, OBJDEV, RUNNER, runGuest, type GuestRun } from './testing/guest-run.js';

const REFLECT = 0x0022e004;
const READ = 0x0022e008;
const text = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const open = (slot = 0, access: 'rw' | 'r' | 'w' | 'none' = 'rw'): GuestStep => ({ kind: 'open', slot, access });
const reflect = (pattern: Uint8Array, length = pattern.length, slot = 0): GuestStep => ({
  kind: 'ioctl',
  slot,
  code: REFLECT,
  input: { pattern, length },
  outLength: 0,
});
const ioctl = (code: number, outLength = 0, slot = 0): GuestStep => ({
  kind: 'ioctl',
  slot,
  code,
  input: { pattern: new Uint8Array(), length: 0, nullPointer: true },
  outLength,
});
const read = (outLength: number, slot = 0) => ioctl(READ, outLength, slot);
const exec = (commandLine: string, timeoutMs = 20_000): GuestStep => ({ kind: 'exec', commandLine, timeoutMs });
const allBytes = new Uint8Array(256).map((_, i) => i);
const kilobyte = new Uint8Array(1024).map((_, i) => (i * 7 + 3) & 0xff);

const cases: Array<Omit<GuestCase, 'index'>> = [
  { id: 'seed-exchange', steps: [open(), reflect(text('hello,world')), read(1024)] },
  { id: 'reflect-0-empties', steps: [open(), reflect(text('abc')), ioctl(REFLECT), read(16)] },
  { id: 'reflect-1024', steps: [open(), reflect(kilobyte), read(1024)] },
  { id: 'reflect-1025-rejected', steps: [open(), reflect(text('keep')), reflect(kilobyte, 1025), read(1024)] },
  { id: 'read-lengths', steps: [open(), reflect(text('hello,world')), read(10), read(11), read(12), read(0), read(65536)] },
  { id: 'binary-safe', steps: [open(), reflect(allBytes), read(1024)] },
  { id: 'unknown-codes', steps: [open(), ioctl(0x0022e000), ioctl(0x0022e00c), ioctl(0x0022e007, 16), ioctl((0x0022e004 & ~3) | 2)] },
  { id: 'access', steps: [open(0), reflect(text('rw')), open(1, 'r'), reflect(text('r'), 1, 1), read(16, 1), open(2, 'none'), read(16, 2), read(16)] },
  { id: 'two-handles', steps: [open(0), open(1), reflect(text('shared'), 6, 0), read(64, 1), { kind: 'close', slot: 0 }, read(64, 1)] },
  {
    id: 'par-shared-handle',
    steps: [
      open(0),
      {
        kind: 'par',
        threads: 4,
        iterations: 50,
        steps: [{ kind: 'ioctl', slot: 0, code: REFLECT, input: { pattern: text('A'), length: 8, perThread: true }, outLength: 0 }, read(1024)],
      },
    ],
  },
  {
    id: 'par-per-thread-payload',
    steps: [
      open(0),
      {
        kind: 'par',
        threads: 4,
        iterations: 20,
        steps: [
          { kind: 'ioctl', slot: 0, code: REFLECT, input: { pattern: text('ABCD'), length: 4, perThread: true }, outLength: 0 },
          read(16),
          { kind: 'sleep', ms: 3 },
        ],
      },
    ],
  },
  {
    id: 'par-own-handles',
    steps: [
      {
        kind: 'par',
        threads: 4,
        iterations: 5,
        steps: [open(1), reflect(text('xy'), 2, 1), { kind: 'close', slot: 1 }, read(16, 1), { kind: 'sleep', ms: 1 }],
      },
    ],
  },
  { id: 'quiet', steps: [{ kind: 'sleep', ms: 0 }] },
  {
    id: 'exec',
    steps: [
      exec('cmd /c echo hi'),
      exec('cmd /c exit 3'),
      exec('C:\\lab\\missing.exe'),
      exec('C:\\lab\\lab-guest.exe C:\\lab\\sleep.txt', 1500),
      exec('C:\\lab\\lab-guest.exe C:\\lab\\chatty.txt'),
    ],
  },
  {
    id: 'unload-and-load-steps',
    steps: [{ kind: 'unload', service: 'objdev' }, open(), { kind: 'load', service: 'objdev' }, open(), read(1024), reflect(text('again')), read(1024)],
  },
  { id: 'handles-left-open', steps: [open(0), open(5), open(15)] },
];

const plan = encodePlanText(
  { device: '\\\\.\\object_device', driver: { service: 'objdev', imagePath: 'C:\\lab\\objdev.sys' }, logPath: 'C:\\objdev.log' },
  cases.map((c, index) => ({ ...c, index })),
);
// Sleeps far longer than the whole run may take (90 s): only the exec step's timeout can end it.
const sleepPlan = `lab-plan 1\ndevice \\\\.\\nothing\ncase 0 sleeper\n${'sleep 60000\n'.repeat(10)}end\n`;
const chattyPlan = `lab-plan 1\ndevice \\\\.\\nothing\n${Array.from({ length: 3000 }, (_, i) => `case ${i} chatty-${i}\nend\n`).join('')}`;

let prefix: FreshPrefix;
let run: GuestRun;
let log: Buffer;

beforeAll(async () => {
  await built(RUNNER, OBJDEV);
  prefix = await freshPrefix();
  run = await runGuest(prefix, plan, { files: { 'sleep.txt': sleepPlan, 'chatty.txt': chattyPlan }, timeoutMs: 90_000 });
  log = await readFile(join(prefix.driveC, 'objdev.log'));
}, 120_000);

afterAll(async () => {
  await prefix?.dispose();
});

function caseEvent(id: string): Extract<GuestEvent, { t: 'case' }> {
  const found = eventsOf(run, 'case').find((c) => c.id === id);
  if (!found) throw new Error(`no case line for ${id}; events: ${JSON.stringify(run.events.map((e) => e.t))}`);
  return found;
}
const stepsOf = (id: string): StepOutcome[] => caseEvent(id).steps;
const ioctlAt = (id: string, i: number) => {
  const s = stepsOf(id)[i];
  if (s?.kind !== 'ioctl') throw new Error(`step ${i} of ${id} is ${s?.kind}`);
  return s as IoctlOutcome;
};
/** [error, bytesReturned, output as latin1] of an ioctl step. */
const outcome = (id: string, i: number) => {
  const s = ioctlAt(id, i);
  return [s.error, s.bytesReturned, Buffer.from(s.output).toString('latin1')];
};

describe('the session', () => {
  it('runs the whole plan: hello, load, every case, unload, end, exit 0', () => {
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain('\r');
    const types = run.events.map((e) => e.t);
    expect(types[0]).toBe('hello');
    expect(run.events[1]).toMatchObject({ t: 'load', service: 'objdev', error: 0 });
    expect(types.slice(2, -2)).toEqual(cases.flatMap(() => ['begin', 'case']));
    expect(run.events.at(-1)).toEqual({ t: 'end', cases: cases.length });
    expect(eventsOf(run, 'case').map((c) => [c.index, c.id])).toEqual(cases.map((c, i) => [i, c.id]));
    expect(eventsOf(run, 'begin').map((c) => [c.index, c.id])).toEqual(cases.map((c, i) => [i, c.id]));
  });

  it('unloads at the end, after which the device is gone (openAfter 2)', () => {
    expect(run.events.at(-2)).toMatchObject({ t: 'unload', service: 'objdev', error: 0, openAfter: 2 });
  });

  it('reports hello with the pid and the QPC frequency', () => {
    const [hello] = eventsOf(run, 'hello');
    expect(hello?.version).toBe(1);
    expect(hello?.pid).toBeGreaterThan(0);
    expect(hello?.qpcHz).toBeGreaterThan(1000);
  });
});

describe('CONTRACT.md rows', () => {
  it('seed exchange: REFLECT "hello,world" then READ gives back exactly 11 bytes', () => {
    expect(stepsOf('seed-exchange')[0]).toEqual({ kind: 'open', error: 0, status: 0 });
    expect(outcome('seed-exchange', 1)).toEqual([0, 0, '']);
    expect(outcome('seed-exchange', 2)).toEqual([0, 11, 'hello,world']);
    expect(ioctlAt('seed-exchange', 2).guardDamaged).toBe(false);
  });

  it('REFLECT of 0 bytes (NULL input) empties the message', () => {
    expect(outcome('reflect-0-empties', 2)).toEqual([0, 0, '']);
    expect(outcome('reflect-0-empties', 3)).toEqual([0, 0, '']);
  });

  it('REFLECT of 1024 bytes is stored whole; 1025 is rejected with 87 and leaves the message', () => {
    expect(outcome('reflect-1024', 1)[0]).toBe(0);
    expect(ioctlAt('reflect-1024', 2).output).toEqual(kilobyte);
    expect(outcome('reflect-1025-rejected', 2)).toEqual([87, 0, '']);
    expect(outcome('reflect-1025-rejected', 3)).toEqual([0, 4, 'keep']);
  });

  it('READ: O < N gives 122 and nothing; O >= N gives exactly N bytes', () => {
    expect(outcome('read-lengths', 2)).toEqual([122, 0, '']);
    expect(outcome('read-lengths', 3)).toEqual([0, 11, 'hello,world']);
    expect(outcome('read-lengths', 4)).toEqual([0, 11, 'hello,world']);
    expect(outcome('read-lengths', 5)).toEqual([122, 0, '']);
    expect(outcome('read-lengths', 6)).toEqual([0, 11, 'hello,world']);
  });

  it('is binary-safe: all 256 byte values come back whole', () => {
    expect(ioctlAt('binary-safe', 2).output).toEqual(allBytes);
  });

  it('unknown IOCTL codes (neighbours, other methods) answer 1', () => {
    expect([1, 2, 3, 4].map((i) => outcome('unknown-codes', i))).toEqual([
      [1, 0, ''],
      [1, 0, ''],
      [1, 0, ''],
      [1, 0, ''],
    ]);
  });

  it('a handle without read+write access gets 5 and changes nothing', () => {
    const s = stepsOf('access');
    expect(s[2]).toEqual({ kind: 'open', error: 0, status: 0 });
    expect(outcome('access', 3)[0]).toBe(5);
    expect(outcome('access', 4)[0]).toBe(5);
    expect(s[5]).toEqual({ kind: 'open', error: 0, status: 0 });
    expect(outcome('access', 6)[0]).toBe(5);
    expect(outcome('access', 7)).toEqual([0, 2, 'rw']);
  });

  it('two handles share one message, also after the first is closed', () => {
    expect(outcome('two-handles', 3)).toEqual([0, 6, 'shared']);
    expect(stepsOf('two-handles')[4]).toEqual({ kind: 'close', error: 0, status: 0 });
    expect(outcome('two-handles', 5)).toEqual([0, 6, 'shared']);
  });

  it('slots up to 15 hold handles (left open: the runner closes them at end)', () => {
    expect(stepsOf('handles-left-open')).toEqual([
      { kind: 'open', error: 0, status: 0 },
      { kind: 'open', error: 0, status: 0 },
      { kind: 'open', error: 0, status: 0 },
    ]);
  });
});

describe('the NTSTATUS beside the Win32 error', () => {
  const statusOf = (id: string, i: number) => [ioctlAt(id, i).error, ioctlAt(id, i).status];

  it('is what the driver returned, and the Win32 error is its RtlNtStatusToDosError', () => {
    expect(statusOf('seed-exchange', 2)).toEqual([0, 0]);
    expect(statusOf('reflect-1025-rejected', 2)).toEqual([87, 0xc000000d]); // STATUS_INVALID_PARAMETER
    expect(statusOf('read-lengths', 2)).toEqual([122, 0xc0000023]); // STATUS_BUFFER_TOO_SMALL
    expect(statusOf('unknown-codes', 1)).toEqual([1, 0xc0000010]); // STATUS_INVALID_DEVICE_REQUEST
  });

  it('comes from the I/O manager when the driver never sees the request', () => {
    expect(statusOf('access', 3)).toEqual([5, 0xc0000022]); // STATUS_ACCESS_DENIED
  });

  it('is STATUS_INVALID_HANDLE for a slot that holds no handle, as a call on one would give', () => {
    const par = stepsOf('par-own-handles')[0] as ParallelOutcome;
    // biome-ignore lint/complexity/useLiteralKeys: STATUS_INVALID_HANDLE reads as the hex code everyone looks up
    expect(par.sub[3]?.statuses).toEqual({ [0xc0000008]: 20 });
    expect(par.sub[0]?.statuses).toEqual({ '0': 20 });
    expect(par.sub[1]?.statuses).toEqual({ '0': 20 });
  });
});

describe('par', () => {
  it('4 threads on one handle: every READ returns one complete message some thread stored', () => {
    const par = stepsOf('par-shared-handle')[1] as ParallelOutcome;
    expect(par).toMatchObject({ kind: 'par', threads: 4, iterations: 50 });
    expect(par.refused).toBeUndefined();
    const [reflects, reads] = par.sub;
    expect(reflects).toMatchObject({ kind: 'ioctl', calls: 200, errors: { '0': 200 }, returned: { '0': 200 }, guardDamaged: 0 });
    expect(reads).toMatchObject({ kind: 'ioctl', calls: 200, errors: { '0': 200 }, returned: { '8': 200 }, outputsMore: 0, guardDamaged: 0 });
    // Thread i sends 'A' + i eight times (t: payload): only those four messages may come back.
    const allowed = ['AAAAAAAA', 'BBBBBBBB', 'CCCCCCCC', 'DDDDDDDD'];
    for (const o of reads?.outputs ?? []) expect(allowed).toContain(Buffer.from(o.bytes).toString('latin1'));
    // Not asserted: how many distinct messages come back. Wine serves IRPs from one FIFO queue, so four
    // threads fall into a round-robin convoy where every READ follows the same thread's REFLECT.
    expect((reads?.outputs ?? []).reduce((n, o) => n + o.count, 0)).toBe(200);
    for (const sub of par.sub) {
      expect(sub.p50Us).toBeGreaterThan(0);
      expect(sub.p50Us).toBeLessThanOrEqual(sub.p99Us);
      expect(sub.p99Us).toBeLessThanOrEqual(sub.maxUs);
    }
    expect(par.elapsedUs).toBeGreaterThanOrEqual(reads?.maxUs ?? Infinity);
  });

  it('t: payloads differ per thread (a sleep breaks the FIFO convoy, so reads see several threads)', () => {
    const par = stepsOf('par-per-thread-payload')[1] as ParallelOutcome;
    const reads = par.sub[1];
    const seen = (reads?.outputs ?? []).map((o) => Buffer.from(o.bytes).toString('latin1'));
    for (const message of seen) expect(['ABCD', 'BCDE', 'CDEF', 'DEFG']).toContain(message);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(reads?.errors).toEqual({ '0': 80 });
  });

  it('thread-local slots: each thread opens and closes its own handle; a closed own slot gives 6', () => {
    const par = stepsOf('par-own-handles')[0] as ParallelOutcome;
    expect(par.sub.map((s) => [s.kind, s.calls, s.errors])).toEqual([
      ['open', 20, { '0': 20 }],
      ['ioctl', 20, { '0': 20 }],
      ['close', 20, { '0': 20 }],
      // After its own close the slot stays the thread's: no fallback to the (unopened) case slot.
      ['ioctl', 20, { '6': 20 }],
      ['sleep', 20, {}],
    ]);
  });
});

describe('exec', () => {
  const execAt = (i: number) => stepsOf('exec')[i] as ExecOutcome;

  it('captures stdout of a small program and its exit code', () => {
    expect(execAt(0)).toMatchObject({ kind: 'exec', error: 0, exitCode: 0, outputTruncated: false });
    expect(Buffer.from(execAt(0).output).toString()).toBe('hi\r\n');
    expect(execAt(1)).toMatchObject({ error: 0, exitCode: 3 });
  });

  it('reports why a program could not start (2), with no exit code', () => {
    expect(execAt(2)).toMatchObject({ error: 2, exitCode: null, output: new Uint8Array() });
  });

  it('kills a program at its timeout (1460) and keeps what it printed before', () => {
    const e = execAt(3);
    expect(e).toMatchObject({ error: 1460, exitCode: null });
    expect(e.elapsedUs).toBeGreaterThanOrEqual(1_400_000);
    expect(Buffer.from(e.output).toString()).toContain('{"t":"begin","i":0,"id":"sleeper"}');
  });

  it('drains a chatty program without deadlock and caps the capture at 64 KiB', () => {
    const e = execAt(4);
    expect(e).toMatchObject({ error: 0, exitCode: 0, outputTruncated: true });
    expect(e.output.length).toBe(65536);
  });
});

describe('load and unload steps', () => {
  it('unload removes the device (open 2); load brings it back empty', () => {
    const s = stepsOf('unload-and-load-steps');
    expect(s[0]).toMatchObject({ kind: 'unload', service: 'objdev', error: 0 });
    expect(s[1]).toEqual({ kind: 'open', error: 2, status: 0xc0000034 }); // STATUS_OBJECT_NAME_NOT_FOUND
    expect(s[2]).toMatchObject({ kind: 'load', service: 'objdev', error: 0 });
    expect(s[3]).toEqual({ kind: 'open', error: 0, status: 0 });
    expect(outcome('unload-and-load-steps', 4)).toEqual([0, 0, '']);
    expect(outcome('unload-and-load-steps', 6)).toEqual([0, 5, 'again']);
  });
});

describe('debug markers and log offsets', () => {
  it('marks every case begin and end with OutputDebugString, around the driver output of that case', () => {
    const lines = run.stderr.split('\n');
    const at = (needle: string) => lines.findIndex((l) => l.includes(needle));
    cases.forEach((c, i) => {
      const begin = at(`OutputDebugStringA "lab: case-begin ${i} ${c.id}\\n"`);
      const end = at(`OutputDebugStringA "lab: case-end ${i} ${c.id}\\n"`);
      expect(begin, c.id).toBeGreaterThanOrEqual(0);
      expect(end, c.id).toBeGreaterThan(begin);
    });
    const begin = at('lab: case-begin 0 seed-exchange');
    const end = at('lab: case-end 0 seed-exchange');
    const driverLines = lines.slice(begin + 1, end).filter((l) => l.includes('objdev: IOCTL'));
    expect(driverLines).toHaveLength(2);
    expect(driverLines[0]).toContain('objdev: IOCTL REFLECT in=11 out=0 status=0x00000000');
    expect(driverLines[1]).toContain('objdev: IOCTL READ in=0 out=1024 status=0x00000000 info=11');
  });

  it('log offsets bracket exactly the lines the driver logged during the case', () => {
    const seed = caseEvent('seed-exchange').log;
    expect(seed).not.toBeNull();
    const [from, to] = seed as [number, number];
    expect(from).toBeGreaterThan(0); // DriverEntry logged before the first case
    const slice = log.subarray(from, to).toString('latin1').trimEnd().split('\n');
    expect(slice).toEqual(['objdev: IOCTL REFLECT in=11 out=0 status=0x00000000 info=0', 'objdev: IOCTL READ in=0 out=1024 status=0x00000000 info=11']);
    expect(caseEvent('quiet').log?.[0]).toBe(caseEvent('quiet').log?.[1]);
    // Nothing happens between cases: each begins where the previous one ended.
    const all = eventsOf(run, 'case');
    for (let i = 1; i < all.length; i++) expect(all[i]?.log?.[0], all[i]?.id).toBe(all[i - 1]?.log?.[1]);
  });
});
