import { describe, expect, it } from 'vitest';
import type { FreshLoad, GuestEvent, IoctlOutcome, StepOutcome } from '../guest/result.js';
import type { Case, CaseStep } from '../suite/case.js';
import { diffBytes } from './hex-diff.js';
import { judgeCase } from './judge-case.js';

const text = (s: string) => new TextEncoder().encode(s);
const reflect = (s: string): CaseStep => ({
  kind: 'ioctl',
  slot: 0,
  ioctl: { name: 'REFLECT', code: 0x22e004 },
  input: { pattern: text(s), length: s.length },
  outLength: 0,
  inPointer: 'heap',
  outPointer: 'heap',
  expect: { error: 0 },
});
const read = (expect: Extract<CaseStep, { kind: 'ioctl' }>['expect']): CaseStep => ({
  kind: 'ioctl',
  slot: 0,
  ioctl: { name: 'READ', code: 0x22e008 },
  input: { pattern: new Uint8Array(), length: 0, nullPointer: true },
  outLength: 1024,
  inPointer: 'heap',
  outPointer: 'heap',
  expect,
});
const ioctl = (error: number, n: number, out = '', status: number | null = null): IoctlOutcome => ({
  kind: 'ioctl',
  error,
  status,
  bytesReturned: n,
  elapsedUs: 300,
  output: text(out),
  outputTruncated: false,
  guardDamaged: false,
});
const open = (expect: Extract<CaseStep, { kind: 'open' }>['expect'] = {}, required = true): CaseStep => ({
  kind: 'open',
  slot: 0,
  access: 'rw',
  share: ['read', 'write'],
  disposition: 'open-existing',
  overlapped: false,
  expect,
  required,
});
const opened = (error: number, status: number | null): StepOutcome => ({ kind: 'open', error, status });

function kase(steps: CaseStep[]): Case {
  return { index: 4, id: 'echo/x', name: 'x', params: {}, timeoutMs: 1000, tags: [], steps, source: 'suites/echo.yaml:1', template: 0 };
}
function event(steps: StepOutcome[], more: { fresh?: FreshLoad; stopped?: number; pending?: number[] } = {}): Extract<GuestEvent, { t: 'case' }> {
  return { t: 'case', index: 4, id: 'echo/x', elapsedUs: 2500, log: null, steps, ...more };
}

