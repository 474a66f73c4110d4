import { describe, expect, it } from 'vitest';
import type { HostExit, TargetGap } from '../targets/target.js';
import { SessionMachine, type Effect, type MachineEvent } from './session-machine.js';

const LIMITS = { loadMs: 60_000, unloadMs: 30_000, crashGraceMs: 15_000, hostGraceMs: 3_000 };
const PAGE_FAULT: HostExit = { signature: 'page fault on write access to 0x0 at x.sys+0x10', exitCode: 0xc0000005 };
const STUB: TargetGap = { function: 'ntoskrnl.exe.ExAllocatePool2', detail: 'no implementation', kind: 'unimplemented' };

/** A machine over cases 0..n-1 (timeout 1000 ms each), fed events at the given times; effects are collected. */
function machine(cases = 3) {
  const m = new SessionMachine(new Map(Array.from({ length: cases }, (_, i) => [i, 1000])), LIMITS);
  const effects: Effect[] = [...m.start()];
  const feed = (at: number, ...events: MachineEvent[]) => {
    for (const e of events) effects.push(...m.handle(e, at));
  };
  const writes = () => effects.filter((e) => e.do === 'write').map((e) => (e as { index: number }).index);
  return { m, feed, effects, writes };
}

/** The events of one case that ran to its end: runner begin, begin marker, end marker, result. */
const ran = (i: number): MachineEvent[] => [
  { t: 'begin', index: i },
  { t: 'marker', edge: 'begin', index: i },
  { t: 'marker', edge: 'end', index: i },
  { t: 'result', index: i },
];

