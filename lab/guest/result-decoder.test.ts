import { describe, expect, it } from 'vitest';
import { decodeGuestLine, GuestLineError } from './result-decoder.js';
import type { GuestEvent, StepOutcome } from './result.js';

const u8 = (...b: number[]) => new Uint8Array(b);
/** The steps of a case line built around the given step JSON. */
const steps = (...json: string[]): StepOutcome[] => {
  const event = decodeGuestLine(`{"t":"case","i":3,"id":"x","steps":[${json.join(',')}],"us":1.5,"log":null}`);
  if (event.t !== 'case') throw new Error(`expected a case, got ${event.t}`);
  return event.steps;
};
const problemOf = (line: string): string => {
  try {
    decodeGuestLine(line);
  } catch (error) {
    if (error instanceof GuestLineError) return error.problem;
    throw error;
  }
  throw new Error('expected a GuestLineError');
};

describe('decodeGuestLine events', () => {
  it.each<[string, string, GuestEvent]>([
    ['hello', '{"t":"hello","v":1,"pid":32,"qpcHz":10000000}', { t: 'hello', version: 1, pid: 32, qpcHz: 10_000_000 }],
    [
      'load',
      '{"t":"load","service":"objdev","e":0,"msg":"Success.","us":59226.400}',
      { t: 'load', service: 'objdev', error: 0, message: 'Success.', elapsedUs: 59226.4 },
    ],
    ['begin', '{"t":"begin","i":0,"id":"echo/seed-exchange"}', { t: 'begin', index: 0, id: 'echo/seed-exchange' }],
    [
      'case error',
      '{"t":"case","i":4,"id":"c4","error":"unknown directive \'fly\'","line":12}',
      { t: 'case-error', index: 4, id: 'c4', error: "unknown directive 'fly'", line: 12 },
    ],
    [
      'case error outside a case',
      '{"t":"case","i":-1,"id":"","error":"step \'open\' outside a case","line":5}',
      { t: 'case-error', index: -1, id: '', error: "step 'open' outside a case", line: 5 },
    ],
    [
      'unload',
      '{"t":"unload","service":"objdev","e":0,"msg":"Success.","openAfter":2}',
      { t: 'unload', service: 'objdev', error: 0, message: 'Success.', openAfter: 2 },
    ],
    [
      'plan-error',
      '{"t":"plan-error","error":"the first line must be \'lab-plan 1\'","line":1}',
      { t: 'plan-error', error: "the first line must be 'lab-plan 1'", line: 1 },
    ],
    ['end', '{"t":"end","cases":3}', { t: 'end', cases: 3 }],
    ['an unknown type', '{"t":"progress","pct":50}', { t: 'unknown', type: 'progress', raw: '{"t":"progress","pct":50}' }],
  ])('%s', (_name, line, event) => {
    expect(decodeGuestLine(line)).toEqual(event);
  });

  it('decodes a case with log offsets and elapsed time', () => {
    expect(decodeGuestLine('{"t":"case","i":0,"id":"a","steps":[],"us":2058.400,"log":[38,156]}')).toEqual({
      t: 'case',
      index: 0,
      id: 'a',
      elapsedUs: 2058.4,
      log: [38, 156],
      steps: [],
    });
    expect(decodeGuestLine('{"t":"case","i":0,"id":"a","steps":[],"us":1,"log":[-1,-1]}')).toMatchObject({ log: [-1, -1] });
  });

  it('ignores a trailing \\r', () => {
    expect(decodeGuestLine('{"t":"end","cases":0}\r')).toEqual({ t: 'end', cases: 0 });
  });
});

