/**
 * objdev.sys under Wine against CONTRACT.md: one guest-runner session loads it, walks the contract's rows
 * and boundaries (one case each), runs the seed client, unloads; the log file and DbgPrint are checked after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestStep } from '../../lab/guest/plan.js';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import { build, HELLO, ioctlText, onHandle, outcome, REFLECT, runGuest, stage, step, type GuestRun } from '../testing/guest-in-wine.js';

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const withNuls = Buffer.from('a\0b\0c\0');
const pattern = (length: number, seed: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff));

interface Row {
  what: string;
  step: GuestStep;
  e: number;
  n?: number;
  out?: Buffer;
}

// The stored message after each row is what the next READ rows expect: order matters.
const rows: Row[] = [
  { what: 'empty at load: READ returns 0 bytes', step: step.read(1024), e: 0, n: 0, out: Buffer.alloc(0) },
  { what: 'REFLECT hello,world', step: step.reflect(HELLO), e: 0, n: 0 },
  { what: 'READ returns exactly hello,world', step: step.read(1024), e: 0, n: 11, out: HELLO },
  { what: 'REFLECT L=0 (NULL input) empties it', step: step.ioctl(REFLECT, 0, 0, null), e: 0, n: 0 },
  { what: 'READ after L=0 returns 0 bytes', step: step.read(1024), e: 0, n: 0 },
  { what: 'REFLECT 1 byte', step: step.reflect(Buffer.from('x')), e: 0 },
  { what: 'READ 1 byte back', step: step.read(1024), e: 0, n: 1, out: Buffer.from('x') },
  { what: 'REFLECT embedded NULs', step: step.reflect(withNuls), e: 0 },
  { what: 'READ: binary-safe, NULs kept', step: step.read(1024), e: 0, n: 6, out: withNuls },
  { what: 'REFLECT all 256 byte values', step: step.reflect(allBytes), e: 0 },
  { what: 'READ all 256 byte values', step: step.read(1024), e: 0, n: 256, out: allBytes },
  ...[1020, 1021, 1022, 1023, 1024].flatMap((length) => [
    { what: `REFLECT ${length} accepted`, step: step.reflect(pattern(length, length)), e: 0 },
    { what: `READ ${length} back`, step: step.read(1024), e: 0, n: length, out: pattern(length, length) },
  ]),
  ...[1025, 1026, 1027, 1028, 2048, 4096, 65536].map((length) => ({
    what: `REFLECT ${length} rejected with 87`,
    step: step.ioctl(REFLECT, length, 0, Buffer.from('q')),
    e: 87,
    n: 0,
  })),
  { what: 'rejected REFLECTs left the 1024-byte message unchanged', step: step.read(1024), e: 0, n: 1024, out: pattern(1024, 1024) },
  { what: 'REFLECT hello,world again', step: step.reflect(HELLO), e: 0 },
  { what: 'READ O=N-1 -> 122, nothing returned', step: step.read(10), e: 122, n: 0 },
  { what: 'READ O=0 -> 122', step: step.read(0), e: 122, n: 0 },
  { what: 'READ O=1 -> 122', step: step.read(1), e: 122, n: 0 },
  { what: 'READ O=N -> N bytes', step: step.read(11), e: 0, n: 11, out: HELLO },
  { what: 'READ O=N+1 -> N bytes', step: step.read(12), e: 0, n: 11, out: HELLO },
  { what: 'READ O=1025 -> N bytes', step: step.read(1025), e: 0, n: 11, out: HELLO },
  { what: 'READ O=4096 -> N bytes', step: step.read(4096), e: 0, n: 11, out: HELLO },
  { what: 'READ O=65536 -> N bytes', step: step.read(65536), e: 0, n: 11, out: HELLO },
  { what: 'unknown IOCTL 0x803 -> 1', step: step.ioctl(0x0022e00c, 0, 0), e: 1, n: 0 },
  { what: 'unknown IOCTL 0x800 -> 1', step: step.ioctl(0x0022e000, 4, 4, Buffer.from('z')), e: 1, n: 0 },
  { what: 'REFLECT code with METHOD_IN_DIRECT -> 1', step: step.ioctl(0x0022e005, 4, 4, Buffer.from('z')), e: 1, n: 0 },
  { what: 'failed requests left hello,world stored', step: step.read(1024), e: 0, n: 11, out: HELLO },
  { what: 'REFLECT 666 (a fault mutant trigger) is ordinary', step: step.reflect(pattern(666, 1)), e: 0 },
  { what: 'REFLECT 777 (a fault mutant trigger) is ordinary', step: step.reflect(pattern(777, 2)), e: 0 },
  { what: 'READ returns the 777 bytes', step: step.read(1024), e: 0, n: 777, out: pattern(777, 2) },
];

describe('objdev.sys under Wine', () => {
  let prefix: FreshPrefix;
  let run: GuestRun;
  const clientCase = rows.length;

  beforeAll(async () => {
    await build(['driver', 'client', 'guest']);
    prefix = await freshPrefix();
    await stage(prefix.driveC, ['objdev.sys', 'objdev-echo.exe']);
    run = await runGuest(prefix, [...rows.map((row) => onHandle(row.step)), [step.exec('C:\\lab\\objdev-echo.exe')]], { image: 'objdev.sys' });
  }, 120_000);

  afterAll(async () => {
    await prefix?.dispose();
  });

  it('loads (StartService succeeds)', () => {
    expect(run.load?.error).toBe(0);
  });

  it.each(rows.map((row, index) => [index, row.what, row] as const))('row %i: %s', (index, _what, row) => {
    const o = outcome(run, index);
    expect(outcome(run, index, 0)).toMatchObject({ kind: 'open', error: 0 });
    expect(o?.kind).toBe('ioctl');
    if (o?.kind !== 'ioctl') return;
    expect(o.error, ioctlText(run, index)).toBe(row.e);
    if (row.n !== undefined) expect(o.bytesReturned).toBe(row.n);
    if (row.out) expect(Buffer.from(o.output).toString('hex')).toBe(row.out.toString('hex'));
    expect(o.guardDamaged).toBe(false);
  });

  it('the seed client prints get content:hello,world and length: 11', () => {
    const o = outcome(run, clientCase);
    expect(o).toMatchObject({ kind: 'exec', exitCode: 0 });
    if (o?.kind === 'exec') expect(Buffer.from(o.output).toString()).toBe('get content:hello,world\nlength: 11\n');
  });

  it('unload succeeds and afterwards opening the device fails with 2', () => {
    expect(run.unload).toMatchObject({ service: 'objdev', error: 0, openAfter: 2 });
  });

  it('DbgPrint carries one objdev: line for DriverEntry, every IOCTL and unload', () => {
    const ioctls = rows.length + 2; // plus the client's REFLECT and READ
    expect(run.dbgPrint[0]).toBe('objdev: DriverEntry status=0x00000000');
    expect(run.dbgPrint.at(-1)).toBe('objdev: unload status=0x00000000');
    expect(run.dbgPrint).toHaveLength(ioctls + 2);
    for (const line of run.dbgPrint.slice(1, -1)) {
      expect(line).toMatch(/^objdev: IOCTL (REFLECT|READ|0x[0-9A-F]{8}) in=\d+ out=\d+ status=0x[0-9A-F]{8} info=\d+$/);
    }
    expect(run.dbgPrint).toContain('objdev: IOCTL REFLECT in=11 out=0 status=0x00000000 info=0');
    expect(run.dbgPrint).toContain('objdev: IOCTL READ in=0 out=10 status=0xC0000023 info=0');
    expect(run.dbgPrint).toContain('objdev: IOCTL REFLECT in=1025 out=0 status=0xC000000D info=0');
    expect(run.dbgPrint).toContain('objdev: IOCTL 0x0022E00C in=0 out=0 status=0xC0000010 info=0');
    expect(run.dbgPrint).toContain('objdev: IOCTL READ in=0 out=65536 status=0x00000000 info=11');
  });

  it('C:\\objdev.log holds the same lines as DbgPrint, in order, one per line', () => {
    const log = run.log.toString('latin1');
    expect(log.endsWith('\n')).toBe(true);
    expect(log.slice(0, -1).split('\n')).toEqual(run.dbgPrint);
  });

  it("each IOCTL's line is in the log by the time the caller has its result", () => {
    rows.forEach((_row, index) => {
      const [begin, end] = run.cases[index]?.log ?? [-1, -1];
      expect(run.log.subarray(begin, end).toString('latin1')).toBe(`${run.dbgPrint[index + 1]}\n`);
    });
  });
});

describe('a second copy of objdev.sys under another service name', () => {
  let prefix: FreshPrefix;
  let run: GuestRun;

  beforeAll(async () => {
    await build(['driver', 'guest']);
    prefix = await freshPrefix();
    await stage(prefix.driveC, ['objdev.sys']);
    run = await runGuest(prefix, [[step.load('objdev2')], onHandle(step.reflect(HELLO), step.read(1024))], { image: 'objdev.sys' });
  }, 120_000);

  afterAll(async () => {
    await prefix?.dispose();
  });

  it('fails to start with 183 because DriverEntry returns the name collision', () => {
    expect(run.load?.error).toBe(0);
    expect(outcome(run, 0)).toMatchObject({ kind: 'load', error: 183 });
    expect(run.dbgPrint).toContain('objdev: DriverEntry status=0xC0000035');
  });

  it('leaves the first copy working', () => {
    expect(ioctlText(run, 1)).toBe(`e=0 n=11 o=${HELLO.toString('hex')}`);
    expect(run.unload).toMatchObject({ error: 0, openAfter: 2 });
  });
});
