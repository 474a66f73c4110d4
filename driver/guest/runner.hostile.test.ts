/**
 * A hostile plan under real Wine: huge lengths, garbage, over-long lines, NUL bytes, broken blocks and
 * stray steps. The runner must survive all of it, report every case (run, or a case error saying why),
 * still unload the driver and exit 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuestEvent, IoctlOutcome } from '../../lab/guest/result.js';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import { built, eventsOf, OBJDEV, RUNNER, runGuest, type GuestRun } from './testing/guest-run.js';

const MiB = 1024 * 1024;

/** The plan as parts, so line numbers can be asserted; joined with "\n". */
const parts: Array<string | Buffer> = [
  'lab-plan 1',
  'device \\\\.\\object_device',
  'driver objdev C:\\lab\\objdev.sys',
  'log C:\\objdev.log',
  'open 0 rw', // line 5: a step before any case
  'this is garbage', // line 6
  'case 0 input-16MiB',
  'open 0 rw',
  `ioctl 0 0x0022E004 ${16 * MiB} 0 x:5a`,
  `ioctl 0 0x0022E008 0 ${16 * MiB} -`,
  'end',
  'case 1 over-the-limit-refused',
  'open 0 rw',
  `ioctl 0 0x0022E004 ${20 * MiB} 0 x:5a`,
  `ioctl 0 0x0022E008 0 ${16 * MiB + 1} -`,
  'ioctl 0 0x0022E004 2 0 x:6f6b',
  'ioctl 0 0x0022E008 0 16 -',
  'end',
  'case 2 unknown-code',
  'open 0 rw',
  'ioctl 0 0x0022E000 0 0 -',
  'end',
  'case 3 garbage-line',
  'open 0 rw',
  'fly me to the moon', // line 25
  'end',
  'case 4 ten-megabyte-garbage',
  'q'.repeat(10 * MiB),
  'end',
  'case 5 bad-number',
  'ioctl 0 0xZZ 0 0 -',
  'end',
  'case 6 slot-out-of-range',
  'open 16 rw',
  'end',
  'case 7 par-without-endpar',
  'open 0 rw',
  'par 2 2', // line 38
  'ioctl 0 0x0022E008 0 16 -',
  'end',
  'case 8 embedded-nul',
  Buffer.from('open 0 rw\0 junk'),
  'end',
  'case 9 missing-end', // line 44
  'open 0 rw',
  'case 10 after-missing-end',
  'open 0 rw',
  'ioctl 0 0x0022E004 2 0 x:6869',
  'ioctl 0 0x0022E008 0 16 -',
  'end',
  'sleep 5', // line 51: a step between cases
  'end', // line 52
  'case 11 over-64MiB-line',
  `ioctl 0 0x0022E004 16 0 x:${'ab'.repeat(35 * MiB)}`,
  'end',
  'case 12 exec-inside-par',
  'par 2 1',
  'exec 100 41',
  'endpar',
  'end',
  'case 13 nested-par',
  'par 2 1',
  'par 2 1',
  'endpar',
  'end',
  'case 14 header-in-case',
  'device \\\\.\\other',
  'end',
  'case 15 number-overflow',
  'ioctl 0 0x0022E004 99999999999999999999999 0 x:',
  'end',
  'case 16 bad-hex',
  'ioctl 0 0x0022E004 3 0 x:abc',
  'end',
  'case seventeen bad-index', // line 75
  'open 0 rw',
  'end',
  'case 18 survivor\r', // CRLF line endings are fine
  'open 0 rw\r',
  'ioctl 0 0x0022E004 3 0 x:656e64\r',
  'ioctl 0 0x0022E008 0 16 -\r',
  'end\r',
  'case 19 no-end-at-eof', // line 83
  'open 0 rw',
];
const plan = Buffer.concat(parts.flatMap((p, i) => [Buffer.from(p), Buffer.from(i === parts.length - 1 ? '' : '\n')]));

let prefix: FreshPrefix;
let run: GuestRun;

beforeAll(async () => {
  await built(RUNNER, OBJDEV);
  prefix = await freshPrefix();
  run = await runGuest(prefix, plan, { timeoutMs: 110_000 });
}, 120_000);

afterAll(async () => {
  await prefix?.dispose();
});

