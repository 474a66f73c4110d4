/**
 * Every field of the suite language for real drivers, given a bad value, is a suite error (exit 2) at
 * file:line:column that names the field, what it takes and what it found: in the schema, in the rules
 * read with it, when a placeholder brings the value in, and where the guest runner would refuse it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlan } from '../guest/check-plan.js';
import { expandSuite } from './expand.js';
import { loadSuite } from './load-suite.js';
import { SuiteError } from './suite-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lab-language-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What `lab list` and `lab run` do before a target starts: load, expand, check the plan. */
async function issues(lines: string[]): Promise<string[]> {
  const file = join(dir, `s${Math.random().toString(16).slice(2)}.yaml`);
  await writeFile(file, `${lines.join('\n')}\n`);
  try {
    const loaded = await loadSuite(file);
    checkPlan(loaded, expandSuite(loaded, { target: { kind: 'wine', name: 'wine' } }));
  } catch (error) {
    if (!(error instanceof SuiteError)) throw error;
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(`${file}:`);
    return error.issues.map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);
  }
  throw new Error('expected a suite error');
}

const HEAD = ['suite: t', "driver: { image: x.sys, device: 'd' }"];

describe('the shape of every new field', () => {
  it('is checked, each at its own line and column', async () => {
    expect(
      await issues([
        ...HEAD,
        'files:',
        "  - { from: a.exe, as: '../a.exe' }",
        'ioctls:',
        '  GET: { function: 1 }',
        'cases:',
        '  - name: c',
        '    exclude: []',
        '    skip: { on: [wine] }',
        '    only: { on: [], reason: x }',
        '    steps:',
        '      - ioctl: GET',
        "        outFill: { hex: 'abc' }",
        '        inPointer: wild',
        '        outPointer: 7',
        '        async: 1x',
        '      - read: -1',
        '        offset: -5',
        '      - write: { text: a, bogus: 1 }',
        '      - wait: p',
        '        timeoutMs: 9999999',
        "      - cancel: ''",
        "      - open: { handle: 1, path: '', share: [read, nope], disposition: replace, overlapped: 'yes', device: '' }",
        '      - ioctl: GET',
        "        expect: { bytesReturned: { min: -1 }, output: { prefix: { hex: 'zz' }, length: 'long' } }",
        '      - run: []',
        "        program: 'a/b.exe'",
        "        cwd: ''",
        '        env: { 1X: v }',
        '        expect: { exitCode: some }',
        '      - load: svc',
        "        image: 'c:\\x.sys'",
      ]),
    ).toEqual([
      '4:24: files[0].as: expected a file name of letters, digits, _ . - and spaces, found "../a.exe"',
      '9:14: cases[0].exclude: expected at least 1 entries, found 0 entries',
      '10:11: cases[0].skip.reason: expected a string, found nothing',
      '11:17: cases[0].only.on: expected at least 1 entries, found 0 entries',
      '14:25: cases[0].steps[0].outFill.hex: expected an even, non-zero number of hex digits, found "abc"',
      '15:20: cases[0].steps[0].inPointer: expected one of heap, null, invalid, kernel, unaligned, readOnly, noAccess, guardPage or a ${...} placeholder, found "wild"',
      '16:21: cases[0].steps[0].outPointer: expected one of "heap", "null", "invalid", "kernel", "unaligned", "readOnly", "noAccess", "guardPage" or a string, found 7',
      '17:16: cases[0].steps[0].async: expected a name like `pending` or `read_1`, found "1x"',
      '18:15: cases[0].steps[1].read: expected at least 0, found -1',
      '19:17: cases[0].steps[1].offset: expected at least 0, found -5',
      '20:27: cases[0].steps[2].write.bogus: unknown field `bogus`',
      '22:20: cases[0].steps[3].timeoutMs: expected at most 600000, found 9999999',
      '23:17: cases[0].steps[4].cancel: expected the `async` name of an earlier step, found ""',
      '24:34: cases[0].steps[5].open.path: expected at least 1 characters or a ${...} placeholder, found ""',
      '24:52: cases[0].steps[5].open.share[1]: expected one of "read", "write", "delete", found "nope"',
      '24:72: cases[0].steps[5].open.disposition: expected one of open-existing, create-new, open-always, create-always, truncate-existing or a ${...} placeholder, found "replace"',
      '24:93: cases[0].steps[5].open.overlapped: expected true or false, found "yes"',
      '24:108: cases[0].steps[5].open.device: expected at least 1 characters, found 0 characters',
      '26:41: cases[0].steps[6].expect.bytesReturned.min: expected at least 0, found -1',
      '26:72: cases[0].steps[6].expect.output.prefix.hex: expected an even number of hex digits, found "zz"',
      '26:88: cases[0].steps[6].expect.output.length: expected a number or a ${...} placeholder, found "long"',
      '28:18: cases[0].steps[7].program: expected a file name of letters, digits, _ . - and spaces, found "a/b.exe"',
      '29:14: cases[0].steps[7].cwd: expected at least 1 characters, found 0 characters',
      '30:16: cases[0].steps[7].env.1X: expected a variable name as the key, found `1X`',
      '31:29: cases[0].steps[7].expect.exitCode: expected a number or `any` or a ${...} placeholder, found "some"',
      '33:16: cases[0].steps[8].image: expected a file name of letters, digits, _ . - and spaces, found "c:\\\\x.sys"',
    ]);
  });
});

