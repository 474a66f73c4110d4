import { describe, expect, it } from 'vitest';
import { checkPlanCase, checkPlanHeader, encodeCase, encodeHeader, encodePlan, encodePlanText, PlanEncodeError } from './plan-encoder.js';
import type { GuestCase, GuestPlanHeader, GuestStep } from './plan.js';

const header: GuestPlanHeader = {
  device: '\\\\.\\object_device',
  driver: { service: 'objdev', imagePath: 'C:\\lab\\objdev.sys' },
  logPath: 'C:\\objdev.log',
};
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const one = (step: GuestStep, h: Pick<GuestPlanHeader, 'driver'> = header) => encodeCase({ index: 7, id: 'a/b', steps: [step] }, h);

describe('encodePlan', () => {
  it('writes the PROTOCOL.md example exactly', () => {
    const seed: GuestCase = {
      index: 0,
      id: 'echo/seed-exchange',
      steps: [
        { kind: 'open', slot: 0, access: 'rw' },
        { kind: 'ioctl', slot: 0, code: 0x0022e004, input: { pattern: bytes('hello,world'), length: 11 }, outLength: 0 },
        { kind: 'ioctl', slot: 0, code: 0x0022e008, input: { pattern: new Uint8Array(), length: 0, nullPointer: true }, outLength: 1024 },
      ],
    };
    expect(encodePlanText(header, [seed])).toBe(
      [
        'lab-plan 1',
        'device \\\\.\\object_device',
        'driver objdev C:\\lab\\objdev.sys',
        'log C:\\objdev.log',
        'case 0 echo/seed-exchange',
        'open 0 rw',
        'ioctl 0 0x0022E004 11 0 x:68656c6c6f2c776f726c64',
        'ioctl 0 0x0022E008 0 1024 -',
        'end',
        '',
      ].join('\n'),
    );
  });

  it('asks for stderr markers only when the header says so', () => {
    expect(encodeHeader({ ...header, markers: 'stderr' })).toMatch(/\nlog C:\\objdev\.log\nmarkers stderr\n$/);
    expect(encodeHeader({ ...header, markers: 'debug' })).not.toContain('markers');
  });

  it('leaves out driver and log when the header has none, and keeps spaces inside paths', () => {
    expect(encodeHeader({ device: '\\\\.\\my dev' })).toBe('lab-plan 1\ndevice \\\\.\\my dev\n');
    expect(encodeHeader({ device: 'd', driver: { service: 's', imagePath: 'C:\\Program Files\\x.sys' } })).toBe(
      'lab-plan 1\ndevice d\ndriver s C:\\Program Files\\x.sys\n',
    );
  });

  it('yields the header and then one chunk per case, lazily', () => {
    let pulled = 0;
    function* cases(): Generator<GuestCase> {
      for (let i = 0; i < 3; i++) {
        pulled++;
        yield { index: i, id: `c${i}`, steps: [] };
      }
    }
    const it = encodePlan(header, cases());
    expect(it.next().value).toMatch(/^lab-plan 1\n/);
    expect(pulled).toBe(0);
    expect(it.next().value).toBe('case 0 c0\nend\n');
    expect(pulled).toBe(1);
    expect([...it]).toEqual(['case 1 c1\nend\n', 'case 2 c2\nend\n']);
  });
});