const reported = (index: number) =>
  run.events.filter((e): e is Extract<GuestEvent, { t: 'case' | 'case-error' }> => (e.t === 'case' || e.t === 'case-error') && e.index === index);
const errorOf = (index: number) => {
  const [e] = reported(index);
  if (e?.t !== 'case-error') throw new Error(`case ${index} was ${e?.t ?? 'not reported'}`);
  return e;
};
const stepsOf = (index: number) => {
  const [e] = reported(index);
  if (e?.t !== 'case') throw new Error(`case ${index} was ${e?.t ?? 'not reported'}: ${JSON.stringify(e)}`);
  return e.steps as IoctlOutcome[];
};

describe('a hostile plan', () => {
  it('survives: every case is reported once, the driver is unloaded, exit 0', () => {
    expect(run.exitCode).toBe(0);
    expect(run.timedOut).toBe(false);
    for (let i = 0; i < 20; i++) if (i !== 17) expect(reported(i), `case ${i}`).toHaveLength(1);
    expect(run.events.at(-2)).toMatchObject({ t: 'unload', error: 0, openAfter: 2 });
    expect(run.events.at(-1)).toEqual({ t: 'end', cases: 20 });
  });

  it('runs a 16 MiB input and a 16 MiB output buffer (the driver answers 87 to the input)', () => {
    expect(stepsOf(0)[0]).toEqual({ kind: 'open', error: 0, status: 0 });
    expect(
      stepsOf(0)
        .slice(1)
        .map((s) => [s.error, s.bytesReturned, s.guardDamaged]),
    ).toEqual([
      [87, 0, false],
      [0, 0, false],
    ]);
  });

  it('refuses lengths over 16 MiB per step, and runs the steps after them', () => {
    const s = stepsOf(1);
    expect(s[1]).toMatchObject({ error: null, refused: `inLen ${20 * MiB} is over the limit of ${16 * MiB} bytes` });
    expect(s[2]).toMatchObject({ error: null, refused: `outLen ${16 * MiB + 1} is over the limit of ${16 * MiB} bytes` });
    expect(s[3]).toMatchObject({ error: 0 });
    expect(Buffer.from(s[4]?.output ?? []).toString()).toBe('ok');
  });

  it('sends an unknown code as it is: the correct driver answers 1', () => {
    expect(stepsOf(2)[1]).toMatchObject({ error: 1, bytesReturned: 0 });
  });

  it.each<[number, RegExp, number]>([
    [3, /^unknown directive 'fly'$/, 25],
    [4, /^unknown directive 'q{40}'\.\.\.$/, 28],
    [5, /^bad code '0xZZ'$/, 31],
    [6, /^slot '16' is out of range \(0\.\.15\)$/, 34],
    [7, /^par at line 38 has no endpar$/, 38],
    [8, /^line 42 contains a NUL byte$/, 42],
    [9, /^the case has no 'end' before the next case \(line 46\)$/, 44],
    [11, /^line 54 is longer than 67108864 bytes$/, 54],
    [12, /^'exec' is not allowed inside par$/, 58],
    [13, /^'par' is not allowed inside par$/, 63],
    [14, /^header directive 'device' inside a case$/, 67],
    [15, /^bad inLen '99999999999999999999999'$/, 70],
    [16, /^bad payload hex/, 73],
    [19, /^the case has no 'end' \(the plan ends at line 84\)$/, 83],
  ])('case %i is reported as a case error with its reason and line', (index, message, line) => {
    const e = errorOf(index);
    expect(e.error).toMatch(message);
    expect(e.line).toBe(line);
    expect(e.id).not.toBe('');
    expect(eventsOf(run, 'begin').some((b) => b.index === index)).toBe(false); // never started
  });

  it('reports lines outside any case, and an unreadable case line, with index -1', () => {
    const outside = eventsOf(run, 'case-error').filter((e) => e.index === -1);
    expect(outside.map((e) => [e.line, e.error, e.id])).toEqual([
      [5, "step 'open' outside a case", ''],
      [6, "unknown directive 'this'", ''],
      [51, "step 'sleep' outside a case", ''],
      [52, "step 'end' outside a case", ''],
      [75, 'bad case index', ''],
    ]);
  });

  it('runs the case after a missing end, and a CRLF case, normally', () => {
    expect(stepsOf(10).map((s) => s.error)).toEqual([0, 0, 0]);
    expect(Buffer.from(stepsOf(10)[2]?.output ?? []).toString()).toBe('hi');
    expect(Buffer.from(stepsOf(18)[2]?.output ?? []).toString()).toBe('end');
    expect(reported(18)[0]?.id).toBe('survivor');
  });
});

