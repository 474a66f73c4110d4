/**
 * `error:` takes every Win32 name and `status:` every NTSTATUS name or value; an NTSTATUS written in
 * `error:` is a suite error (exit 2) that says to use `status:`. Also when a placeholder brings it in.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Case } from './case.js';
import { expandSuite } from './expand.js';
import { loadSuite } from './load-suite.js';
import { SuiteError } from './suite-error.js';
import { tempDir } from '../testing/temp-dir.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('status');
});

const HEAD = "suite: t\ndriver: { image: x.sys, device: 'd' }\nioctls:\n  READ: { function: 0x802 }\ncases:\n";

async function expand(cases: string, head = HEAD): Promise<Case[]> {
  const file = join(dir, 's.yaml');
  await writeFile(file, head + cases);
  return expandSuite(await loadSuite(file)).cases;
}

async function issues(cases: string): Promise<string[]> {
  try {
    await expand(cases);
  } catch (error) {
    if (!(error instanceof SuiteError)) throw error;
    expect(error.exitCode).toBe(2);
    return error.issues.map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);
  }
  throw new Error('expected a suite error');
}

describe('error: and status: expectations', () => {
  it('take every Win32 name, and NTSTATUS names, hex and negative values', async () => {
    const [c] = await expand(
      '  - name: a\n    steps:\n      - ioctl: READ\n        expect: { error: ERROR_NO_SYSTEM_RESOURCES, status: STATUS_INSUFFICIENT_RESOURCES }\n' +
        '      - ioctl: READ\n        expect: { error: WAIT_TIMEOUT, status: 0xC000009A }\n' +
        '      - ioctl: READ\n        expect: { error: no_system_resources, status: -1073741670 }\n' +
        '      - open: { handle: 1 }\n        expect: { error: 2, status: OBJECT_NAME_NOT_FOUND }\n',
    );
    const expects = c!.steps.map((s) => (s.kind === 'ioctl' || s.kind === 'open' ? s.expect : undefined));
    expect(expects).toEqual([
      { error: 0 }, // the implicit open of handle 0
      { error: 1450, status: 0xc000009a },
      { error: 258, status: 0xc000009a },
      { error: 1450, status: 0xc000009a },
      { error: 2, status: 0xc0000034 },
    ]);
  });

  it('refuse an NTSTATUS in error:, by value or by name, and say to use status:', async () => {
    const lines = await issues(
      '  - name: a\n    steps:\n      - ioctl: READ\n        expect: { error: 0xC000000D }\n      - ioctl: READ\n        expect: { error: STATUS_ACCESS_DENIED }\n',
    );
    expect(lines).toEqual([
      '9:26: cases[0].steps[0].expect.error: expected a Win32 error (0..65535 or a name such as ERROR_INVALID_PARAMETER), found 0xC000000D, the NTSTATUS STATUS_INVALID_PARAMETER: expect it with `status: STATUS_INVALID_PARAMETER`',
      '11:26: cases[0].steps[1].expect.error: expected a Win32 error (0..65535 or a name such as ERROR_INVALID_PARAMETER), found `STATUS_ACCESS_DENIED`, an NTSTATUS (0xC0000022): expect it with `status: STATUS_ACCESS_DENIED`',
    ]);
  });

  it('refuse what is neither, and a Win32 name in status:', async () => {
    const lines = await issues(
      '  - name: a\n    steps:\n      - ioctl: READ\n        expect: { error: ERROR_NOPE, status: ERROR_ACCESS_DENIED }\n      - open: {}\n        expect: { status: STATUS_NOPE, error: 0x80070057 }\n',
    );
    expect(lines).toEqual([
      '9:26: cases[0].steps[0].expect.error: expected a Win32 error number or a name from winerror.h such as ERROR_INVALID_PARAMETER, found `ERROR_NOPE`',
      '9:46: cases[0].steps[0].expect.status: expected an NTSTATUS name from ntstatus.h such as STATUS_INVALID_PARAMETER, found `ERROR_ACCESS_DENIED`, which is a Win32 error: expect it with `error: ERROR_ACCESS_DENIED`',
      '11:27: cases[0].steps[1].expect.status: expected an NTSTATUS name from ntstatus.h such as STATUS_INVALID_PARAMETER, or a value such as 0xC000000D, found `STATUS_NOPE`',
      '11:47: cases[0].steps[1].expect.error: expected a Win32 error (0..65535), found 0x80070057; an NTSTATUS goes in `status:`',
    ]);
  });

  it('check a value a placeholder brings in, naming the parameters', async () => {
    const lines = await issues("  - name: a\n    matrix: { code: [87, 3221225485] }\n    steps:\n      - ioctl: READ\n        expect: { error: '${code}' }\n");
    expect(lines).toEqual([
      '10:26: cases[0].steps[0].expect.error: expected a Win32 error (0..65535 or a name such as ERROR_INVALID_PARAMETER), found 0xC000000D, the NTSTATUS STATUS_INVALID_PARAMETER: expect it with `status: STATUS_INVALID_PARAMETER` (with code=3221225485)',
    ]);
  });
});

describe('opens', () => {
  it('must succeed unless the suite expects them to fail; inside parallel they never end the case', async () => {
    const [c] = await expand(
      '  - name: a\n    steps:\n      - open: { handle: 0 }\n      - open: { handle: 1 }\n        expect: { error: 0 }\n      - open: { handle: 2 }\n        expect: { error: ERROR_FILE_NOT_FOUND }\n      - open: { handle: 3 }\n        expect: { status: STATUS_OBJECT_NAME_NOT_FOUND }\n',
    );
    expect(c!.steps.map((s) => (s.kind === 'open' ? s.required : undefined))).toEqual([true, true, false, false]);
  });
});

describe('isolation', () => {
  it('case, per suite or per case, asks for a fresh load of the driver before the case', async () => {
    const cases = await expand(
      '  - name: a\n    steps: [{ sleep: 1 }]\n  - name: b\n    isolation: suite\n    steps: [{ sleep: 1 }]\n',
      `isolation: case\n${HEAD}`,
    );
    expect(cases.map((c) => c.fresh ?? false)).toEqual([true, false]);
    const perCase = await expand('  - name: a\n    isolation: case\n    steps: [{ sleep: 1 }]\n  - name: b\n    steps: [{ sleep: 1 }]\n');
    expect(perCase.map((c) => c.fresh ?? false)).toEqual([true, false]);
  });

  it('takes only case, suite or vm', async () => {
    expect(await issues('  - name: a\n    isolation: process\n    steps: [{ sleep: 1 }]\n')).toEqual([
      '7:16: cases[0].isolation: expected one of "case", "suite", "vm", found "process"',
    ]);
  });
});

describe('an unknown field', () => {
  it('gets a "did you mean" only for a field that exists where it was written', async () => {
    expect(await issues('  - name: a\n    steps:\n      - ioctl: READ\n        outLenght: 4\n')).toEqual([
      '9:9: cases[0].steps[0].outLenght: unknown field `outLenght`; did you mean `outLength`?',
    ]);
    // `length` is a payload's field, not a step's.
    expect(await issues('  - name: a\n    steps:\n      - ioctl: READ\n        lenght: 4\n')).toEqual([
      '9:9: cases[0].steps[0].lenght: unknown field `lenght`',
    ]);
    expect(await issues('  - name: a\n    steps:\n      - ioctl: READ\n        input: { repeat: 1, lenght: 4 }\n')).toEqual([
      '9:29: cases[0].steps[0].input.lenght: unknown field `lenght`; did you mean `length`?',
    ]);
  });
});