describe('decodeGuestLine steps', () => {
  it('open, close, sleep, with the NTSTATUS beside the Win32 error', () => {
    expect(steps('{"k":"open","e":5,"s":3221225506}', '{"k":"close","e":0,"s":0}', '{"k":"sleep"}')).toEqual([
      { kind: 'open', error: 5, status: 0xc0000022 },
      { kind: 'close', error: 0, status: 0 },
      { kind: 'sleep', error: 0, status: null },
    ]);
  });

  it('a step without an NTSTATUS (an older runner) has status null', () => {
    expect(steps('{"k":"open","e":0}', '{"k":"ioctl","e":1,"n":0,"us":1,"o":"","g":0}')).toMatchObject([
      { kind: 'open', error: 0, status: null },
      { kind: 'ioctl', error: 1, status: null },
    ]);
  });

  it('an NTSTATUS that is not a number is a malformed line', () => {
    expect(() => steps('{"k":"open","e":5,"s":"0xC0000022"}')).toThrow(/steps\[0\]\.s is not a number/);
  });

  it('load and unload steps', () => {
    expect(
      steps('{"k":"load","service":"objdev","e":2,"msg":"File not found."}', '{"k":"unload","service":"objdev","e":1060,"msg":"Service does not exist."}'),
    ).toEqual([
      { kind: 'load', service: 'objdev', error: 2, status: null, message: 'File not found.' },
      { kind: 'unload', service: 'objdev', error: 1060, status: null, message: 'Service does not exist.' },
    ]);
  });

  it('ioctl, with output bytes, truncation and guard damage', () => {
    expect(
      steps(
        '{"k":"ioctl","e":0,"s":0,"n":11,"us":538.100,"o":"68656c6c6f2c776f726c64","g":0}',
        '{"k":"ioctl","e":234,"s":2147483653,"n":2097152,"us":1,"o":"00ff","ot":1,"g":1}',
      ),
    ).toEqual([
      {
        kind: 'ioctl',
        error: 0,
        status: 0,
        bytesReturned: 11,
        elapsedUs: 538.1,
        output: new Uint8Array(Buffer.from('hello,world')),
        outputTruncated: false,
        guardDamaged: false,
      },
      { kind: 'ioctl', error: 234, status: 0x80000005, bytesReturned: 2_097_152, elapsedUs: 1, output: u8(0, 255), outputTruncated: true, guardDamaged: true },
    ]);
  });

  it('an ioctl that was not run', () => {
    expect(steps('{"k":"ioctl","e":null,"error":"inLen 20971520 is over the limit of 16777216 bytes"}')).toEqual([
      {
        kind: 'ioctl',
        error: null,
        status: null,
        bytesReturned: 0,
        elapsedUs: 0,
        output: u8(),
        outputTruncated: false,
        guardDamaged: false,
        refused: 'inLen 20971520 is over the limit of 16777216 bytes',
      },
    ]);
  });

  it('read, write and wait, with the fields of an ioctl', () => {
    const [r, w, wait, pending] = steps(
      '{"k":"read","e":0,"s":0,"n":3,"us":2.5,"o":"78797a","g":0}',
      '{"k":"write","e":1784,"s":3221225704,"n":0,"us":1,"o":"","g":0}',
      '{"k":"wait","e":995,"s":3221225760,"n":0,"us":3367.8,"o":"","g":0}',
      '{"k":"ioctl","e":997,"s":259,"n":0,"us":0,"o":"","g":0}',
    );
    expect(r).toEqual({
      kind: 'read',
      error: 0,
      status: 0,
      bytesReturned: 3,
      elapsedUs: 2.5,
      output: u8(0x78, 0x79, 0x7a),
      outputTruncated: false,
      guardDamaged: false,
    });
    expect(w).toMatchObject({ kind: 'write', error: 1784, status: 0xc00000e8 });
    expect(wait).toMatchObject({ kind: 'wait', error: 995, status: 0xc0000120, bytesReturned: 0 });
    expect(pending).toMatchObject({ kind: 'ioctl', error: 997, status: 259 });
    expect(steps('{"k":"read","e":null,"error":"async slot 3 already holds a request of this case"}')[0]).toMatchObject({
      kind: 'read',
      error: null,
      refused: 'async slot 3 already holds a request of this case',
    });
  });

  it('cancel, with the call that cancelled, or refused', () => {
    expect(steps('{"k":"cancel","e":1168,"via":"CancelIo"}', '{"k":"cancel","e":null,"error":"async slot 4 holds no request"}')).toEqual([
      { kind: 'cancel', error: 1168, status: null, via: 'CancelIo' },
      { kind: 'cancel', error: null, status: null, refused: 'async slot 4 holds no request' },
    ]);
    expect(problemOf('{"t":"case","i":3,"id":"x","steps":[{"k":"cancel","e":0}],"us":1,"log":null}')).toBe('steps[0].via is not a string');
  });

  it('a case with requests still pending after the runner cancelled them', () => {
    const event = decodeGuestLine('{"t":"case","i":3,"id":"x","steps":[],"pending":[0,5],"us":1,"log":null}');
    expect(event).toMatchObject({ t: 'case', pending: [0, 5] });
    expect(problemOf('{"t":"case","i":3,"id":"x","steps":[],"pending":["0"],"us":1,"log":null}')).toBe('pending[0] is not a number');
  });

  it('exec, finished and timed out', () => {
    expect(steps('{"k":"exec","e":0,"exit":0,"out":"68690d0a","us":80000.5}', '{"k":"exec","e":1460,"exit":null,"out":"","ot":1,"us":5000}')).toEqual([
      { kind: 'exec', error: 0, exitCode: 0, output: u8(0x68, 0x69, 13, 10), outputTruncated: false, elapsedUs: 80000.5 },
      { kind: 'exec', error: 1460, exitCode: null, output: u8(), outputTruncated: true, elapsedUs: 5000 },
    ]);
  });

  it('par with ioctl, open, close and sleep aggregates', () => {
    const [par] = steps(
      '{"k":"par","threads":4,"iterations":10,"us":21822.800,"sub":[' +
        '{"k":"open","calls":40,"errors":{"0":39,"5":1},"statuses":{"0":39,"3221225506":1}},' +
        '{"k":"ioctl","calls":40,"errors":{"0":40},"statuses":{"0":40},"returned":{"4":38,"other":2},"outs":[["44444444",36],["41414141",4]],"outsMore":0,"p50":761.500,"p99":4320.300,"max":4320.300,"g":0},' +
        '{"k":"sleep","calls":40},' +
        '{"k":"close","calls":40,"errors":{"0":40}},' +
        '{"k":"ioctl","e":null,"error":"outLen 99999999 is over the limit of 16777216 bytes"}]}',
    );
    const zero = { statuses: {}, returned: {}, outputs: [], outputsMore: 0, p50Us: 0, p99Us: 0, maxUs: 0, guardDamaged: 0 };
    expect(par).toEqual({
      kind: 'par',
      threads: 4,
      iterations: 10,
      elapsedUs: 21822.8,
      sub: [
        { kind: 'open', calls: 40, errors: { '0': 39, '5': 1 }, ...zero, statuses: { '0': 39, '3221225506': 1 } },
        {
          kind: 'ioctl',
          calls: 40,
          errors: { '0': 40 },
          statuses: { '0': 40 },
          returned: { '4': 38, other: 2 },
          outputs: [
            { bytes: u8(0x44, 0x44, 0x44, 0x44), count: 36 },
            { bytes: u8(0x41, 0x41, 0x41, 0x41), count: 4 },
          ],
          outputsMore: 0,
          p50Us: 761.5,
          p99Us: 4320.3,
          maxUs: 4320.3,
          guardDamaged: 0,
        },
        { kind: 'sleep', calls: 40, errors: {}, ...zero },
        { kind: 'close', calls: 40, errors: { '0': 40 }, ...zero },
        { kind: 'ioctl', calls: 0, errors: {}, ...zero, refused: 'outLen 99999999 is over the limit of 16777216 bytes' },
      ],
    });
  });

  it('a par that was refused', () => {
    expect(steps('{"k":"par","threads":64,"iterations":1,"e":null,"error":"no memory for the input","us":0,"sub":[]}')).toEqual([
      { kind: 'par', threads: 64, iterations: 1, elapsedUs: 0, sub: [], refused: 'no memory for the input' },
    ]);
  });
});

