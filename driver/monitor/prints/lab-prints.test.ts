/**
 * lab-prints.dll under real Wine: a driver host writes its DbgPrint lines itself, the very lines lab-monitor
 * writes without it (from a debug event per DbgPrint), under a token of their own. The fixture prints a
 * 2,000-character line (cut at 512 bytes, "at least 1,024" printed), a line in three calls, DbgPrintEx at
 * the error level and at the info level (not for a debugger), and vDbgPrintExWithPrefix; and a DbgPrint whose
 * %s argument points nowhere, which faults while it is formatted, in the DLL's call as in Wine's.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePlanText } from '../../../lab/guest/plan-encoder.js';
import type { GuestStep } from '../../../lab/guest/plan.js';
import { parseHostPrintLine, parseMonitorLine, type MonitorEvent, type PrintEvent } from '../../../lab/targets/wine/monitor-events.js';
import { HOST_DEBUG_CHANNELS, WINE_DEBUG_CHANNELS } from '../../../lab/targets/wine/wine-env.js';
import { freshPrefix, runInWine, type FreshPrefix } from '../../../lab/testing/wine.js';
import { build, stage } from '../../testing/guest-in-wine.js';

const TOKEN = '0123456789abcdef';
const PRINT_TOKEN = 'fedcba9876543210';
/** FIXTURE_IOCTL(n) of driver/fixtures/fixture-device.h: CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS). */
const ioctl = (n: number): GuestStep => ({
  kind: 'ioctl',
  slot: 0,
  code: 0x00220000 + ((0x800 + n) << 2),
  outLength: 0,
  input: { pattern: new Uint8Array(0), length: 0, nullPointer: true },
});

const prefixes: FreshPrefix[] = [];
/** A plan of one case: open the fixture's device, then the IOCTLs `ns`. */
const planOf = (...ns: number[]) =>
  encodePlanText({ device: '\\\\.\\lab_fixture', driver: { service: 'labfixture', imagePath: 'C:\\lab\\long-dbgprint.sys' } }, [
    { index: 0, id: 'prints', steps: [{ kind: 'open', slot: 0, access: 'rw' }, ...ns.map(ioctl)] },
  ]);

beforeAll(async () => {
  await build(['guest', 'monitor', 'fixtures']);
}, 300_000);
afterAll(async () => {
  for (const prefix of prefixes) await prefix.dispose();
});

type Session = {
  host?: Extract<MonitorEvent, { t: 'host' }>;
  own: PrintEvent[];
  bad: string[];
  printed: Array<Omit<PrintEvent, 'pid' | 'tid'>>;
  events: MonitorEvent[];
  ended: boolean;
};

/** One watched session of `plan`, as the Wine target starts it: the monitor's events, the prints, the runner's end. */
async function session(prints: boolean, plan: string): Promise<Session> {
  const args = [
    '--token',
    TOKEN,
    '--anchor',
    'C:\\lab\\lab-anchor.sys',
    ...(prints ? ['--prints', 'C:\\lab\\lab-prints.dll', '--print-token', PRINT_TOKEN] : []),
    '--service',
    'labfixture',
    '--runner-debug',
    WINE_DEBUG_CHANNELS,
    '--',
    'C:\\lab\\lab-guest.exe',
    'C:\\lab\\plan.txt',
  ];
  // A clean prefix each, as the Wine target gives every session (the monitor's anchor service is new in it).
  const prefix = await freshPrefix();
  prefixes.push(prefix);
  await stage(prefix.driveC, ['lab-monitor.exe', 'lab-anchor.sys', 'lab-prints.dll', 'fixtures/long-dbgprint.sys']);
  await writeFile(join(prefix.driveC, 'lab', 'plan.txt'), plan);
  const run = await runInWine(prefix.prefix, 'C:\\lab\\lab-monitor.exe', args, 60_000, { WINEDEBUG: HOST_DEBUG_CHANNELS });
  let host: Extract<MonitorEvent, { t: 'host' }> | undefined;
  const own: PrintEvent[] = [];
  const bad: string[] = [];
  const all: PrintEvent[] = [];
  const events: MonitorEvent[] = [];
  for (const line of run.stderr.split('\n')) {
    const event = parseMonitorLine(line, TOKEN);
    const hostPrint = parseHostPrintLine(line, PRINT_TOKEN);
    for (const e of [event, hostPrint]) if (e?.t === 'bad') bad.push(e.text);
    if (event && event.t !== 'bad') events.push(event);
    if (event?.t === 'host') host = event;
    if (event?.t === 'print') all.push(event);
    if (hostPrint?.t === 'print') {
      own.push(hostPrint);
      all.push(hostPrint);
    }
  }
  // What was printed, in order, without who printed it (the hosts' pids and tids differ between sessions).
  const printed = all.map(({ pid: _pid, tid: _tid, ...rest }) => rest);
  return { ...(host ? { host } : {}), own, bad, printed, events, ended: run.stdout.includes('"t":"end"') };
}