describe('hostile uses of required, fresh and workdir', () => {
  const lines = [
    'lab-plan 1',
    'device \\\\.\\object_device',
    'driver objdev C:\\lab\\objdev.sys',
    'workdir C:\\lab',
    'case 0 required-twice', // line 5
    'open 0 rw required required',
    'end',
    'case 1 required-misspelt',
    'open 0 rw requird', // line 9
    'end',
    'case 2 fresh-misspelt freshly', // line 11
    'end',
    'case 3 fresh-and-more fresh now', // line 13
    'end',
    'case 4 fresh-runs fresh',
    'open 0 rw required',
    'ioctl 0 0x0022E008 0 16 -',
    'end',
    'case 5 required-on-a-missing-device',
    'unload objdev',
    'open 0 rw required',
    'close 0',
    'end',
    'case 6 after-the-missing-device',
    'open 0 rw required',
    'end',
  ];
  let hostile: GuestRun;
  beforeAll(async () => {
    hostile = await runGuest(prefix, `${lines.join('\n')}\n`, { timeoutMs: 60_000 });
  }, 90_000);
  const of = (index: number) =>
    hostile.events.filter((e): e is Extract<GuestEvent, { t: 'case' | 'case-error' }> => (e.t === 'case' || e.t === 'case-error') && e.index === index);

  it.each<[number, string, number]>([
    [0, "option 'required' is given twice", 6],
    [1, "unknown option 'requird' (expected 'open <slot> <access> [required] [overlapped] [path=<hex>] [device=<hex>] [share=<rwd>] [disposition=<word>]')", 9],
    [2, "unknown case option 'freshly' (only 'fresh')", 11],
  ])('case %i is a case error, with its reason and line', (index, error, line) => {
    expect(of(index)).toEqual([{ t: 'case-error', index, id: expect.any(String), error, line }]);
  });

  it('a case line with more than one option cannot be read: index -1, at its line', () => {
    expect(of(-1)).toEqual([{ t: 'case-error', index: -1, id: '', error: "expected 'case <index> <id> [fresh]'", line: 13 }]);
  });

  it('runs what is well-formed: a fresh case, a required open that stops its case, and a fresh load after it', () => {
    expect(hostile.exitCode).toBe(0);
    expect(of(4)[0]).toMatchObject({ t: 'case', fresh: { why: 'asked', error: 0 }, steps: [{ error: 0 }, { error: 0 }] });
    expect(of(5)[0]).toMatchObject({
      t: 'case',
      stopped: 1,
      steps: [
        { kind: 'unload', error: 0 },
        { kind: 'open', error: 2 },
      ],
    });
    expect(of(6)[0]).toMatchObject({ t: 'case', fresh: { why: 'device-gone', after: 'required-on-a-missing-device' }, steps: [{ error: 0 }] });
    expect(hostile.events.at(-1)).toEqual({ t: 'end', cases: 7 });
  });
});