describe('the rules read with them', () => {
  it('check files, names, generators, async requests, ranges, and what an output expectation can look at', async () => {
    expect(
      await issues([
        ...HEAD,
        'client: c.exe',
        'files:',
        '  - tool.exe',
        '  - { from: other/tool.exe }',
        '  - { from: lab.exe, as: lab-guest.exe }',
        '  - { from: y.sys, as: X.SYS }',
        'ioctls:',
        '  GET: { function: 1 }',
        'cases:',
        '  - name: c',
        '    matrix: { len: [0, 1] }',
        '    exclude:',
        '      - { size: 1 }',
        '    skip: { when: { lenn: 0 }, reason: r }',
        '    steps:',
        '      - ioctl: GET',
        "        outFill: { text: a, hex: '00' }",
        '        async: a',
        '      - read: 4',
        '        async: a',
        "      - write: { text: a, hex: '00' }",
        '      - wait: nope',
        '      - cancel: nope',
        '      - ioctl: GET',
        '        outLength: 8',
        '        outPointer: noAccess',
        '        expect: { output: { text: x }, bytesReturned: { min: 5, max: 1 } }',
        '      - ioctl: GET',
        "        expect: { output: { prefix: { text: a, hex: '00' } } }",
        '      - ioctl: GET',
        '        expect: { output: {} }',
        '      - ioctl: GET',
        '        input: null',
        '        inPointer: kernel',
        '      - parallel: { threads: 2 }',
        '        steps:',
        '          - ioctl: GET',
        '            async: p',
        '            outFill: { repeat: 1 }',
        '      - run: []',
        '        program: missing.exe',
        '      - load: s',
        '        image: missing.sys',
        '      - ioctl: GET',
        "        outFill: { text: '' }",
      ]),
    ).toEqual([
      '6:13: files[1].from: expected a name of its own in the guest folder, found `tool.exe` again (files[0]); give one of them another with `as`',
      '7:26: files[2].as: expected a name of its own in the guest folder, found `lab-guest.exe`, which the guest runner takes; give it another with `as`',
      '8:24: files[3].as: expected a name of its own in the guest folder, found `X.SYS`, which the driver image takes; give it another with `as`',
      "15:11: cases[0].exclude[0].size: expected a parameter of this case's matrix (`len`), found `size`",
      "16:21: cases[0].skip.when.lenn: expected a parameter of this case's matrix (`len`), found `lenn`",
      '19:18: cases[0].steps[0].outFill: expected exactly one of `text`, `hex`, `repeat`, `allBytes`, `withNuls`, `random`, found `text` and `hex`',
      '22:16: cases[0].steps[1].async: expected an `async` name unique in the case, found `a` again (first at steps[0])',
      '23:16: cases[0].steps[2].write: expected one generator, found `text` and `hex`',
      '24:15: cases[0].steps[3].wait: expected the `async` name of an earlier step (`a`), found `nope`',
      '25:17: cases[0].steps[4].cancel: expected the `async` name of an earlier step (`a`), found `nope`',
      '29:27: cases[0].steps[5].expect.output: expected no `output` expectation: the runner does not read an output buffer of this pointer kind (null, invalid, kernel, noAccess)',
      '29:55: cases[0].steps[5].expect.bytesReturned: expected `min` at most `max`, found 5 > 1',
      '31:37: cases[0].steps[6].expect.output.prefix: expected exactly one of `sameAs`, `text`, `hex`, found `text` and `hex`',
      '33:27: cases[0].steps[7].expect.output: expected one of `sameAs`, `text`, `hex`, `prefix` or `length`, found none',
      '36:20: cases[0].steps[8].inPointer: expected no `inPointer` with `input: null` (a NULL pointer already), found `kernel`',
      '40:13: cases[0].steps[9].steps[0].async: expected no `async` inside `parallel` (threads use plain heap buffers and wait for every call)',
      '41:13: cases[0].steps[9].steps[0].outFill: expected no `outFill` inside `parallel` (threads use plain heap buffers and wait for every call)',
      '43:18: cases[0].steps[10].program: expected a name of `files` (`tool.exe`), found `missing.exe`',
      '45:16: cases[0].steps[11].image: expected the driver image (`x.sys`) or a name of `files` (`tool.exe`), found `missing.sys`',
      '47:26: cases[0].steps[12].outFill.text: expected at least one character, found an empty text',
    ]);
  });
});