describe('judgeCase', () => {
  it('passes when every expectation holds', () => {
    const c = kase([reflect('hello'), read({ error: 0, bytesReturned: 5, output: { equals: { sameAsStep: 0, from: 'put' } } })]);
    const r = judgeCase(c, event([ioctl(0, 0), ioctl(0, 5, 'hello')]));
    expect(r.status).toBe('passed');
    expect(r.blame).toBeUndefined();
    expect(r.steps[1]).toMatchObject({ ioctl: 0x22e008, inLength: 0, outLength: 1024, error: 0, bytesReturned: 5, ok: true });
  });

  it('fails with expected against actual, blames the product, and shows a hex diff for an echo mismatch', () => {
    const c = kase([reflect('ab\0cd'), read({ error: 0, bytesReturned: 5, output: { equals: { sameAsStep: 0, from: 'put' } } })]);
    const r = judgeCase(c, event([ioctl(0, 0), ioctl(0, 2, 'ab')]));
    expect(r.status).toBe('failed');
    expect(r.blame).toBe('product');
    expect(r.message).toMatch(
      /step 1 READ: expected 5 bytes returned, got 2; output differs from what step `put` sent: first difference at byte 2 \(expected 5 bytes, got 2\)/,
    );
    expect(r.steps[1]!.diff?.text).toMatch(/00000000 {2}61 62 00 63 64 .. .*61 62 \.\. \.\./);
  });

  it('names Win32 errors on both sides', () => {
    const r = judgeCase(kase([read({ error: 122 })]), event([ioctl(87, 0)]));
    expect(r.message).toBe('step 0 READ: expected error 122 (ERROR_INSUFFICIENT_BUFFER), got 87 (ERROR_INVALID_PARAMETER)');
  });

  it('holds contract rules no suite has to spell out: no more bytes than the buffer, no writes past it', () => {
    const over = judgeCase(kase([read({})]), event([{ ...ioctl(0, 4096), guardDamaged: true }]));
    expect(over.status).toBe('failed');
    expect(over.message).toMatch(/reported 4096 bytes returned into a 1024-byte output buffer; the driver wrote past the 1024-byte output buffer/);
  });

  it("holds a failed request to no byte count: DeviceIoControl's count means nothing then (Wine leaves the input length there)", () => {
    const failed = judgeCase(kase([read({})]), event([ioctl(6, 131070, '', 0xc0000008)]));
    expect(failed.status).toBe('passed');
    const denied = judgeCase(kase([read({})]), event([ioctl(5, 4096)]));
    expect(denied.status).toBe('passed');
    // A warning (STATUS_BUFFER_OVERFLOW) copies the bytes it reports: the rule holds.
    const warning = judgeCase(kase([read({})]), event([ioctl(234, 4096, '', 0x80000005)]));
    expect(warning.message).toMatch(/reported 4096 bytes returned into a 1024-byte output buffer/);
    // Writing past the buffer is damage whatever the status says.
    const wrote = judgeCase(kase([read({})]), event([{ ...ioctl(6, 0, '', 0xc0000008), guardDamaged: true }]));
    expect(wrote.message).toMatch(/wrote past the 1024-byte output buffer/);
  });

  it("a step the guest refused is the test's fault, not the driver's", () => {
    const r = judgeCase(kase([read({ error: 0 })]), event([{ ...ioctl(0, 0), error: null, status: null, refused: 'outLen 20000000 exceeds 16777216' }]));
    expect(r).toMatchObject({ status: 'error', blame: 'test' });
  });

  describe('a client that never started', () => {
    const client: CaseStep = { kind: 'run', args: ['lab says hi'], timeoutMs: 1000, expect: { exitCode: 0, stdoutContains: ['get content:lab says hi'] } };
    const exec = (error: number, exitCode: number | null = null, out = ''): StepOutcome => ({
      kind: 'exec',
      error,
      exitCode,
      output: text(out),
      outputTruncated: false,
      elapsedUs: 4100,
    });

    it('because the target could not start a process is not judged: an error of the harness, never a failure of the driver', () => {
      // Seen under load: Wine's new process ended before it had started (CreateProcess: 1359). It had
      // counted as the driver failing, so a mutant Wine cannot tell apart (no-lock) came out killed.
      const r = judgeCase(kase([client]), event([exec(1359)]));
      expect(r).toMatchObject({ status: 'error', blame: 'harness' });
      expect(r.message).toBe(
        'step 0 run: the client could not be started: 1359 (ERROR_INTERNAL_ERROR) (the target could not start a process; nothing was judged)',
      );
    });

    it("because the suite names no program the target can run is the test's", () => {
      expect(judgeCase(kase([client]), event([exec(2)]))).toMatchObject({ status: 'error', blame: 'test' });
      expect(judgeCase(kase([client]), event([exec(193)]))).toMatchObject({ status: 'error', blame: 'test' });
    });

    it("because the process was refused, or beside a step the driver failed, is the driver's", () => {
      expect(judgeCase(kase([client]), event([exec(5)]))).toMatchObject({ status: 'failed', blame: 'product' });
      expect(judgeCase(kase([reflect('hi'), client]), event([ioctl(87, 0), exec(1359)]))).toMatchObject({ status: 'failed', blame: 'product' });
    });

    it('that ran into its timeout, or started and printed the wrong thing, failed: the driver can cause both', () => {
      expect(judgeCase(kase([client]), event([exec(1460)]))).toMatchObject({ status: 'failed', blame: 'product' });
      const wrong = judgeCase(kase([client]), event([exec(0, 0, 'get content:other')]));
      expect(wrong).toMatchObject({ status: 'failed', blame: 'product' });
      expect(wrong.message).toBe('step 0 run: expected the output to contain "get content:lab says hi"');
    });
  });

  it('a case the runner could not parse is an error of the test', () => {
    const r = judgeCase(kase([read({})]), { t: 'case-error', index: 4, id: 'echo/x', error: 'unknown directive', line: 7 });
    expect(r).toMatchObject({ status: 'error', blame: 'test' });
    expect(r.message).toMatch(/plan line 7\): unknown directive/);
  });

  it('judges parallel aggregates: every call, and every output one some thread sent', () => {
    const put: CaseStep = {
      kind: 'ioctl',
      slot: 0,
      ioctl: { name: 'REFLECT', code: 1 },
      input: { pattern: Uint8Array.of(0x41), length: 4, perThread: true },
      outLength: 0,
      inPointer: 'heap',
      outPointer: 'heap',
      expect: { error: 0 },
    };
    const get: CaseStep = {
      kind: 'ioctl',
      slot: 0,
      ioctl: { name: 'READ', code: 2 },
      input: { pattern: new Uint8Array(), length: 0 },
      outLength: 1024,
      inPointer: 'heap',
      outPointer: 'heap',
      expect: { error: 0, output: { equals: { sameAsStep: 0, from: 'put' } } },
    };
    const c = kase([{ kind: 'parallel', threads: 2, iterations: 3, steps: [put as never, get as never] }]);
    const sub = (outs: string[]) => ({
      kind: 'ioctl' as const,
      calls: 6,
      errors: { '0': 6 },
      statuses: {},
      returned: { '4': 6 },
      outputs: outs.map((o) => ({ bytes: text(o), count: 3 })),
      outputsMore: 0,
      p50Us: 1,
      p99Us: 2,
      maxUs: 3,
      guardDamaged: 0,
    });
    const ok = judgeCase(c, {
      t: 'case',
      index: 4,
      id: 'echo/x',
      elapsedUs: 1,
      log: null,
      steps: [{ kind: 'par', threads: 2, iterations: 3, elapsedUs: 1, sub: [sub([]), sub(['AAAA', 'BBBB'])] }],
    });
    expect(ok.status).toBe('passed');
    const torn = judgeCase(c, {
      t: 'case',
      index: 4,
      id: 'echo/x',
      elapsedUs: 1,
      log: null,
      steps: [{ kind: 'par', threads: 2, iterations: 3, elapsedUs: 1, sub: [sub([]), sub(['AABB'])] }],
    });
    expect(torn.status).toBe('failed');
    expect(torn.message).toMatch(/3 calls returned a message no `put` step sent \(4 bytes, starting 41414242\): a torn or foreign message/);
  });
});

