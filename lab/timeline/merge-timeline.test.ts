import { describe, expect, it } from 'vitest';
import type { StepReport } from '../verdict/case-result.js';
import { alignLines } from './align-lines.js';
import { mergeTimeline } from './merge-timeline.js';

const line = (seq: number, clock: string, text: string) => `${seq}\t${clock}\t${text}`;
const shape = (entries: ReturnType<typeof mergeTimeline>) => entries.map((e) => `${e.atMs ?? '-'}${e.estimated ? '~' : ''} ${e.sources.join('+')} ${e.text}`);

describe('the merged timeline of a case', () => {
  it('shows a DbgPrint line the driver also logged once, with both sources, and a log-only line after its neighbour', () => {
    const entries = mergeTimeline({
      steps: [],
      log: {
        debug: [
          line(1, '10:00:00.000', '[7] lab: case-begin 0 echo/x'),
          line(2, '10:00:00.002', 'objdev: one'),
          line(3, '10:00:00.005', 'objdev: not logged'),
          line(4, '10:00:00.009', 'objdev: two'),
          line(5, '10:00:00.010', '[target] wine: a note'),
          line(6, '10:00:00.011', '[7] lab: case-end 0 echo/x'),
        ],
        driverLog: ['objdev: one', 'objdev: only in the file', 'objdev: two', 'objdev: last, only in the file'],
      },
    });
    expect(shape(entries)).toEqual([
      '0 guest [7] lab: case-begin 0 echo/x',
      '2 dbgprint+driver-log objdev: one',
      '2~ driver-log objdev: only in the file',
      '5 dbgprint objdev: not logged',
      '9 dbgprint+driver-log objdev: two',
      '9~ driver-log objdev: last, only in the file',
      '10 target wine: a note',
      '11 guest [7] lab: case-end 0 echo/x',
    ]);
    expect(entries[1]).toMatchObject({ seq: 2, clock: '10:00:00.002' });
  });

  it("places steps by their measured durations, stretched to the marker window, between the markers, with the client's output", () => {
    const steps: StepReport[] = [
      { index: 0, kind: 'open', error: 0, status: 0, ok: true, implicit: true },
      {
        index: 1,
        kind: 'ioctl',
        ioctl: 0x22e004,
        ioctlName: 'REFLECT',
        inLength: 11,
        outLength: 0,
        error: 0,
        status: 0,
        bytesReturned: 0,
        elapsedUs: 2000,
        output: '',
        ok: true,
      },
      { index: 2, kind: 'run', error: 0, exitCode: 1, stdout: 'hello\r\nworld\n', elapsedUs: 6000, ok: false },
    ];
    const entries = mergeTimeline({
      steps,
      log: {
        debug: [
          line(1, '23:59:59.998', '[7] lab: case-begin 0 echo/x'),
          line(2, '23:59:59.999', 'objdev: reflect'),
          line(3, '00:00:00.004', 'objdev: client'),
          line(4, '00:00:00.006', '[7] lab: case-end 0 echo/x'),
        ],
        driverLog: [],
      },
    });
    // The window is 8 ms (across midnight) and the steps took 8 ms: no stretch.
    expect(shape(entries)).toEqual([
      '0 guest [7] lab: case-begin 0 echo/x',
      '0~ step step 0 open (implicit) → error 0',
      '1 dbgprint objdev: reflect',
      '2~ step step 1 REFLECT 0x22e004 in=11 out=0 → error 0, 0 bytes (2.0 ms)',
      '6 dbgprint objdev: client',
      '8~ step step 2 run client → exit 1 (6.0 ms) ✗',
      '8~ guest client: hello',
      '8~ guest client: world',
      '8 guest [7] lab: case-end 0 echo/x',
    ]);
    expect(entries.find((e) => e.step === 2 && e.sources[0] === 'step')).toMatchObject({ bad: true });
  });

  it('keeps a crash line marked and a cut note in place, and copes with no log at all', () => {
    const entries = mergeTimeline({
      steps: [],
      log: {
        debug: [
          line(1, '10:00:00.000', '[7] lab: case-begin 3 echo/boom'),
          '... 12 lines not shown (see dbgview.log) ...',
          line(9, '10:00:00.003', '[target] wine: Unhandled page fault on write access'),
        ],
        driverLog: [],
      },
    });
    expect(shape(entries)).toEqual([
      '0 guest [7] lab: case-begin 3 echo/boom',
      '0~ target ... 12 lines not shown (see dbgview.log) ...',
      '3 target wine: Unhandled page fault on write access',
    ]);
    expect(entries[2]!.bad).toBe(true);
    expect(mergeTimeline({ steps: [] })).toEqual([]);
  });
});

describe('aligning the driver log with DbgPrint', () => {
  it('pairs lines in order by text, leaving lines only one side has unpaired', () => {
    expect(alignLines(['a', 'b', 'c', 'b', 'd'], ['a', 'x', 'b', 'd'])).toEqual([0, -1, 1, 4]);
    expect(alignLines([], ['a'])).toEqual([-1]);
    // Repeated lines pair one to one, in order.
    expect(alignLines(['r', 'r', 'r'], ['r', 'r'])).toEqual([0, 1]);
  });

  it('goes greedy beyond a million cells, so long slices cannot exhaust memory', () => {
    // 300,000 x 100,000 lines: the quadratic table would need 3·10^10 cells (120 GB), which no test
    // machine allocates; only the greedy pass can answer at all.
    const a = Array.from({ length: 300_000 }, (_, i) => `line ${i}`);
    const b = a.filter((_, i) => i % 3 === 0);
    const twins = alignLines(a, b);
    expect(twins.slice(0, 3)).toEqual([0, 3, 6]);
    expect(twins.at(-1)).toBe(299_997);
  });
});
