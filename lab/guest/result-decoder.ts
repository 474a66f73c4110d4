/**
 * Decodes one stdout line of the guest runner (driver/guest/PROTOCOL.md, "Results") into a GuestEvent.
 * A line that is not what the protocol says (not JSON, a known type with a missing or mistyped field: a
 * runner cut off mid-line, a corrupted transport) throws GuestLineError; a well-formed line of a type this
 * version does not know comes back as `{ t: 'unknown' }`, so a newer runner never breaks an older host.
 * Hand-written checks instead of a schema library: the host decodes 10,000+ lines per run.
 */
import type {
  CancelOutcome,
  ExecOutcome,
  FreshLoad,
  GuestEvent,
  IoctlOutcome,
  ParallelOutcome,
  ParallelSubOutcome,
  SimpleOutcome,
  StepOutcome,
} from './result.js';

export class GuestLineError extends Error {
  constructor(
    readonly problem: string,
    readonly raw: string,
  ) {
    super(`malformed guest runner line: ${problem}: ${raw.length > 200 ? `${raw.slice(0, 200)}...` : raw}`);
    this.name = 'GuestLineError';
  }
}

type Json = Record<string, unknown>;
const EMPTY = new Uint8Array(0);

export function decodeGuestLine(line: string): GuestEvent {
  const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    throw new GuestLineError(raw.trim() === '' ? 'empty line' : 'not JSON', raw);
  }
  if (!isObject(o) || typeof o.t !== 'string') throw new GuestLineError('not an object with a string "t"', raw);
  try {
    return decodeEvent(o, raw);
  } catch (error) {
    if (error instanceof FieldError) throw new GuestLineError(error.message, raw);
    throw error;
  }
}

/** Thrown by the field readers below; turned into a GuestLineError carrying the raw line. */
class FieldError extends Error {}

function decodeEvent(o: Json, raw: string): GuestEvent {
  switch (o.t) {
    case 'hello':
      return { t: 'hello', version: num(o, 'v'), pid: num(o, 'pid'), qpcHz: num(o, 'qpcHz') };
    case 'load':
      return { t: 'load', service: str(o, 'service'), error: num(o, 'e'), message: str(o, 'msg'), elapsedUs: num(o, 'us') };
    case 'begin':
      return { t: 'begin', index: num(o, 'i'), id: str(o, 'id') };
    case 'case':
      if (o.error !== undefined)
        return { t: 'case-error', index: num(o, 'i'), id: str(o, 'id'), error: str(o, 'error'), line: num(o, 'line') };
      return {
        t: 'case',
        index: num(o, 'i'),
        id: str(o, 'id'),
        elapsedUs: num(o, 'us'),
        log: o.log === null || o.log === undefined ? null : pair(o, 'log'),
        steps: arr(o, 'steps').map((s, i) => step(s, `steps[${i}]`)),
        ...(o.fresh !== undefined ? { fresh: fresh(o.fresh) } : {}),
        ...(o.stopped !== undefined ? { stopped: num(o, 'stopped') } : {}),
        ...(o.pending !== undefined ? { pending: arr(o, 'pending').map((v, i) => numValue(v, `pending[${i}]`)) } : {}),
      };
    case 'unload':
      return {
        t: 'unload',
        service: str(o, 'service'),
        error: num(o, 'e'),
        message: str(o, 'msg'),
        openAfter: o.openAfter === null || o.openAfter === undefined ? null : num(o, 'openAfter'),
      };
    case 'plan-error':
      return { t: 'plan-error', error: str(o, 'error'), line: num(o, 'line') };
    case 'end':
      return { t: 'end', cases: num(o, 'cases') };
    default:
      return { t: 'unknown', type: o.t as string, raw };
  }
}

function fresh(f: unknown): FreshLoad {
  if (!isObject(f)) throw new FieldError('fresh is not an object');
  return {
    why: str(f, 'why', 'fresh'),
    open: f.open === undefined ? null : num(f, 'open', 'fresh'),
    after: f.after === undefined ? null : str(f, 'after', 'fresh'),
    error: num(f, 'e', 'fresh'),
    message: str(f, 'msg', 'fresh'),
    elapsedUs: num(f, 'us', 'fresh'),
  };
}

function step(s: unknown, at: string): StepOutcome {
  if (!isObject(s) || typeof s.k !== 'string') throw new FieldError(`${at} is not a step object`);
  switch (s.k) {
    case 'ioctl':
    case 'read':
    case 'write':
    case 'wait':
      return ioctl(s, at);
    case 'cancel':
      if (s.e === null) return { kind: 'cancel', error: null, status: null, refused: str(s, 'error', at) } satisfies CancelOutcome;
      return { kind: 'cancel', error: num(s, 'e', at), status: null, via: str(s, 'via', at) } satisfies CancelOutcome;
    case 'open':
    case 'close':
      return { kind: s.k, error: errorCode(s, at), status: statusCode(s, at) } satisfies SimpleOutcome;
    case 'sleep':
      return { kind: 'sleep', error: 0, status: null } satisfies SimpleOutcome;
    case 'load':
    case 'unload':
      return { kind: s.k, error: errorCode(s, at), status: null, message: str(s, 'msg', at), service: str(s, 'service', at) } satisfies SimpleOutcome;
    case 'exec':
      return {
        kind: 'exec',
        error: errorCode(s, at),
        exitCode: s.exit === null ? null : num(s, 'exit', at),
        output: hex(s, 'out', at),
        outputTruncated: s.ot === 1,
        elapsedUs: num(s, 'us', at),
      } satisfies ExecOutcome;
    case 'par':
      return par(s, at);
    default:
      throw new FieldError(`${at}.k ${JSON.stringify(s.k)} is not a step kind`);
  }
}

