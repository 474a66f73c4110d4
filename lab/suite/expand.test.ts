import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandSuite } from './expand.js';
import { loadSuite } from './load-suite.js';
import { materialize, seededBytes } from './payload.js';
import { SuiteError } from './suite-error.js';
import { tempDir } from '../testing/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('expand');
});

const HEAD = `suite: t
driver: { image: x.sys, device: '\\\\.\\object_device' }
ioctls:
  REFLECT: { function: 0x801 }
  READ: { function: 0x802 }
cases:
`;

async function expand(cases: string, target = { kind: 'wine', name: 'wine' }) {
  const path = join(dir, `s${Math.random().toString(16).slice(2)}.yaml`);
  await writeFile(path, HEAD + cases);
  return expandSuite(await loadSuite(path), { target });
}

async function expandError(cases: string): Promise<string> {
  try {
    await expand(cases);
  } catch (error) {
    expect(error).toBeInstanceOf(SuiteError);
    return (error as Error).message;
  }
  throw new Error('expected expansion to fail');
}

describe('expandSuite', () => {
  it('expands the echo suite to stable ids, at least 40 cases, starting with the seed exchange', async () => {
    const first = expandSuite(await loadSuite(join(import.meta.dirname, '../../suites/echo.yaml')));
    const second = expandSuite(await loadSuite(join(import.meta.dirname, '../../suites/echo.yaml')));
    expect(first.cases.length).toBeGreaterThanOrEqual(40);
    expect(first.cases.map((c) => c.id)).toEqual(second.cases.map((c) => c.id));
    expect(first.cases[0]!.id).toBe('echo/seed-exchange');
    const seed = first.cases[0]!.steps.filter((s) => s.kind === 'ioctl');
    expect(seed.map((s) => s.kind === 'ioctl' && [s.ioctl.name, s.ioctl.code])).toEqual([
      ['REFLECT', 0x0022e004],
      ['READ', 0x0022e008],
    ]);
    expect(new Set(first.cases.map((c) => c.id)).size).toBe(first.cases.length);
  });

  it('makes one case per matrix combination, boundary sweeps included, first parameter outermost', async () => {
    const suite = await expand(
      `  - name: sweep\n    matrix:\n      len: { boundary: { around: 1024, radius: 2 } }\n      fill: [1, 2]\n    steps:\n      - ioctl: REFLECT\n        input: { repeat: '\${fill}', length: '\${len + 1}' }\n`,
    );
    expect(suite.cases.map((c) => c.id)).toEqual([
      't/sweep[len=1022,fill=1]',
      't/sweep[len=1022,fill=2]',
      't/sweep[len=1023,fill=1]',
      't/sweep[len=1023,fill=2]',
      't/sweep[len=1024,fill=1]',
      't/sweep[len=1024,fill=2]',
      't/sweep[len=1025,fill=1]',
      't/sweep[len=1025,fill=2]',
      't/sweep[len=1026,fill=1]',
      't/sweep[len=1026,fill=2]',
    ]);
    const step = suite.cases[3]!.steps[1]!;
    expect(step.kind === 'ioctl' && [step.input.length, materialize(step.input)[0]]).toEqual([1024, 2]);
  });

  it('chooses the first expectation whose `when` holds', async () => {
    const suite = await expand(
      `  - name: limit\n    matrix: { len: [1024, 1025] }\n    steps:\n      - ioctl: REFLECT\n        input: { length: '\${len}' }\n        expect:\n          - when: { len: { max: 1024 } }\n            error: 0\n          - error: ERROR_INVALID_PARAMETER\n`,
    );
    const errors = suite.cases.map((c) => c.steps.find((s) => s.kind === 'ioctl')).map((s) => s?.kind === 'ioctl' && s.expect.error);
    expect(errors).toEqual([0, 87]);
  });

  it('opens handle 0 when a case uses it without opening, and keeps sameAs on the same step', async () => {
    const suite = await expand(
      `  - name: echo\n    steps:\n      - ioctl: REFLECT\n        label: put\n        input: { text: hi }\n      - ioctl: READ\n        outLength: 16\n        expect: { output: { sameAs: put } }\n`,
    );
    const steps = suite.cases[0]!.steps;
    expect(steps[0]).toMatchObject({ kind: 'open', slot: 0, access: 'rw', implicit: true });
    const read = steps[2]!;
    expect(read.kind === 'ioctl' && read.expect.output).toEqual({ equals: { sameAsStep: 1, from: 'put' } });
  });

  it('builds every payload generator deterministically', async () => {
    const suite = await expand(
      `  - name: p\n    matrix:\n      p:\n        - { text: 'hi' }\n        - { hex: '00ff' }\n        - { allBytes: true }\n        - { withNuls: true }\n        - { random: { seed: 7 }, length: 5 }\n        - { length: 3 }\n    steps:\n      - ioctl: REFLECT\n        input: '\${p}'\n`,
    );
    const bytes = suite.cases.map((c) => {
      const s = c.steps.find((x) => x.kind === 'ioctl');
      return s?.kind === 'ioctl' ? Buffer.from(materialize(s.input)).toString('hex') : '';
    });
    expect(bytes[0]).toBe('6869');
    expect(bytes[1]).toBe('00ff');
    expect(bytes[2]).toHaveLength(512);
    expect(bytes[3]).toMatch(/^616200/);
    expect(bytes[4]).toBe(Buffer.from(seededBytes(7, 5)).toString('hex'));
    expect(bytes[5]).toBe('000000');
    expect(suite.cases[4]!.id).toBe('t/p[p=random:{"seed":7};length:5]');
  });

  it('applies skips per target kind or name', async () => {
    const text = `  - name: a\n    skip: { wine: 'Wine runs IRPs one at a time' }\n    steps: [{ sleep: 1 }]\n  - name: b\n    steps: [{ sleep: 1 }]\n`;
    expect((await expand(text)).cases.map((c) => c.skip)).toEqual(['Wine runs IRPs one at a time', undefined]);
    expect((await expand(text, { kind: 'ssh', name: 'lab-win11' })).cases.map((c) => c.skip)).toEqual([undefined, undefined]);
  });

  it('rejects a substituted value of the wrong type at the template field', async () => {
    const message = await expandError(`  - name: bad\n    matrix: { len: [1, big] }\n    steps:\n      - ioctl: REFLECT\n        outLength: '\${len}'\n`);
    expect(message).toMatch(/:11:20: cases\[0\]\.steps\[0\]\.outLength: expected a number or a \$\{\.\.\.\} placeholder, found "big" \(with len="big"\)/);
  });

  it('rejects an expectation list with no match, and duplicate ids', async () => {
    expect(
      await expandError(
        `  - name: a\n    matrix: { n: [1, 2] }\n    steps:\n      - ioctl: REFLECT\n        expect:\n          - when: { n: 1 }\n            error: 0\n`,
      ),
    ).toMatch(/expected an entry whose `when` matches \(with n=2\), found none/);
    expect(await expandError(`  - name: same\n    steps: [{ sleep: 1 }]\n  - name: Same!\n    steps: [{ sleep: 1 }]\n`)).toMatch(
      /expected a unique case id, found `t\/same` again/,
    );
  });

  it('evaluates arithmetic placeholders and refuses anything else', async () => {
    const suite = await expand(`  - name: a\n    matrix: { n: [10] }\n    steps:\n      - ioctl: REFLECT\n        outLength: '\${(n - 1) * 3 % 7 + n / 3}'\n`);
    const s = suite.cases[0]!.steps[1]!;
    expect(s.kind === 'ioctl' && s.outLength).toBe((((10 - 1) * 3) % 7) + 3);
    expect(await expandError(`  - name: a\n    matrix: { n: [1] }\n    steps:\n      - ioctl: REFLECT\n        outLength: '\${process.exit(1)}'\n`)).toMatch(
      /unexpected `\.`/,
    );
  });
});