describe('SessionMachine', () => {
  it('arms the load bound first and drops it when the driver loaded', () => {
    const { feed, effects } = machine();
    expect(effects).toEqual([{ do: 'arm', timer: 'load', ms: 60_000 }]);
    feed(5, { t: 'load', error: 0, message: '' });
    expect(effects.at(-1)).toEqual({ do: 'disarm', timer: 'load' });
  });

  it('writes a case once both its result and its end marker are in: marker before result', () => {
    const { feed, writes } = machine();
    feed(0, { t: 'load', error: 0, message: '' }, { t: 'begin', index: 0 }, { t: 'marker', edge: 'begin', index: 0 }, { t: 'marker', edge: 'end', index: 0 });
    expect(writes()).toEqual([]);
    feed(1, { t: 'result', index: 0 });
    expect(writes()).toEqual([0]);
  });

  it('result before marker: the write waits for the marker (its debug lines are in by then)', () => {
    const { feed, writes } = machine();
    feed(0, { t: 'begin', index: 0 }, { t: 'marker', edge: 'begin', index: 0 }, { t: 'result', index: 0 });
    expect(writes()).toEqual([]);
    feed(1, { t: 'marker', edge: 'end', index: 0 });
    expect(writes()).toEqual([0]);
  });

  it('arms a case timeout at begin, disarms it at the result, and bounds the unload after the last case', () => {
    const { feed, effects } = machine(1);
    feed(0, { t: 'begin', index: 0 });
    expect(effects).toContainEqual({ do: 'arm', timer: 'case', ms: 1000 });
    feed(1, { t: 'marker', edge: 'begin', index: 0 }, { t: 'marker', edge: 'end', index: 0 }, { t: 'result', index: 0 });
    expect(effects.slice(-3)).toEqual([
      { do: 'disarm', timer: 'case' },
      { do: 'write', index: 0 },
      { do: 'arm', timer: 'unload', ms: 30_000 },
    ]);
    feed(2, { t: 'end' });
    expect(effects.at(-1)).toEqual({ do: 'stop', stop: { kind: 'end' } });
  });

  it('crash before result: the case open in the debug stream is crashed, its later result is not trusted', () => {
    const { m, feed, writes, effects } = machine();
    feed(0, ...ran(0), { t: 'begin', index: 1 });
    feed(100, { t: 'marker', edge: 'begin', index: 1 });
    feed(340, { t: 'host-exit', exit: PAGE_FAULT });
    expect(effects).toContainEqual({ do: 'crashed', index: 1 });
    expect(effects.at(-1)).toEqual({ do: 'arm', timer: 'crash', ms: 3_000 });
    expect(m.stop).toBeUndefined();
    // The runner moves on: its result for the crashed case (a request failing on the dead host) ends the session.
    feed(360, { t: 'marker', edge: 'end', index: 1 }, { t: 'result', index: 1 });
    expect(m.stop).toEqual({ kind: 'crash', index: 1, signature: PAGE_FAULT.signature });
    expect(writes()).toEqual([0]);
    expect(m.cut()).toEqual({ index: 1, status: 'crashed', durationMs: 340, signature: PAGE_FAULT.signature });
  });

  it("result after crash: an earlier case's result still in the pipe counts; the crashed case is cut", () => {
    const { m, feed, writes } = machine();
    // Case 0 ended in the debug stream, but its stdout result lags behind the crash in case 1.
    feed(
      0,
      { t: 'begin', index: 0 },
      { t: 'marker', edge: 'begin', index: 0 },
      { t: 'marker', edge: 'end', index: 0 },
      { t: 'marker', edge: 'begin', index: 1 },
    );
    feed(50, { t: 'host-exit', exit: PAGE_FAULT });
    feed(60, { t: 'result', index: 0 });
    expect(writes()).toEqual([0]);
    expect(m.stop).toBeUndefined();
    feed(70, { t: 'begin', index: 1 });
    expect(m.stop).toMatchObject({ kind: 'crash', index: 1 });
    expect(m.cut()).toMatchObject({ index: 1, status: 'crashed', durationMs: 50 });
  });

  it('a result that arrives after the stop still counts for a case that had ended before the crash', () => {
    const { m, feed, writes } = machine();
    feed(
      0,
      { t: 'begin', index: 0 },
      { t: 'marker', edge: 'begin', index: 0 },
      { t: 'marker', edge: 'end', index: 0 },
      { t: 'marker', edge: 'begin', index: 1 },
    );
    feed(10, { t: 'host-exit', exit: PAGE_FAULT }, { t: 'timeout', timer: 'crash' });
    expect(m.stop).toMatchObject({ kind: 'crash', index: 1 });
    feed(20, { t: 'result', index: 0 }, { t: 'result', index: 1 }, { t: 'result', index: 2 });
    expect(writes()).toEqual([0]);
  });

  it('host exit without a fault line, between cases: a crash outside any case, stopped at once', () => {
    const { m, feed } = machine();
    feed(0, { t: 'load', error: 0, message: '' }, ...ran(0));
    feed(5, { t: 'host-exit', exit: { signature: 'the driver host ended with exit code 0x0, without an exception', exitCode: 0 } });
    expect(m.stop).toEqual({ kind: 'crash', signature: 'the driver host ended with exit code 0x0, without an exception' });
    expect(m.cut()).toBeUndefined();
  });

  it('host exit while loading: the load crashed (DriverEntry), with the gaps seen while loading', () => {
    const { m, feed } = machine();
    feed(0, { t: 'gap', gap: { function: 'MmMapLockedPagesSpecifyCache', detail: 'stub', kind: 'stub' } });
    feed(1, { t: 'host-exit', exit: PAGE_FAULT });
    expect(m.stop).toEqual({
      kind: 'load-crashed',
      signature: PAGE_FAULT.signature,
      gaps: [{ function: 'MmMapLockedPagesSpecifyCache', detail: 'stub', kind: 'stub' }],
    });
  });

  it("a failed load carries DriverEntry's status when the target told it", () => {
    const { m, feed } = machine();
    feed(0, { t: 'load-status', status: 0xc0000182 }, { t: 'load', error: 87, message: 'Invalid parameter.' });
    expect(m.stop).toEqual({ kind: 'load-failed', error: 87, message: 'Invalid parameter.', status: 0xc0000182, gaps: [] });
  });

  it('a crash in a function the target does not implement cuts its case as inconclusive', () => {
    const { m, feed } = machine();
    feed(0, { t: 'begin', index: 0 }, { t: 'marker', edge: 'begin', index: 0 });
    feed(
      9,
      { t: 'host-exit', exit: { signature: 'call to ntoskrnl.exe.ExAllocatePool2', exitCode: 0x80000100, gap: STUB } },
      { t: 'runner-exit', exitCode: 0 },
    );
    expect(m.cut()).toEqual({ index: 0, status: 'inconclusive', durationMs: 9, signature: 'call to ntoskrnl.exe.ExAllocatePool2', gap: STUB });
  });

  it('a bugcheck report waits for the longer grace, then stops even if the runner says nothing', () => {
    const { m, feed, effects } = machine();
    feed(0, { t: 'begin', index: 0 }, { t: 'crash', signature: 'bugcheck 0x50' });
    expect(effects.at(-1)).toEqual({ do: 'arm', timer: 'crash', ms: 15_000 });
    feed(15_000, { t: 'timeout', timer: 'crash' });
    expect(m.stop).toEqual({ kind: 'crash', index: 0, signature: 'bugcheck 0x50' });
  });

  it('gaps belong to the case open when they were seen', () => {
    const { m, feed } = machine();
    const gap: TargetGap = { function: 'MmMapLockedPagesSpecifyCache', detail: 'stub', kind: 'stub' };
    feed(0, { t: 'load', error: 0, message: '' }, { t: 'begin', index: 0 }, { t: 'marker', edge: 'begin', index: 0 }, { t: 'gap', gap });
    feed(1, { t: 'marker', edge: 'end', index: 0 }, { t: 'result', index: 0 }, ...ran(1));
    expect(m.gapsOf(0)).toEqual([gap]);
    expect(m.gapsOf(1)).toEqual([]);
  });

  it('a case that outlives its timeout is hung, for the time it really ran', () => {
    const { m, feed } = machine();
    feed(100, { t: 'begin', index: 0 });
    feed(1104, { t: 'timeout', timer: 'case' });
    expect(m.stop).toEqual({ kind: 'hang', index: 0 });
    expect(m.cut()).toEqual({ index: 0, status: 'hung', durationMs: 1004 });
  });

  it('a runner that exits in the middle of a case without a crash report is its error', () => {
    const { m, feed } = machine();
    feed(0, { t: 'begin', index: 2 });
    feed(30, { t: 'runner-exit', exitCode: 1 });
    expect(m.stop).toEqual({ kind: 'runner-exit', exitCode: 1, index: 2 });
    expect(m.cut()).toEqual({ index: 2, status: 'error', durationMs: 30 });
  });

  it('results that never got their end marker are written after the stop', () => {
    const { m, feed } = machine();
    feed(0, { t: 'begin', index: 0 }, { t: 'result', index: 0 }, { t: 'interrupt' });
    expect(m.stop).toEqual({ kind: 'interrupted' });
    expect(m.unwritten()).toEqual([0]);
  });

  it('DriverEntry that never returns and an unload that never finishes have their own stops', () => {
    const load = machine();
    load.feed(60_000, { t: 'timeout', timer: 'load' });
    expect(load.m.stop).toEqual({ kind: 'load-hung', afterMs: 60_000 });
    const unload = machine(1);
    unload.feed(0, ...ran(0));
    unload.feed(30_000, { t: 'timeout', timer: 'unload' });
    expect(unload.m.stop).toEqual({ kind: 'unload-hung', afterMs: 30_000 });
  });
});
