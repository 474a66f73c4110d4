import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../guest/check-plan.js';
import type { CaseStep, ThreadStep } from '../suite/case.js';
import { expandSuite } from '../suite/expand.js';
import { loadSuite } from '../suite/load-suite.js';
import { materialize } from '../suite/payload.js';
import { opsCase } from './batch-case.js';
import { findingsYaml, type FindingCase } from './findings-yaml.js';
import { fuzzSpace } from './fuzz-space.js';
import type { FuzzOp } from './fuzz-op.js';
import { withOpens } from './trials.js';
import { tempDir } from '../testing/temp-dir.js';

const echo = await loadSuite('suites/echo.yaml');
const echoSuite = expandSuite(echo, {});
const names = fuzzSpace(echoSuite, echo.raw).names;
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

const ops: FuzzOp[] = [
  { kind: 'ioctl', slot: 0, code: 0x22e004, input: { pattern: bytes('00ff4142'), length: 10 }, outLength: 0 },
  { kind: 'ioctl', slot: 0, code: 0x22e008, input: { pattern: new Uint8Array(0), length: 0, nullPointer: true }, outLength: 20417 },
  { kind: 'ioctl', slot: 1, code: 0x22e004, input: { pattern: bytes('5a'), length: 666 }, outLength: 3 },
  { kind: 'ioctl', slot: 3, code: 0x0022200b, input: { pattern: new Uint8Array(0), length: 7 }, outLength: 1 },
  { kind: 'open', slot: 6, access: 'w' },
  { kind: 'ioctl', slot: 6, code: 0x8000e00c, input: { pattern: new Uint8Array(0), length: 0 }, outLength: 0 },
  { kind: 'close', slot: 6 },
  // NULL with a length, a kernel output pointer, an output fill; an open under the device's name.
  { kind: 'ioctl', slot: 0, code: 0x22e007, input: { pattern: new Uint8Array(0), length: 12 }, inPointer: 'null', outLength: 8, outPointer: 'kernel' },
  { kind: 'ioctl', slot: 0, code: 0x22e005, input: { pattern: bytes('41'), length: 3 }, outLength: 32, outFill: bytes('deadbeef') },
  { kind: 'open', slot: 7, access: 'rw', path: '\\sub\\"name"', share: [], disposition: 'open-always' },
  { kind: 'ioctl', slot: 7, code: 0x22e004, input: { pattern: new Uint8Array(0), length: 0 }, outLength: 0, inPointer: 'guardPage' },
  {
    kind: 'par',
    threads: 3,
    iterations: 2,
    ops: [
      { kind: 'open', slot: 9, access: 'rw' },
      { kind: 'ioctl', slot: 9, code: 0x22e008, input: { pattern: bytes('0102'), length: 4 }, outLength: 16 },
      { kind: 'close', slot: 9 },
    ],
  },
];

/** What the guest is asked to do, step by step (slots are renumbered in findings.yaml, so handles by access). */
function shape(steps: ReadonlyArray<CaseStep | ThreadStep>, access = new Map<number, string>()): unknown[] {
  return steps.flatMap((s): unknown[] => {
    switch (s.kind) {
      case 'open':
        access.set(s.slot, s.access);
        return s.path !== undefined ? [{ open: s.path, share: s.share, disposition: s.disposition }] : [];
      case 'close':
        return ['close'];
      case 'ioctl':
        return [
          {
            code: s.ioctl.code,
            in: Buffer.from(materialize(s.input)).toString('hex'),
            nullIn: Boolean(s.input.nullPointer),
            out: s.outLength,
            handle: access.get(s.slot) ?? 'rw',
            inPointer: s.inPointer,
            outPointer: s.outPointer,
            fill: s.outFill ? Buffer.from(s.outFill).toString('hex') : '',
          },
        ];
      case 'parallel':
        return [{ threads: s.threads, iterations: s.iterations, steps: shape(s.steps, new Map(access)) }];
      default:
        return [s.kind];
    }
  });
}

async function written(cases: FindingCase[]): Promise<string> {
  const dir = await tempDir('findings');
  const file = join(dir, 'findings.yaml');
  await writeFile(
    file,
    findingsYaml({ suite: echoSuite, raw: echo.raw, names, dir, schemaPath: '../lab/suite/suite.schema.json', header: ['lab fuzz findings'], cases }),
  );
  return file;
}

describe('findings.yaml', () => {
  it('is a suite lab reads as any other, whose case makes exactly the calls that were shrunk', async () => {
    const file = await written([{ id: 'F1', name: 'fuzz F1 crash: the lot', description: 'seed 7', ops, comments: ['F1: crash'] }]);
    const loaded = await loadSuite(file);
    const suite = expandSuite(loaded, {});
    checkPlan(loaded, suite, {});
    expect(suite.name).toBe('echo-fuzz');
    expect(suite.driver).toEqual(echoSuite.driver);
    expect(loaded.raw.ioctls).toEqual(echo.raw.ioctls);
    expect(suite.cases).toHaveLength(1);
    expect(shape(suite.cases[0]!.steps)).toEqual(shape(opsCase(withOpens(ops), names, { index: 0, id: 'x', timeoutMs: 1, source: 'x' }).steps));
    // It uses the suite's names, so it can be pasted into it.
    const text = await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8'));
    expect(text).toMatch(/- ioctl: READ\n\s+outLength: 20417\n/);
    expect(text).toMatch(/- ioctl: REFLECT\n\s+handle: 1\n\s+input: \{ repeat: 0x5A, length: 666 \}\n\s+outLength: 3\n/);
    expect(text).toMatch(/- ioctl: 0x8000E00C\n/);
    // `null` quoted, or YAML would read no pointer kind at all.
    expect(text).toMatch(/- ioctl: REFLECT_AS_NEITHER\n\s+input: \{ length: 12 \}\n\s+inPointer: "null"\n\s+outLength: 8\n\s+outPointer: "kernel"\n/);
    expect(text).toMatch(/outFill: \{ hex: 'deadbeef' \}/);
    expect(text).toMatch(/- open: \{ handle: 4, access: read-write, path: "\\\\sub\\\\\\"name\\"", share: \[\], disposition: open-always \}/);
    expect(suite.cases[0]!.fresh).toBe(true);
  });

  it('keeps driver text in comments, inert: a newline, an escape or YAML in it never becomes YAML', async () => {
    const hostile = 'fault: wine: page fault\n  - name: injected\n    steps: []\u001b]0;owned\u0007\r\tend';
    const file = await written([
      {
        id: 'F1',
        name: 'fuzz F1 crash: "quoted" \\ name',
        description: `seed 7: ${hostile}`,
        ops: ops.slice(0, 1),
        comments: [hostile, 'backtrace:', `  ${hostile}`],
      },
    ]);
    const text = await import('node:fs/promises').then((fs) => fs.readFile(file, 'utf8'));
    for (const line of text.split('\n')) expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text).not.toMatch(/^\s*- name: injected/m);
    const suite = expandSuite(await loadSuite(file), {});
    expect(suite.cases.map((c) => c.name)).toEqual(['fuzz F1 crash: "quoted" \\ name']);
  });

  it('points at the driver image from where it is written', async () => {
    const file = await written([{ id: 'F1', name: 'fuzz F1', description: '', ops: ops.slice(1, 2), comments: [] }]);
    const driver = expandSuite(await loadSuite(file), {}).driver;
    expect(resolve(driver.image)).toBe(echoSuite.driver.image);
  });
});