describe('decodeGuestLine malformed lines', () => {
  it.each<[string, string, RegExp]>([
    ['empty', '', /empty line/],
    ['just \\r', '\r', /empty line/],
    ['not JSON', 'wine: Unhandled page fault', /not JSON/],
    ['cut mid-line', '{"t":"case","i":0,"id":"a","steps":[{"k":"ioctl","e":0', /not JSON/],
    ['an array', '[1,2]', /string "t"/],
    ['no t', '{"v":1}', /string "t"/],
    ['missing field', '{"t":"begin","i":0}', /^id is not a string$/],
    ['mistyped field', '{"t":"end","cases":"3"}', /^cases is not a number$/],
    ['bad step kind', '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[{"k":"dance"}]}', /steps\[0\]\.k "dance"/],
    ['bad hex', '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[{"k":"ioctl","e":0,"n":1,"us":1,"o":"zz","g":0}]}', /steps\[0\]\.o is not valid hex/],
    ['odd hex', '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[{"k":"ioctl","e":0,"n":1,"us":1,"o":"abc","g":0}]}', /not valid hex/],
    ['bad guard flag', '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[{"k":"ioctl","e":0,"n":0,"us":1,"o":"","g":2}]}', /\.g is not 0 or 1/],
    ['bad log', '{"t":"case","i":0,"id":"a","us":1,"log":[1],"steps":[]}', /log is not \[number, number\]/],
    [
      'bad par count',
      '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[{"k":"par","threads":1,"iterations":1,"us":1,"sub":[{"k":"open","calls":1,"errors":{"0":"x"}}]}]}',
      /steps\[0\]\.sub\[0\]\.errors\["0"\] is not a number/,
    ],
    [
      'exec inside par',
      '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[{"k":"par","threads":1,"iterations":1,"us":1,"sub":[{"k":"exec"}]}]}',
      /cannot be inside par/,
    ],
  ])('%s', (_name, line, problem) => {
    expect(problemOf(line)).toMatch(problem);
  });

  it('quotes the line in the message', () => {
    expect(() => decodeGuestLine('garbage')).toThrow('malformed guest runner line: not JSON: garbage');
  });
});