describe('hostile uses of the words for real drivers', () => {
  // [a step line, the error it must give]; each in a case of its own, one line after its case line.
  const bad: Array<[string, string]> = [
    ['ioctl 0 0x1 0 0 x: fill=', "option 'fill' has no value"],
    ['ioctl 0 0x1 0 4 x: fill=zz', 'bad fill hex (an even, non-zero number of hex digits expected)'],
    ['ioctl 0 0x1 0 0 x: in=wild', "bad pointer kind 'wild'"],
    ['ioctl 0 0x1 0 0 x: in=null in=null', "option 'in' is given twice"],
    ['ioctl 0 0x1 4 0 - in=kernel', "the payload '-' is a NULL pointer already: it takes no other pointer kind"],
    ['ioctl 0 0x1 0 0 x: async=16', "async slot '16' is out of range (0..15)"],
    [
      'ioctl 0 0x1 0 0 x: offset=1',
      "unknown option 'offset=1' (expected 'ioctl <slot> <code> <inLen> <outLen> <payload> [fill=<hex>] [in=<ptr>] [out=<ptr>] [async=<n>]')",
    ],
    ['read 0', "expected 'read <slot> <length> [offset=<n>] [fill=<hex>] [buf=<ptr>] [async=<n>]'"],
    ['read 0 16 in=null', "unknown option 'in=null' (expected 'read <slot> <length> [offset=<n>] [fill=<hex>] [buf=<ptr>] [async=<n>]')"],
    ['read 0 16 offset=9007199254740992', "offset '9007199254740992' is out of range (0..9007199254740991)"],
    ['write 0 1 x:00 fill=00', "unknown option 'fill=00' (expected 'write <slot> <length> <payload> [offset=<n>] [buf=<ptr>] [async=<n>]')"],
    ['wait 0', "expected 'wait <async> <timeoutMs>'"],
    ['wait 16 1', "async slot '16' is out of range (0..15)"],
    ['wait 0 600001', "timeoutMs '600001' is out of range (0..600000)"],
    ['cancel x', "bad async slot 'x'"],
    ['open 0 rw share=rr', "bad share 'rr' (r, w, d once each, or none)"],
    ['open 0 rw disposition=replace', "bad disposition 'replace'"],
    ['open 0 rw path=00', 'the path is empty, has a NUL byte or is not UTF-8'],
    [
      'open 0 rw required=1',
      "unknown option 'required=1' (expected 'open <slot> <access> [required] [overlapped] [path=<hex>] [device=<hex>] [share=<rwd>] [disposition=<word>]')",
    ],
    ['exec 10 78 env=3d31', 'env entry 1 is not NAME=VALUE'],
    ['exec 10 78 env=413d31003d32', 'env entry 2 is not NAME=VALUE'],
    ['exec 10 78 cwd=', "option 'cwd' has no value"],
    ['load objdev image=zz', 'bad image path hex'],
    ['unload objdev image=00', "expected 'unload <service>'"],
  ];
  const lines = ['lab-plan 1', 'device \\\\.\\object_device', 'driver objdev C:\\lab\\objdev.sys'];
  bad.forEach(([step], i) => lines.push(`case ${i} bad-${i}`, step, 'end'));
  // Inside par: options and the steps that take them have no place there.
  const parCases: Array<[string, string]> = [
    ['ioctl 0 0x1 0 0 x: fill=00', 'options are not allowed inside par'],
    ['read 0 1', "'read' is not allowed inside par"],
    ['open 0 rw overlapped', "'overlapped' is not allowed inside par"],
    ['wait 0 1', "'wait' is not allowed inside par"],
  ];
  parCases.forEach(([step], i) => lines.push(`case ${bad.length + i} par-${i}`, 'par 2 1', step, 'endpar', 'end'));
  const last = bad.length + parCases.length;
  lines.push(`case ${last} still-runs`, 'open 0 rw', 'ioctl 0 0x0022E004 2 0 x:6f6b', 'read 0 4', 'end');

  let hostile: GuestRun;
  beforeAll(async () => {
    hostile = await runGuest(prefix, `${lines.join('\n')}\n`, { timeoutMs: 60_000 });
  }, 90_000);

  it.each(bad.map(([step, error], i) => [i, step, error] as const))('case %i (%s) is a case error at its line: %s', (index, _step, error) => {
    const reported = hostile.events.filter((e) => (e.t === 'case' || e.t === 'case-error') && e.index === index);
    expect(reported).toEqual([{ t: 'case-error', index, id: `bad-${index}`, error, line: 5 + 3 * index }]);
  });

  it('refuses inside par what only a case may do', () => {
    parCases.forEach(([, error], i) => {
      const index = bad.length + i;
      expect(hostile.events.filter((e) => e.t === 'case-error' && e.index === index)).toEqual([
        { t: 'case-error', index, id: `par-${i}`, error, line: 3 + 3 * bad.length + 5 * i + 3 },
      ]);
    });
  });

  it('runs the well-formed case after them: objdev answers a read with 1 (it has no IRP_MJ_READ)', () => {
    expect(hostile.exitCode).toBe(0);
    const ok = hostile.events.find((e) => e.t === 'case' && e.index === last);
    expect(ok).toMatchObject({
      steps: [
        { kind: 'open', error: 0 },
        { kind: 'ioctl', error: 0 },
        { kind: 'read', error: 1 },
      ],
    });
    expect(hostile.events.at(-1)).toEqual({ t: 'end', cases: last + 1 });
  });
});