describe('diffBytes', () => {
  it('is undefined for equal bytes and locates the first difference', () => {
    expect(diffBytes(text('abc'), text('abc'))).toBeUndefined();
    const d = diffBytes(text(`${'x'.repeat(40)}y`), text(`${'x'.repeat(40)}z`))!;
    expect(d.firstDifference).toBe(40);
    expect(d.text.split('\n')[0]).toBe('first difference at byte 40 (expected 41 bytes, got 41)');
    expect(d.text).toMatch(/00000020 {2}78 78 78 78 78 78 78 78 79 .. .*78 78 78 78 78 78 78 78 7a/);
  });
});

describe('NTSTATUS', () => {
  it('is checked when the suite expects one, and named on both sides', () => {
    const c = kase([read({ status: 0xc0000023 })]);
    expect(judgeCase(c, event([ioctl(122, 0, '', 0xc0000023)])).status).toBe('passed');
    const r = judgeCase(c, event([ioctl(87, 0, '', 0xc000000d)]));
    expect(r).toMatchObject({ status: 'failed', blame: 'product' });
    expect(r.message).toBe('step 0 READ: expected status 0xC0000023 (STATUS_BUFFER_TOO_SMALL), got 0xC000000D (STATUS_INVALID_PARAMETER)');
    expect(r.steps[0]).toMatchObject({ status: 0xc000000d, expected: { status: 0xc0000023 } });
  });

  it('stands beside the Win32 error in a mismatch, when the runner gave one', () => {
    const r = judgeCase(kase([read({ error: 122 })]), event([ioctl(87, 0, '', 0xc000000d)]));
    expect(r.message).toBe(
      'step 0 READ: expected error 122 (ERROR_INSUFFICIENT_BUFFER), got 87 (ERROR_INVALID_PARAMETER), status 0xC000000D (STATUS_INVALID_PARAMETER)',
    );
  });

  it('that the runner did not report is a mismatch that says so', () => {
    const r = judgeCase(kase([read({ status: 0 })]), event([ioctl(0, 0)]));
    expect(r.message).toBe('step 0 READ: expected status 0x00000000 (STATUS_SUCCESS), got none (the guest runner reported no NTSTATUS)');
  });
});