describe('encodeCase steps', () => {
  const body = (step: GuestStep, h?: Pick<GuestPlanHeader, 'driver'>) => one(step, h).split('\n').slice(1, -2).join('\n');

  it.each<[string, GuestStep, string]>([
    ['open rw', { kind: 'open', slot: 0, access: 'rw' }, 'open 0 rw'],
    ['open r', { kind: 'open', slot: 15, access: 'r' }, 'open 15 r'],
    ['open w', { kind: 'open', slot: 3, access: 'w' }, 'open 3 w'],
    ['open none', { kind: 'open', slot: 1, access: 'none' }, 'open 1 none'],
    ['open required', { kind: 'open', slot: 0, access: 'rw', required: true }, 'open 0 rw required'],
    ['close', { kind: 'close', slot: 2 }, 'close 2'],
    ['sleep', { kind: 'sleep', ms: 60000 }, 'sleep 60000'],
    ['load', { kind: 'load', service: 'objdev' }, 'load objdev'],
    ['unload', { kind: 'unload', service: 'objdev' }, 'unload objdev'],
    ['exec (UTF-8 hex)', { kind: 'exec', timeoutMs: 5000, commandLine: 'cmd /c echo é' }, 'exec 5000 636d64202f63206563686f20c3a9'],
    [
      'ioctl with zeros (empty pattern)',
      { kind: 'ioctl', slot: 0, code: 0x22e004, input: { pattern: new Uint8Array(), length: 2048 }, outLength: 0 },
      'ioctl 0 0x0022E004 2048 0 x:',
    ],
    [
      'ioctl with a per-thread pattern',
      { kind: 'ioctl', slot: 1, code: 0xffffffff, input: { pattern: new Uint8Array([0, 255]), length: 4, perThread: true }, outLength: 16 },
      'ioctl 1 0xFFFFFFFF 4 16 t:00ff',
    ],
    [
      'ioctl cuts a pattern longer than the length',
      { kind: 'ioctl', slot: 0, code: 0, input: { pattern: bytes('abcdef'), length: 2 }, outLength: 0 },
      'ioctl 0 0x00000000 2 0 x:6162',
    ],
    [
      'ioctl with a NULL pointer and a length (a hostile request)',
      { kind: 'ioctl', slot: 0, code: 0x22e004, input: { pattern: new Uint8Array(), length: 5, nullPointer: true }, outLength: 0 },
      'ioctl 0 0x0022E004 5 0 -',
    ],
    [
      'par with inner steps',
      {
        kind: 'par',
        threads: 4,
        iterations: 100,
        steps: [
          { kind: 'open', slot: 1, access: 'rw' },
          { kind: 'ioctl', slot: 1, code: 0x22e004, input: { pattern: bytes('A'), length: 3, perThread: true }, outLength: 0 },
          { kind: 'sleep', ms: 0 },
          { kind: 'close', slot: 1 },
        ],
      },
      'par 4 100\nopen 1 rw\nioctl 1 0x0022E004 3 0 t:41\nsleep 0\nclose 1\nendpar',
    ],
    [
      'open with every option',
      {
        kind: 'open',
        slot: 2,
        access: 'r',
        required: true,
        overlapped: true,
        path: '\\sub name',
        device: '\\\\.\\other',
        share: 'rwd',
        disposition: 'create-always',
      },
      'open 2 r required overlapped path=5c737562206e616d65 device=5c5c2e5c6f74686572 share=rwd disposition=create-always',
    ],
    ['open that shares nothing', { kind: 'open', slot: 0, access: 'rw', share: '' }, 'open 0 rw share=none'],
    [
      'ioctl with a fill, pointer kinds and async',
      {
        kind: 'ioctl',
        slot: 0,
        code: 0x8000240f,
        input: { pattern: bytes('ab'), length: 2 },
        outLength: 8,
        fill: bytes('\xee'),
        inPointer: 'unaligned',
        outPointer: 'guardPage',
        async: 15,
      },
      'ioctl 0 0x8000240F 2 8 x:6162 fill=ee in=unaligned out=pageend async=15',
    ],
    [
      'ioctl leaves heap pointers unsaid',
      { kind: 'ioctl', slot: 0, code: 1, input: { pattern: new Uint8Array(), length: 0 }, outLength: 0, inPointer: 'heap', outPointer: 'heap' },
      'ioctl 0 0x00000001 0 0 x:',
    ],
    ['read', { kind: 'read', slot: 1, length: 16 }, 'read 1 16'],
    [
      'read at an offset into a filled read-only buffer, async',
      { kind: 'read', slot: 1, length: 16, offset: 4096, fill: bytes('\x01\x02'), outPointer: 'readOnly', async: 0 },
      'read 1 16 offset=4096 fill=0102 buf=readonly async=0',
    ],
    [
      'write',
      { kind: 'write', slot: 0, input: { pattern: bytes('hi'), length: 2 }, offset: 9007199254740991, inPointer: 'noAccess' },
      'write 0 2 x:6869 offset=9007199254740991 buf=noaccess',
    ],
    ['write of a NULL pointer with a length', { kind: 'write', slot: 0, input: { pattern: new Uint8Array(), length: 3, nullPointer: true } }, 'write 0 3 -'],
    ['wait', { kind: 'wait', async: 3, timeoutMs: 0 }, 'wait 3 0'],
    ['cancel', { kind: 'cancel', async: 15 }, 'cancel 15'],
    [
      'exec with a working folder and an environment',
      { kind: 'exec', timeoutMs: 5000, commandLine: 'x', cwd: 'sub dir', env: { A: '1', B: 'é' } },
      'exec 5000 78 cwd=73756220646972 env=413d3100423dc3a9',
    ],
    ['load of another image', { kind: 'load', service: 'objdev', image: 'C:\\lab\\v2.sys' }, 'load objdev image=433a5c6c61625c76322e737973'],
  ])('%s', (_name, step, text) => {
    expect(body(step)).toBe(text);
  });
});