describe('decodeGuestLine hostile lines', () => {
  const caseLine = (step: string) => `{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[${step}]}`;
  const par = (sub: string) => caseLine(`{"k":"par","threads":1,"iterations":1,"us":1,"sub":[${sub}]}`);

  it.each<[string, string, string]>([
    ['a number too large for a double (Infinity)', '{"t":"end","cases":1e400}', 'cases is not a number'],
    ['a number as a string', '{"t":"begin","i":"0","id":"a"}', 'i is not a number'],
    ['a boolean for a number', caseLine('{"k":"ioctl","e":true,"n":0,"us":1,"o":"","g":0}'), 'steps[0].e is not a number'],
    ['null where null is not allowed', caseLine('{"k":"exec","e":0,"exit":0,"out":null,"us":1}'), 'steps[0].out is not a hex string'],
    ['a huge count', par('{"k":"open","calls":1e999,"errors":{}}'), 'steps[0].sub[0].calls is not a number'],
    ['a huge count in a map', par('{"k":"close","calls":1,"errors":{"0":-1e999}}'), 'steps[0].sub[0].errors["0"] is not a number'],
    ['a map that is an array', par('{"k":"open","calls":1,"errors":[1]}'), 'steps[0].sub[0].errors is not an object'],
    ['steps that are not an array', '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":{"0":{"k":"sleep"}}}', 'steps is not an array'],
    ['a step that is not an object', caseLine('"ioctl"'), 'steps[0] is not a step object'],
    ['a step kind that is not a string', caseLine('{"k":7}'), 'steps[0] is not a step object'],
    ['a refused step without its reason', caseLine('{"k":"read","e":null}'), 'steps[0].error is not a string'],
    [
      'a missing field of an inner ioctl',
      par('{"k":"ioctl","calls":1,"errors":{},"returned":{},"outs":[],"outsMore":0,"p50":1,"p99":1,"max":1}'),
      'steps[0].sub[0].g is not a number',
    ],
    [
      'an output that is not [hex, count]',
      par('{"k":"ioctl","calls":1,"errors":{},"returned":{},"outs":[["00"]],"outsMore":0,"p50":1,"p99":1,"max":1,"g":0}'),
      'steps[0].sub[0].outs[0] is not [hex, count]',
    ],
    [
      'an output whose bytes are not hex',
      par('{"k":"ioctl","calls":1,"errors":{},"returned":{},"outs":[["0g",1]],"outsMore":0,"p50":1,"p99":1,"max":1,"g":0}'),
      'steps[0].sub[0].outs[0][0] is not valid hex',
    ],
    ['fresh that is not an object', '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[],"fresh":"yes"}', 'fresh is not an object'],
    [
      'fresh with a null open',
      '{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[],"fresh":{"why":"asked","open":null,"e":0,"msg":"","us":1}}',
      'fresh.open is not a number',
    ],
  ])('%s', (_name, line, problem) => {
    expect(problemOf(line)).toBe(problem);
  });

  it('fields it does not know are left out, in lines and steps', () => {
    const event = decodeGuestLine('{"t":"begin","i":0,"id":"a","evil":"<script>","__proto__":{"polluted":1}}');
    expect(event).toEqual({ t: 'begin', index: 0, id: 'a' });
    expect(steps('{"k":"open","e":0,"s":0,"extra":[1,2,3]}')).toEqual([{ kind: 'open', error: 0, status: 0 }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a map key that names a prototype does not reach the prototype', () => {
    const [par] = steps('{"k":"par","threads":1,"iterations":1,"us":1,"sub":[{"k":"open","calls":2,"errors":{"__proto__":1,"0":1}}]}');
    expect(par?.kind === 'par' && Object.getPrototypeOf(par.sub[0]!.errors)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['0']).toBeUndefined();
  });

  it('huge but well-formed lines decode: a map of 100,000 keys, 100,000 pending slots', () => {
    const errors = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [String(i), 1]));
    const [par] = steps(`{"k":"par","threads":1,"iterations":1,"us":1,"sub":[{"k":"close","calls":100000,"errors":${JSON.stringify(errors)}}]}`);
    expect(par?.kind === 'par' && Object.keys(par.sub[0]!.errors)).toHaveLength(100_000);
    const pending = Array.from({ length: 100_000 }, (_, i) => i);
    expect(decodeGuestLine(`{"t":"case","i":0,"id":"a","us":1,"log":null,"steps":[],"pending":${JSON.stringify(pending)}}`)).toMatchObject({ pending });
  });

  it('the first problem of a line with many is the one named', () => {
    expect(problemOf('{"t":"load","service":1,"e":"x","msg":2,"us":null}')).toBe('service is not a string');
  });
});
