/**
 * Expansion of the steps for real drivers: read and write, output fills, pointer kinds, async requests
 * with wait and cancel, opens under the device, run steps with a program, folder and environment, loads
 * of another image; and the defaults they leave unsaid, written out.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case, CaseStep } from './case.js';
import { describeCase } from './describe-case.js';
import { expandSuite } from './expand.js';
import { loadSuite } from './load-suite.js';
import { seededBytes } from './payload.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-transfers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEAD = `suite: t
driver: { image: dev.sys, device: '\\\\.\\dev' }
client: client.exe
files:
  - tool.exe
  - { from: builds/dev-v2.sys, as: next.sys }
ioctls:
  GET: { deviceType: 0x8000, function: 0x900, method: out-direct, access: any }
  PUT: { function: 0x801 }
cases:
`;

async function load(cases: string) {
  const file = join(dir, `s${Math.random().toString(16).slice(2)}.yaml`);
  await writeFile(file, HEAD + cases);
  return expandSuite(await loadSuite(file), { target: { kind: 'wine', name: 'wine' } });
}

async function steps(body: string): Promise<CaseStep[]> {
  const suite = await load(`  - name: c\n    steps:\n${body}`);
  return suite.cases[0]!.steps;
}

describe('steps for real drivers', () => {
  it('fills an output buffer before the call, from any generator; random fills cover the whole buffer', async () => {
    const s = await steps(
      '      - ioctl: GET\n        outLength: 4\n        outFill: { text: ab }\n' +
        '      - ioctl: GET\n        outLength: 4\n        outFill: { repeat: 0xEE }\n' +
        '      - ioctl: GET\n        outLength: 6\n        outFill: { random: { seed: 9 } }\n' +
        '      - ioctl: GET\n        outLength: 4\n',
    );
    const fills = s.filter((x) => x.kind === 'ioctl').map((x) => (x.kind === 'ioctl' && x.outFill ? Buffer.from(x.outFill).toString('hex') : undefined));
    expect(fills).toEqual(['6162', 'ee', Buffer.from(seededBytes(9, 6)).toString('hex'), undefined]);
  });

  it('takes a pointer kind for each buffer, heap when none is said', async () => {
    const s = await steps(
      '      - ioctl: GET\n        input: { text: hi }\n        inPointer: unaligned\n        outLength: 8\n        outPointer: guardPage\n      - ioctl: GET\n',
    );
    expect(s[1]).toMatchObject({ kind: 'ioctl', inPointer: 'unaligned', outPointer: 'guardPage' });
    expect(s[2]).toMatchObject({ kind: 'ioctl', inPointer: 'heap', outPointer: 'heap' });
  });

  it('reads and writes with a length, an offset and the same expectations as an ioctl', async () => {
    const s = await steps(
      '      - write: { text: world }\n        label: w\n        offset: 3\n        inPointer: readOnly\n        expect: { bytesReturned: 5 }\n' +
        '      - read: 16\n        outFill: { repeat: 1 }\n        outPointer: noAccess\n        expect: { status: STATUS_ACCESS_VIOLATION }\n' +
        '      - read: 5\n        offset: 3\n        expect: { bytesReturned: { min: 1, max: 5 }, output: { sameAs: w } }\n',
    );
    expect(s.map((x) => x.kind)).toEqual(['open', 'write', 'read', 'read']);
    expect(s[1]).toMatchObject({ kind: 'write', slot: 0, offset: 3, inPointer: 'readOnly', expect: { bytesReturned: 5 } });
    expect(s[2]).toMatchObject({ kind: 'read', length: 16, outPointer: 'noAccess', expect: { status: 0xc0000005 } });
    expect(s[2]).not.toHaveProperty('offset');
    // `sameAs` points at the write, past the implicit open.
    expect(s[3]).toMatchObject({ kind: 'read', offset: 3, expect: { bytesReturned: { min: 1, max: 5 }, output: { equals: { sameAsStep: 1, from: 'w' } } } });
  });

  it('gives async requests slots in order, points each wait at its request, and opens their handle overlapped', async () => {
    const s = await steps(
      '      - ioctl: GET\n        outLength: 4\n        async: first\n' +
        '      - read: 8\n        async: second\n' +
        '      - cancel: first\n' +
        '      - wait: first\n        expect: { status: STATUS_CANCELLED }\n' +
        '      - wait: second\n        timeoutMs: 50\n',
    );
    expect(s[0]).toMatchObject({ kind: 'open', slot: 0, implicit: true, overlapped: true });
    expect(s[1]).toMatchObject({ kind: 'ioctl', async: { name: 'first', slot: 0 } });
    expect(s[2]).toMatchObject({ kind: 'read', async: { name: 'second', slot: 1 } });
    expect(s[3]).toMatchObject({ kind: 'cancel', async: { name: 'first', slot: 0 } });
    expect(s[4]).toMatchObject({ kind: 'wait', async: { name: 'first', slot: 0 }, of: 1, timeoutMs: 5000, expect: { status: 0xc0000120 } });
    expect(s[5]).toMatchObject({ kind: 'wait', of: 2, timeoutMs: 50 });
  });

  it('leaves an implicit open synchronous when nothing on its handle is async', async () => {
    const s = await steps('      - ioctl: GET\n');
    expect(s[0]).toMatchObject({ kind: 'open', implicit: true, overlapped: false, share: ['read', 'write'], disposition: 'open-existing' });
  });

  it('opens a path under the device or another device, with share, disposition and overlapped', async () => {
    const s = await steps(
      "      - open: { handle: 1, path: '\\sub\\name', share: [], disposition: create-new, overlapped: true }\n" +
        "      - open: { handle: 2, device: '\\\\.\\other', access: read }\n",
    );
    expect(s[0]).toMatchObject({ kind: 'open', slot: 1, path: '\\sub\\name', share: [], disposition: 'create-new', overlapped: true, access: 'rw' });
    expect(s[1]).toMatchObject({
      kind: 'open',
      slot: 2,
      device: '\\\\.\\other',
      share: ['read', 'write'],
      disposition: 'open-existing',
      overlapped: false,
      access: 'r',
    });
  });

  it('runs a deployed program in a folder with an environment, and checks exit code 0 unless told `any`', async () => {
    const s = await steps(
      "      - run: [a]\n        program: tool.exe\n        cwd: sub\n        env: { X: '1' }\n" +
        '      - run: []\n' +
        '      - run: []\n        expect: { exitCode: any }\n' +
        '      - run: []\n        expect: { exitCode: 3 }\n',
    );
    expect(s[0]).toMatchObject({ kind: 'run', program: 'tool.exe', cwd: 'sub', env: { X: '1' }, timeoutMs: 30_000, expect: { exitCode: 0 } });
    expect(s[1]).toMatchObject({ kind: 'run', expect: { exitCode: 0 } });
    expect(s[1]).not.toHaveProperty('program');
    expect(s[2]).toMatchObject({ expect: { exitCode: 'any' } });
    expect(s[3]).toMatchObject({ expect: { exitCode: 3 } });
  });

  it("loads another deployed image, and the driver's own by its file name", async () => {
    const s = await steps('      - load: dev\n        image: next.sys\n      - load: dev\n        image: dev.sys\n      - load: dev\n');
    expect(s[0]).toMatchObject({ kind: 'load', service: 'dev', image: 'next.sys' });
    expect(s[1]).not.toHaveProperty('image');
    expect(s[2]).not.toHaveProperty('image');
  });

  it('resolves `files` against the suite, each under its name in the guest folder', async () => {
    const suite = await load('  - name: c\n    steps:\n      - sleep: 1\n');
    expect(suite.files).toEqual([
      { path: join(dir, 'tool.exe'), name: 'tool.exe' },
      { path: join(dir, 'builds', 'dev-v2.sys'), name: 'next.sys' },
    ]);
  });

  it('expects an output prefix (text, hex or what a step sent) and a length, exact or a range', async () => {
    const s = await steps(
      '      - ioctl: PUT\n        label: put\n        input: { text: hello }\n' +
        "      - ioctl: GET\n        outLength: 64\n        expect: { output: { prefix: 'xfer:', length: 12 } }\n" +
        "      - ioctl: GET\n        outLength: 64\n        expect: { output: { prefix: { hex: '0a0b' }, length: { min: 2 } } }\n" +
        '      - ioctl: GET\n        outLength: 64\n        expect: { output: { prefix: { sameAs: put } } }\n',
    );
    expect(s[2]).toMatchObject({ expect: { output: { prefix: { bytes: new TextEncoder().encode('xfer:') }, length: 12 } } });
    expect(s[3]).toMatchObject({ expect: { output: { prefix: { bytes: Uint8Array.of(10, 11) }, length: { min: 2 } } } });
    expect(s[4]).toMatchObject({ expect: { output: { prefix: { sameAsStep: 1, from: 'put' } } } });
  });

  it('computes min() and max() in placeholders, nested and with arithmetic', async () => {
    const suite = await load(
      "  - name: m\n    matrix:\n      len: [0, 40]\n    steps:\n      - ioctl: GET\n        outLength: '${max(len, 8) * 2}'\n        expect: { bytesReturned: '${min(len + 5, 38, max(len, 20))}' }\n",
    );
    const got = suite.cases.map((c) => c.steps.find((x) => x.kind === 'ioctl')).map((x) => x?.kind === 'ioctl' && [x.outLength, x.expect.bytesReturned]);
    expect(got).toEqual([
      [16, 5],
      [80, 38],
    ]);
  });
});

describe('lab list --json: resolved steps with every default', () => {
  it('writes out what the suite left unsaid', async () => {
    const suite = await load(
      '  - name: c\n    steps:\n      - ioctl: PUT\n        input: { text: hi }\n      - ioctl: GET\n        outLength: 8\n      - read: 4\n      - run: [x]\n      - load: dev\n',
    );
    const d = describeCase(suite.cases[0] as Case, suite) as { steps: Array<Record<string, unknown>> };
    expect(d.steps[0]).toMatchObject({
      kind: 'open',
      handle: 0,
      path: '\\\\.\\dev',
      access: 'read-write',
      share: ['read', 'write'],
      disposition: 'open-existing',
      overlapped: false,
      implicit: true,
    });
    // An IOCTL's method and access decoded: PUT said neither, and read-write is the default.
    expect(d.steps[1]).toMatchObject({
      kind: 'ioctl',
      handle: 0,
      ioctl: { name: 'PUT', code: '0x0022E004', deviceType: '0x22', function: '0x801', method: 'buffered', access: 'read-write' },
      outLength: 0,
      outFill: 'zeros',
      outPointer: 'null (no output buffer)',
      inPointer: 'heap',
      async: null,
    });
    expect(d.steps[2]).toMatchObject({ ioctl: { code: '0x80002402', method: 'out-direct', access: 'any' }, outFill: 'zeros', outPointer: 'heap' });
    expect(d.steps[3]).toMatchObject({ kind: 'read', offset: "the handle's position (0 on an overlapped handle)", outFill: 'zeros' });
    expect(d.steps[4]).toMatchObject({
      kind: 'run',
      program: join(dir, 'client.exe'),
      cwd: 'the folder the files were deployed to',
      env: {},
      timeoutMs: 30_000,
      expect: { exitCode: 0 },
    });
    expect(d.steps[5]).toMatchObject({ kind: 'load', image: join(dir, 'dev.sys') });
    expect(d).toMatchObject({ timeoutMs: 10_000, isolation: 'suite' });
  });
});