describe('case and header options', () => {
  it('marks a case that wants a fresh load of the driver', () => {
    expect(encodeCase({ index: 3, id: 'x', steps: [], fresh: true }, header)).toBe('case 3 x fresh\nend\n');
  });

  it('names the folder exec steps start in', () => {
    expect(encodeHeader({ device: 'd', workdir: 'C:\\lab dir' })).toBe('lab-plan 1\ndevice d\nworkdir C:\\lab dir\n');
  });
});

describe('encoder validation', () => {
  const errorOf = (f: () => unknown): PlanEncodeError => {
    try {
      f();
    } catch (error) {
      if (error instanceof PlanEncodeError) return error;
      throw error;
    }
    throw new Error('expected a PlanEncodeError');
  };
  const ioctl = (over: Partial<Extract<GuestStep, { kind: 'ioctl' }>>): GuestStep => ({
    kind: 'ioctl',
    slot: 0,
    code: 0x22e004,
    input: { pattern: new Uint8Array([1]), length: 1 },
    outLength: 0,
    ...over,
  });

  it.each<[string, () => unknown, string, RegExp]>([
    ['id with a space', () => encodeCase({ index: 0, id: 'a b', steps: [] }, header), 'id', /whitespace/],
    ['id with a tab', () => encodeCase({ index: 0, id: 'a\tb', steps: [] }, header), 'id', /whitespace/],
    ['empty id', () => encodeCase({ index: 0, id: '', steps: [] }, header), 'id', /non-empty/],
    ['id over 1024 bytes', () => encodeCase({ index: 0, id: 'é'.repeat(513), steps: [] }, header), 'id', /1024/],
    ['id with a lone surrogate', () => encodeCase({ index: 0, id: 'a\ud800', steps: [] }, header), 'id', /surrogate/],
    ['negative index', () => encodeCase({ index: -1, id: 'x', steps: [] }, header), 'index', /whole number/],
    ['fractional index', () => encodeCase({ index: 1.5, id: 'x', steps: [] }, header), 'index', /whole number/],
    ['slot 16', () => one({ kind: 'open', slot: 16, access: 'rw' }), 'steps[0].slot', /0 to 15/],
    ['bad access', () => one({ kind: 'open', slot: 0, access: 'rx' as 'rw' }), 'steps[0].access', /rw, r, w or none/],
    ['code over 32 bits', () => one(ioctl({ code: 2 ** 32 })), 'steps[0].code', /0 to 4294967295/],
    ['input length over 16 MiB', () => one(ioctl({ input: { pattern: new Uint8Array(), length: 16 * 1024 * 1024 + 1 } })), 'steps[0].input.length', /16777216/],
    ['output length over 16 MiB', () => one(ioctl({ outLength: 2 ** 25 })), 'steps[0].outLength', /16777216/],
    ['NULL pointer with a pattern', () => one(ioctl({ input: { pattern: new Uint8Array([1]), length: 0, nullPointer: true } })), 'steps[0].input', /NULL/],
    ['threads 0', () => one({ kind: 'par', threads: 0, iterations: 1, steps: [] }), 'steps[0].threads', /1 to 64/],
    ['threads 65', () => one({ kind: 'par', threads: 65, iterations: 1, steps: [] }), 'steps[0].threads', /1 to 64/],
    ['iterations over the limit', () => one({ kind: 'par', threads: 1, iterations: 100_001, steps: [] }), 'steps[0].iterations', /100000/],
    [
      'exec inside par',
      () => one({ kind: 'par', threads: 2, iterations: 1, steps: [{ kind: 'exec', timeoutMs: 1, commandLine: 'x' }] }),
      'steps[0].steps[0].kind',
      /not allowed inside par/,
    ],
    [
      'nested par',
      () => one({ kind: 'par', threads: 2, iterations: 1, steps: [{ kind: 'par', threads: 1, iterations: 1, steps: [] }] }),
      'steps[0].steps[0].kind',
      /not allowed inside par/,
    ],
    ['sleep over a minute', () => one({ kind: 'sleep', ms: 60_001 }), 'steps[0].ms', /60000/],
    ['exec timeout 0', () => one({ kind: 'exec', timeoutMs: 0, commandLine: 'x' }), 'steps[0].timeoutMs', /1 to 600000/],
    ['empty command line', () => one({ kind: 'exec', timeoutMs: 10, commandLine: '' }), 'steps[0].commandLine', /non-empty/],
    ['service with a space', () => one({ kind: 'unload', service: 'obj dev' }), 'steps[0].service', /whitespace/],
    ['load without a header driver', () => one({ kind: 'load', service: 'objdev' }, {}), 'steps[0].kind', /driver/],
    [
      'load of an image needs no header driver',
      () => one({ kind: 'load', service: 'objdev', image: 'x' }, {}) && one({ kind: 'sleep', ms: -1 }),
      'steps[0].ms',
      /0 to 60000/,
    ],
    ['unknown kind', () => one({ kind: 'fly' } as unknown as GuestStep), 'steps[0].kind', /unknown/],
    ['command line with a lone surrogate', () => one({ kind: 'exec', timeoutMs: 10, commandLine: 'x \udc00' }), 'steps[0].commandLine', /surrogate/],
    [
      'a required open inside par',
      () => one({ kind: 'par', threads: 2, iterations: 1, steps: [{ kind: 'open', slot: 1, access: 'rw', required: true }] }),
      'steps[0].steps[0].required',
      /not allowed inside par/,
    ],
    ['a fresh case without a header driver', () => encodeCase({ index: 0, id: 'x', steps: [], fresh: true }, {}), 'fresh', /driver/],
    ['async slot 16', () => one(ioctl({ async: 16 })), 'steps[0].async', /0 to 15/],
    ['an empty fill', () => one(ioctl({ fill: new Uint8Array() })), 'steps[0].fill', /at least one byte/],
    ['an unknown pointer kind', () => one(ioctl({ outPointer: 'wild' as 'heap' })), 'steps[0].outPointer', /unknown/],
    [
      'a NULL payload with an input pointer kind',
      () => one(ioctl({ input: { pattern: new Uint8Array(), length: 4, nullPointer: true }, inPointer: 'kernel' })),
      'steps[0].inPointer',
      /NULL/,
    ],
    [
      'a fill inside par',
      () => one({ kind: 'par', threads: 2, iterations: 1, steps: [ioctl({ fill: bytes('a') })] }),
      'steps[0].steps[0].fill',
      /not allowed inside par/,
    ],
    [
      'async inside par',
      () => one({ kind: 'par', threads: 2, iterations: 1, steps: [ioctl({ async: 1 })] }),
      'steps[0].steps[0].async',
      /not allowed inside par/,
    ],
    [
      'an overlapped open inside par',
      () => one({ kind: 'par', threads: 2, iterations: 1, steps: [{ kind: 'open', slot: 1, access: 'rw', overlapped: true }] }),
      'steps[0].steps[0].overlapped',
      /not allowed inside par/,
    ],
    [
      'read inside par',
      () => one({ kind: 'par', threads: 2, iterations: 1, steps: [{ kind: 'read', slot: 0, length: 1 }] }),
      'steps[0].steps[0].kind',
      /not allowed inside par/,
    ],
    ['a read over 16 MiB', () => one({ kind: 'read', slot: 0, length: 2 ** 24 + 1 }), 'steps[0].length', /16777216/],
    [
      'a negative offset',
      () => one({ kind: 'write', slot: 0, input: { pattern: new Uint8Array(), length: 0 }, offset: -1 }),
      'steps[0].offset',
      /0 to 9007199254740991/,
    ],
    ['a wait over the limit', () => one({ kind: 'wait', async: 0, timeoutMs: 600_001 }), 'steps[0].timeoutMs', /600000/],
    ['a cancel of slot 16', () => one({ kind: 'cancel', async: 16 }), 'steps[0].async', /0 to 15/],
    ['a path with NUL', () => one({ kind: 'open', slot: 0, access: 'rw', path: 'a\0' }), 'steps[0].path', /without NUL/],
    ['an empty device', () => one({ kind: 'open', slot: 0, access: 'rw', device: '' }), 'steps[0].device', /non-empty/],
    ['share letters twice', () => one({ kind: 'open', slot: 0, access: 'rw', share: 'rr' }), 'steps[0].share', /each at most once/],
    ['an unknown disposition', () => one({ kind: 'open', slot: 0, access: 'rw', disposition: 'replace' as 'open' }), 'steps[0].disposition', /unknown/],
    ['a working folder with a lone surrogate', () => one({ kind: 'exec', timeoutMs: 1, commandLine: 'x', cwd: '\ud800' }), 'steps[0].cwd', /surrogate/],
    ['an environment name with =', () => one({ kind: 'exec', timeoutMs: 1, commandLine: 'x', env: { 'A=B': '1' } }), 'steps[0].env', /bad variable name/],
    ['an environment value with NUL', () => one({ kind: 'exec', timeoutMs: 1, commandLine: 'x', env: { A: '\0' } }), 'steps[0].env.A', /without NUL/],
    ['an empty environment', () => one({ kind: 'exec', timeoutMs: 1, commandLine: 'x', env: {} }), 'steps[0].env', /at least one/],
    ['an image path with NUL', () => one({ kind: 'load', service: 's', image: 'a\0' }), 'steps[0].image', /without NUL/],
  ])('%s', (_name, f, field, message) => {
    const error = errorOf(f);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    if (field !== 'id') expect(error.caseId).not.toBeNull();
  });

  it('names the case id in the message', () => {
    expect(errorOf(() => one({ kind: 'sleep', ms: -1 })).message).toBe('case "a/b": steps[0].ms must be a whole number from 0 to 60000, got -1');
  });

  it.each<[string, GuestPlanHeader, string]>([
    ['empty device', { device: '' }, 'device'],
    ['device with a line break', { device: 'a\nb' }, 'device'],
    ['device with leading space', { device: ' a' }, 'device'],
    ['service with a space', { device: 'd', driver: { service: 'a b', imagePath: 'x' } }, 'driver.service'],
    ['image path with NUL', { device: 'd', driver: { service: 's', imagePath: 'x\0' } }, 'driver.imagePath'],
    ['log path with CR', { device: 'd', logPath: 'C:\\x\r' }, 'logPath'],
    ['device with a trailing space', { device: '\\\\.\\object_device ' }, 'device'],
  ])('header: %s', (_name, h, field) => {
    const error = errorOf(() => encodeHeader(h));
    expect(error.field).toBe(field);
    expect(error.caseId).toBeNull();
    expect(error.message).toMatch(/^plan header: /);
  });
});

describe('checking without encoding', () => {
  it('makes the same checks as encoding, case and header', () => {
    const bad: GuestCase = { index: 0, id: 'x', steps: [{ kind: 'sleep', ms: 60_001 }] };
    expect(() => checkPlanCase(bad, header)).toThrow(PlanEncodeError);
    expect(() => checkPlanCase(bad, header)).toThrow('case "x": steps[0].ms must be a whole number from 0 to 60000, got 60001');
    expect(() => checkPlanHeader({ device: 'd ' })).toThrow('plan header: device must not start or end with whitespace: "d "');
    expect(() =>
      checkPlanCase(
        { index: 0, id: 'x', steps: [{ kind: 'ioctl', slot: 0, code: 1, input: { pattern: new Uint8Array(9), length: 9 }, outLength: 0 }] },
        header,
      ),
    ).not.toThrow();
  });
});