describe('a failed open', () => {
  const steps = [open(), reflect('a'), read({ error: 0 }), { kind: 'close', slot: 0 } as CaseStep];

  it('that had to succeed ends the case: the steps after it are not run, and the message says which', () => {
    const r = judgeCase(kase(steps), event([opened(2, 0xc0000034)], { stopped: 0 }));
    expect(r).toMatchObject({ status: 'failed', blame: 'product' });
    expect(r.message).toBe(
      'step 0 open: the open failed with 2 (ERROR_FILE_NOT_FOUND), status 0xC0000034 (STATUS_OBJECT_NAME_NOT_FOUND); the case cannot go on without its handle\nsteps 1 to 3 were not run: the open at step 0 failed',
    );
    expect(r.steps.map((s) => [s.kind, s.error, s.notRun ?? false])).toEqual([
      ['open', 2, false],
      ['ioctl', null, true],
      ['ioctl', null, true],
      ['close', null, true],
    ]);
  });

  it('that the suite expected passes, and its status can be expected too', () => {
    const r = judgeCase(kase([open({ error: 2, status: 0xc0000034 }, false)]), event([opened(2, 0xc0000034)]));
    expect(r.status).toBe('passed');
    const wrong = judgeCase(kase([open({ status: 0xc0000034 }, false)]), event([opened(3, 0xc000003a)]));
    expect(wrong.message).toBe(
      'step 0 open: expected open to end with status 0xC0000034 (STATUS_OBJECT_NAME_NOT_FOUND), got 0xC000003A (STATUS_OBJECT_PATH_NOT_FOUND)',
    );
  });
});

describe('a fresh load of the driver', () => {
  const fresh = (over: Partial<FreshLoad>): FreshLoad => ({
    why: 'device-gone',
    open: 2,
    after: 'echo/vanish',
    error: 0,
    message: 'Success.',
    elapsedUs: 90_000,
    ...over,
  });

  it('after a case that left the device gone is noted on the case that got it', () => {
    const r = judgeCase(kase([reflect('a')]), event([ioctl(0, 0)], { fresh: fresh({}) }));
    expect(r.status).toBe('passed');
    expect(r.notes).toEqual([
      'started on a fresh load of the driver: case echo/vanish left the driver unloaded or its device gone (opening it gave 2 (ERROR_FILE_NOT_FOUND))',
    ]);
  });

  it("that fails leaves every step not run: an error of the driver, with the load's error", () => {
    const r = judgeCase(
      kase([open(), reflect('a')]),
      event([], { fresh: fresh({ why: 'asked', open: null, after: null, error: 1114, message: 'DLL initialization failed.' }) }),
    );
    expect(r).toMatchObject({ status: 'error', blame: 'product', notes: ['started on a fresh load of the driver (isolation: case)'] });
    expect(r.message).toBe(
      'the driver did not load again before this case: StartService failed with 1114 (ERROR_DLL_INIT_FAILED) (DLL initialization failed.); no step was run',
    );
    expect(r.steps.every((s) => s.notRun)).toBe(true);
  });
});

describe('counts in messages', () => {
  it('say "1 byte", not "1 bytes"', () => {
    const r = judgeCase(kase([read({ bytesReturned: 1, output: { equals: { bytes: text('a') } } })]), event([ioctl(0, 0)]));
    expect(r.message).toBe(
      `step 0 READ: expected 1 byte returned, got 0; output differs from the expected bytes: first difference at byte 0 (expected 1 byte, got 0)\n${r.steps[0]!.diff!.text}`,
    );
    const one = judgeCase(kase([{ ...read({}), outLength: 0 } as CaseStep]), event([ioctl(0, 1)]));
    expect(one.message).toBe('step 0 READ: the driver reported 1 byte returned into a 0-byte output buffer');
  });
});