describe('values a placeholder brings, and what the guest runner would refuse', () => {
  it('are found at the field, with the parameters that made them', async () => {
    expect(
      await issues([
        ...HEAD,
        'ioctls:',
        '  GET: { function: 1 }',
        'cases:',
        '  - name: c',
        '    matrix: { ptr: [heap, wild] }',
        '    steps:',
        '      - ioctl: GET',
        "        inPointer: '${ptr}'",
        "        outLength: '${min()}'",
      ]),
    ).toEqual([
      '11:20: cases[0].steps[0].outLength: unexpected `)` in ${min()} (with ptr="heap")',
      '11:20: cases[0].steps[0].outLength: unexpected `)` in ${min()} (with ptr="wild")',
    ]);
    expect(
      await issues([
        ...HEAD,
        'ioctls:',
        '  GET: { function: 1 }',
        'cases:',
        '  - name: c',
        '    matrix: { ptr: [heap, wild] }',
        '    steps:',
        '      - ioctl: GET',
        "        inPointer: '${ptr}'",
      ]),
    ).toEqual([
      '10:20: cases[0].steps[0].inPointer: expected one of heap, null, invalid, kernel, unaligned, readOnly, noAccess, guardPage or a ${...} placeholder, found "wild" (with ptr="wild")',
    ]);
  });

  it('asks for an overlapped open where a step starts an async request on it', async () => {
    expect(
      await issues([...HEAD, 'cases:', '  - name: d', '    steps:', '      - open: { handle: 2 }', '      - read: 4', '        handle: 2', '        async: r']),
    ).toEqual(['6:15: cases[0].steps[0].open: expected `overlapped: true`: step 1 starts an `async` request on handle 2']);
  });

  it('refuses a NUL in a path, an environment value or a working folder, and a lone surrogate, as the runner would', async () => {
    const at = async (step: string[]) => issues([...HEAD, 'client: c.exe', 'cases:', '  - name: e', '    steps:', ...step]);
    expect(await at(['      - open: { handle: 1, path: "a\\0b" }'])).toEqual([
      '7:34: cases[0].steps[0].open.path: the guest runner would refuse it: it must be a non-empty string without NUL',
    ]);
    expect(await at(['      - run: []', '        env: { X: "a\\0b" }'])).toEqual([
      '8:19: cases[0].steps[0].env.X: the guest runner would refuse it: it must be a string without NUL',
    ]);
    expect(await at(['      - run: []', '        cwd: "\\uD800"'])).toEqual([
      '8:14: cases[0].steps[0].cwd: the guest runner would refuse it: it is not well-formed Unicode (a lone surrogate)',
    ]);
  });
});