describe('lab-prints.dll', () => {
  it("the host writes every DbgPrint line itself, the same lines as the debug events give, under the prints' token", async () => {
    const plan = planOf(1, 2, 3);
    const viaHost = await session(true, plan);
    const viaEvents = await session(false, plan);
    expect(viaHost.ended && viaEvents.ended).toBe(true);
    expect(viaHost.bad).toEqual([]);
    expect(viaHost.host?.prints).toBe('host');
    expect(viaEvents.host?.prints).toBe('debug-event');
    expect(viaEvents.own).toEqual([]);
    // Every print of the watched session is the host's own, from the host's process.
    expect(viaHost.own).toHaveLength(viaHost.printed.length);
    expect(new Set(viaHost.own.map((p) => p.pid))).toEqual(new Set([viaHost.host?.pid]));
    const long = 'abcdefghijklmnopqrstuvwxyz'.repeat(20).slice(0, 512);
    expect(viaHost.printed).toEqual([
      { t: 'print', text: long, atLeast: 1024 },
      { t: 'print', text: 'long-dbgprint: still here\n', bytes: 26 },
      { t: 'print', text: 'long-dbgprint: one ', bytes: 19 },
      { t: 'print', text: 'line in ', bytes: 8 },
      { t: 'print', text: 'three calls\n', bytes: 12 },
      { t: 'print', text: 'long-dbgprint: error level 0\n', bytes: 29 },
      { t: 'print', text: 'long-dbgprint: a prefix and 3\n', bytes: 30 },
    ]);
    expect(viaEvents.printed).toEqual(viaHost.printed);
  }, 180_000);

  it("a DbgPrint that faults while it is formatted is the driver's fault, at the same place, its frames down to the driver", async () => {
    const plan = planOf(4);
    const faults: unknown[] = [];
    for (const prints of [true, false]) {
      const { host, events } = await session(prints, plan);
      expect(host?.prints).toBe(prints ? 'host' : 'debug-event');
      const fault = events.find((e) => e.t === 'fault');
      expect(fault).toMatchObject({ t: 'fault', code: 0xc0000005, module: 'ntdll.dll' });
      if (fault) faults.push({ ...fault, pid: 0, tid: 0 });
      // Innermost first: ntdll's formatting, then the print functions (the DLL's, or Wine's in ntdll), then the driver.
      const modules = events.flatMap((e) => (e.t === 'frame' ? [e.module] : []));
      const driver = modules.indexOf('long-dbgprint.sys');
      expect(driver).toBeGreaterThan(0);
      expect(new Set(modules.slice(0, driver))).toEqual(new Set(prints ? ['ntdll.dll', 'lab-prints.dll'] : ['ntdll.dll']));
      expect(events.some((e) => e.t === 'exit')).toBe(true);
    }
    expect(faults[0]).toEqual(faults[1]);
  }, 180_000);
});