describe('expectations for real drivers', () => {
  const read16 = (expect: Extract<CaseStep, { kind: 'read' }>['expect'], more: Partial<Extract<CaseStep, { kind: 'read' }>> = {}): CaseStep => ({
    kind: 'read',
    slot: 0,
    length: 16,
    outPointer: 'heap',
    expect,
    ...more,
  });
  const got = (kind: IoctlOutcome['kind'], error: number, n: number, out = '', status: number | null = 0): IoctlOutcome => ({
    ...ioctl(error, n, out, status),
    kind,
  });

  it('an output prefix and length, and bytesReturned as a range', () => {
    const c = kase([read16({ bytesReturned: { min: 4, max: 16 }, output: { prefix: { bytes: text('xfer:') }, length: { min: 6 } } })]);
    expect(judgeCase(c, event([got('read', 0, 8, 'xfer:abc')])).status).toBe('passed');
    const r = judgeCase(c, event([got('read', 0, 3, 'xfe')]));
    expect(r.message).toMatch(
      /^step 0 read: expected between 4 and 16 bytes returned, got 3; expected the output to start with the expected bytes \(5 bytes\), got 3 bytes; expected at least 6 output bytes, got 3\n/,
    );
    const wrong = judgeCase(c, event([got('read', 0, 8, 'xfer-abc')]));
    expect(wrong.message).toMatch(/^step 0 read: output does not start with the expected bytes: first difference at byte 4/);
    expect(wrong.steps[0]).toMatchObject({ expected: { bytesReturned: { min: 4, max: 16 }, outputPrefix: '786665723a', outputLength: { min: 6 } } });
  });

  it('a read or a wait is held to the contract rules of its buffer; a write is not', () => {
    expect(judgeCase(kase([read16({})]), event([got('read', 0, 17)])).message).toBe(
      'step 0 read: the driver reported 17 bytes returned into a 16-byte output buffer',
    );
    const write: CaseStep = { kind: 'write', slot: 0, input: { pattern: text('abc'), length: 3 }, inPointer: 'heap', expect: { bytesReturned: 3 } };
    expect(judgeCase(kase([write]), event([got('write', 0, 3)])).status).toBe('passed');
    // The wait judges the request its step started: a 4-byte output buffer here.
    const start: CaseStep = {
      kind: 'ioctl',
      slot: 0,
      ioctl: { name: 'PEND', code: 1 },
      input: { pattern: new Uint8Array(), length: 0 },
      outLength: 4,
      inPointer: 'heap',
      outPointer: 'heap',
      async: { name: 'p', slot: 0 },
      expect: { status: 0x103 },
    };
    const wait: CaseStep = {
      kind: 'wait',
      async: { name: 'p', slot: 0 },
      of: 0,
      timeoutMs: 100,
      expect: { status: 0, output: { equals: { bytes: text('done') } } },
    };
    const ok = judgeCase(kase([start, wait]), event([got('ioctl', 997, 0, '', 0x103), got('wait', 0, 4, 'done')]));
    expect(ok.status).toBe('passed');
    expect(ok.steps.map((s) => [s.kind, s.ioctlName, s.async, s.outLength])).toEqual([
      ['ioctl', 'PEND', 'p', 4],
      ['wait', 'PEND', 'p', 4],
    ]);
    expect(judgeCase(kase([start, wait]), event([got('ioctl', 997, 0, '', 0x103), got('wait', 0, 5, 'done!')])).message).toMatch(
      /^step 1 PEND: the driver reported 5 bytes returned into a 4-byte output buffer/,
    );
  });

  it('a cancel, by its error and with the call that made it', () => {
    const cancel: CaseStep = { kind: 'cancel', async: { name: 'p', slot: 0 }, expect: { error: 1168 } };
    expect(judgeCase(kase([cancel]), event([{ kind: 'cancel', error: 1168, status: null, via: 'CancelIoEx' }])).status).toBe('passed');
    expect(judgeCase(kase([cancel]), event([{ kind: 'cancel', error: 0, status: null, via: 'CancelIo' }])).message).toBe(
      'step 0 cancel: expected CancelIo to end with 1168 (ERROR_NOT_FOUND), got 0 (ERROR_SUCCESS)',
    );
  });

  it('a request still pending after the runner cancelled it fails the case, naming the step that started it', () => {
    const start: CaseStep = { kind: 'read', slot: 0, length: 4, outPointer: 'heap', async: { name: 'stuck', slot: 2 }, expect: {} };
    const r = judgeCase(kase([start]), event([got('read', 997, 0, '', 0x103)], { pending: [2] }));
    expect(r).toMatchObject({ status: 'failed', blame: 'product' });
    expect(r.message).toBe(
      'the request `stuck` (step 0) was still pending 2 s after lab cancelled it at the end of the case: the driver does not complete cancelled requests',
    );
  });

  it('a run checks exit code 0 unless the suite says another or `any`', () => {
    const run = (exitCode: number | 'any'): CaseStep => ({ kind: 'run', args: [], timeoutMs: 100, expect: { exitCode } });
    const exec = (exit: number) => ({ kind: 'exec' as const, error: 0, exitCode: exit, output: text(''), outputTruncated: false, elapsedUs: 1 });
    expect(judgeCase(kase([run(0)]), event([exec(3)])).message).toBe('step 0 run: expected exit code 0, got 3');
    expect(judgeCase(kase([run(3)]), event([exec(3)])).status).toBe('passed');
    expect(judgeCase(kase([run('any')]), event([exec(3)])).status).toBe('passed');
  });
});