function ioctl(s: Json, at: string): IoctlOutcome {
  const kind = s.k as IoctlOutcome['kind'];
  if (s.e === null) {
    return {
      kind,
      error: null,
      status: null,
      bytesReturned: 0,
      elapsedUs: 0,
      output: EMPTY,
      outputTruncated: false,
      guardDamaged: false,
      refused: str(s, 'error', at),
    };
  }
  return {
    kind,
    error: num(s, 'e', at),
    status: statusCode(s, at),
    bytesReturned: num(s, 'n', at),
    elapsedUs: num(s, 'us', at),
    output: hex(s, 'o', at),
    outputTruncated: s.ot === 1,
    guardDamaged: flag(s, 'g', at),
  };
}

function par(s: Json, at: string): ParallelOutcome {
  const out: ParallelOutcome = {
    kind: 'par',
    threads: num(s, 'threads', at),
    iterations: num(s, 'iterations', at),
    elapsedUs: num(s, 'us', at),
    sub: arr(s, 'sub', at).map((x, i) => sub(x, `${at}.sub[${i}]`)),
  };
  if (s.error !== undefined) out.refused = str(s, 'error', at);
  return out;
}

function sub(x: unknown, at: string): ParallelSubOutcome {
  if (!isObject(x) || typeof x.k !== 'string') throw new FieldError(`${at} is not an object`);
  const k = x.k;
  if (k !== 'ioctl' && k !== 'open' && k !== 'close' && k !== 'sleep') throw new FieldError(`${at}.k ${JSON.stringify(k)} cannot be inside par`);
  const base: ParallelSubOutcome = {
    kind: k,
    calls: 0,
    errors: {},
    statuses: {},
    returned: {},
    outputs: [],
    outputsMore: 0,
    p50Us: 0,
    p99Us: 0,
    maxUs: 0,
    guardDamaged: 0,
  };
  if (k === 'ioctl' && x.e === null) return { ...base, refused: str(x, 'error', at) };
  base.calls = num(x, 'calls', at);
  if (k === 'sleep') return base;
  base.errors = counts(x, 'errors', at);
  if (x.statuses !== undefined) base.statuses = counts(x, 'statuses', at);
  if (k !== 'ioctl') return base;
  base.returned = counts(x, 'returned', at);
  base.outputs = arr(x, 'outs', at).map((pairValue, i) => {
    if (!Array.isArray(pairValue) || pairValue.length !== 2 || typeof pairValue[1] !== 'number')
      throw new FieldError(`${at}.outs[${i}] is not [hex, count]`);
    return { bytes: hexValue(pairValue[0], `${at}.outs[${i}][0]`), count: pairValue[1] };
  });
  base.outputsMore = num(x, 'outsMore', at);
  base.p50Us = num(x, 'p50', at);
  base.p99Us = num(x, 'p99', at);
  base.maxUs = num(x, 'max', at);
  base.guardDamaged = num(x, 'g', at);
  return base;
}

// ---- field readers: each names the field in its error ----------------------------------------------

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function name(at: string | undefined, key: string): string {
  return at ? `${at}.${key}` : key;
}

function num(o: Json, key: string, at?: string): number {
  return numValue(o[key], name(at, key));
}

function numValue(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FieldError(`${field} is not a number`);
  return v;
}

function str(o: Json, key: string, at?: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new FieldError(`${name(at, key)} is not a string`);
  return v;
}

function arr(o: Json, key: string, at?: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new FieldError(`${name(at, key)} is not an array`);
  return v;
}

function flag(o: Json, key: string, at: string): boolean {
  const v = o[key];
  if (v !== 0 && v !== 1) throw new FieldError(`${name(at, key)} is not 0 or 1`);
  return v === 1;
}

function errorCode(o: Json, at: string): number | null {
  return o.e === null ? null : num(o, 'e', at);
}

/** `s`, the NTSTATUS: absent from an older runner's lines, so null then. */
function statusCode(o: Json, at: string): number | null {
  return o.s === undefined || o.s === null ? null : num(o, 's', at);
}

function pair(o: Json, key: string): [number, number] {
  const v = o[key];
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number')
    throw new FieldError(`${key} is not [number, number]`);
  return [v[0], v[1]];
}

function counts(o: Json, key: string, at: string): Record<string, number> {
  const v = o[key];
  if (!isObject(v)) throw new FieldError(`${name(at, key)} is not an object`);
  for (const k in v) if (typeof v[k] !== 'number') throw new FieldError(`${name(at, key)}[${JSON.stringify(k)}] is not a number`);
  return v as Record<string, number>;
}

function hex(o: Json, key: string, at: string): Uint8Array {
  return hexValue(o[key], name(at, key));
}

function hexValue(v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string') throw new FieldError(`${field} is not a hex string`);
  if (v.length === 0) return EMPTY;
  const bytes = Buffer.from(v, 'hex');
  // Buffer.from stops at the first bad digit instead of failing: a length check catches that.
  if (bytes.length * 2 !== v.length) throw new FieldError(`${field} is not valid hex`);
  // A plain Uint8Array view (no copy): consumers compare outputs, and Buffer is not equal to Uint8Array there.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
