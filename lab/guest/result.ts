/**
 * What the guest runner reports: driver/guest/PROTOCOL.md's result lines, one zod schema per line kind
 * (and per step kind inside a `case` line), each turning the wire's short keys into the host's names; the
 * types below are what they give. result-decoder.ts picks the schema for a line and turns a mismatch into
 * a GuestLineError naming the field. Keys a schema does not name are dropped: a newer runner may add some.
 * Byte strings are decoded from hex.
 */
import { z } from 'zod';

// ---- values: each says what it is not, and the decoder puts the field's path in front ----------------

const num = z.number({ error: 'is not a number' });
const str = z.string({ error: 'is not a string' });
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'is not an array' });
/** A Win32 error, or null when the runner did not run the call. */
const win32 = num.nullable();
/** `s`, the NTSTATUS (unsigned): absent from an older runner's lines (null then). */
const ntStatus = num.nullish();
/** `"ot":1` when the runner cut the bytes; anything else is not cut. */
const truncated = z.unknown().optional();
const flag = z.literal([0, 1], { error: 'is not 0 or 1' });
/** Counts by Win32 error, NTSTATUS, byte count (or `other`). */
const counts = z.record(z.string(), num, { error: 'is not an object' });

const EMPTY = new Uint8Array(0);
const hex = z.string({ error: 'is not a hex string' }).transform((v, ctx) => {
  if (v.length === 0) return EMPTY;
  const bytes = Buffer.from(v, 'hex');
  // Buffer.from stops at the first bad digit instead of failing: a length check catches that.
  if (bytes.length * 2 !== v.length) {
    ctx.issues.push({ code: 'custom', message: 'is not valid hex', input: v });
    return z.NEVER;
  }
  // A plain Uint8Array view (no copy): consumers compare outputs, and Buffer is not equal to Uint8Array there.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
});

/** `log`: the log file's size at the case's begin and end. */
const logSizes = z.custom<[number, number]>((v) => Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number', {
  error: 'is not [number, number]',
});
/** One of a par ioctl's distinct outputs: [hex, count]. */
const distinctOutput = z
  .custom<[unknown, number]>((v) => Array.isArray(v) && v.length === 2 && typeof v[1] === 'number', { error: 'is not [hex, count]' })
  .pipe(z.tuple([hex, num]))
  .transform(([bytes, count]) => ({ bytes, count }));

// ---- step results (`steps` of a case line) ---------------------------------------------------------

/** An ioctl, read or write, or the `wait` that saw an async one end: the same fields. */
const TransferDone = z
  .object({ k: z.enum(['ioctl', 'read', 'write', 'wait']), e: num, s: ntStatus, n: num, us: num, o: hex, ot: truncated, g: flag })
  .transform((x) => ({
    kind: x.k,
    /** Win32 error (0 = success). */
    error: x.e,
    /** The NTSTATUS the call returned (unsigned); null when the runner did not say. */
    status: x.s ?? null,
    bytesReturned: x.n,
    elapsedUs: x.us,
    output: x.o,
    outputTruncated: x.ot === 1,
    guardDamaged: x.g === 1,
  }));

/** A transfer the runner did not run (a length over the limit, no memory, an async slot refused). */
const TransferRefused = z.object({ k: z.enum(['ioctl', 'read', 'write', 'wait']), e: z.null(), error: str }).transform((x) => ({
  kind: x.k,
  error: null,
  status: null,
  bytesReturned: 0,
  elapsedUs: 0,
  output: EMPTY,
  outputTruncated: false,
  guardDamaged: false,
  /** Why the step was not run. */
  refused: x.error,
}));

const CancelDone = z.object({ k: z.literal('cancel'), e: num, via: str }).transform((x) => ({
  kind: x.k,
  /** CancelIoEx's (or CancelIo's) Win32 error. */
  error: x.e,
  status: null,
  /** Which call cancelled: CancelIoEx, or CancelIo where Windows has none (NT 5.2). */
  via: x.via,
}));

const CancelRefused = z
  .object({ k: z.literal('cancel'), e: z.null(), error: str })
  .transform((x) => ({ kind: x.k, error: null, status: null, refused: x.error }));

const OpenClose = z.object({ k: z.enum(['open', 'close']), e: win32, s: ntStatus }).transform((x) => ({
  kind: x.k,
  error: x.e,
  /** The NTSTATUS behind the error (0 for an open that succeeded). */
  status: x.s ?? null,
}));

const Sleep = z.object({ k: z.literal('sleep') }).transform((x) => ({ kind: x.k, error: 0, status: null }));

const Service = z
  .object({ k: z.enum(['load', 'unload']), e: win32, msg: str, service: str })
  .transform((x) => ({ kind: x.k, error: x.e, status: null, message: x.msg, service: x.service }));

const Exec = z.object({ k: z.literal('exec'), e: win32, exit: num.nullable(), out: hex, ot: truncated, us: num }).transform((x) => ({
  kind: x.k,
  /** 0, 1460 (ERROR_TIMEOUT) when it was killed on timeout, or why CreateProcess failed. */
  error: x.e,
  /** null when it was killed or never started. */
  exitCode: x.exit,
  /** stdout and stderr together, at most 64 KiB. */
  output: x.out,
  outputTruncated: x.ot === 1,
  elapsedUs: x.us,
}));

/** What an inner step of a `par` counts, all zero where its kind has nothing to count. */
const noCalls = (kind: 'ioctl' | 'open' | 'close' | 'sleep') => ({
  kind,
  calls: 0,
  errors: {} as Record<string, number>,
  /** NTSTATUS (unsigned, decimal) → calls, as `errors` is for Win32 errors. */
  statuses: {} as Record<string, number>,
  returned: {} as Record<string, number>,
  /** The first distinct outputs, each with how often it came back. */
  outputs: [] as Array<{ bytes: Uint8Array; count: number }>,
  outputsMore: 0,
  p50Us: 0,
  p99Us: 0,
  maxUs: 0,
  guardDamaged: 0,
});

const InnerIoctl = z
  .object({
    k: z.literal('ioctl'),
    calls: num,
    errors: counts,
    statuses: counts.optional(),
    returned: counts,
    outs: list(distinctOutput),
    outsMore: num,
    p50: num,
    p99: num,
    max: num,
    g: num,
  })
  .transform((x) => ({
    ...noCalls(x.k),
    calls: x.calls,
    errors: x.errors,
    statuses: x.statuses ?? {},
    returned: x.returned,
    outputs: x.outs,
    outputsMore: x.outsMore,
    p50Us: x.p50,
    p99Us: x.p99,
    maxUs: x.max,
    guardDamaged: x.g,
  }));

/** An inner ioctl the runner did not run (a length over the limit). */
const InnerIoctlRefused = z.object({ k: z.literal('ioctl'), e: z.null(), error: str }).transform((x) => ({ ...noCalls(x.k), refused: x.error }));

const InnerOpenClose = z
  .object({ k: z.enum(['open', 'close']), calls: num, errors: counts, statuses: counts.optional() })
  .transform((x) => ({ ...noCalls(x.k), calls: x.calls, errors: x.errors, statuses: x.statuses ?? {} }));

const InnerSleep = z.object({ k: z.literal('sleep'), calls: num }).transform((x) => ({ ...noCalls(x.k), calls: x.calls }));

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A step's schema, or for a kind the runner may refuse to run, one for each case. */
type KindSchema<T> = z.ZodType<T> | { ran: z.ZodType<T>; refused: z.ZodType<T> };

/**
 * A step parsed by the schema of its `k`, or of its refused form when the runner did not run it (`"e":null`):
 * zod's discriminated unions key on one literal field, the protocol's steps on two. `notAStep` and `unknown`
 * say what is wrong with a value that has no kind, or one not in `kinds`.
 */
function byKind<T>(kinds: Record<string, KindSchema<T>>, notAStep: string, unknown: (k: string) => string) {
  return z.unknown().transform((v, ctx): T => {
    if (!isObject(v) || typeof v.k !== 'string') {
      ctx.issues.push({ code: 'custom', message: notAStep, input: v });
      return z.NEVER;
    }
    const kind = Object.hasOwn(kinds, v.k) ? kinds[v.k]! : undefined;
    if (!kind) {
      ctx.issues.push({ code: 'custom', message: unknown(v.k), input: v, path: ['k'] });
      return z.NEVER;
    }
    const parsed = ('ran' in kind ? (v.e === null ? kind.refused : kind.ran) : kind).safeParse(v);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.issues.push({ code: 'custom', message: issue.message, path: issue.path, input: v });
    return z.NEVER;
  });
}

const InnerStep = byKind<InnerStepOutcome>(
  { ioctl: { ran: InnerIoctl, refused: InnerIoctlRefused }, open: InnerOpenClose, close: InnerOpenClose, sleep: InnerSleep },
  'is not an object',
  (k) => `${JSON.stringify(k)} cannot be inside par`,
);

type InnerStepOutcome = z.output<typeof InnerIoctl | typeof InnerIoctlRefused | typeof InnerOpenClose | typeof InnerSleep>;

const Par = z.object({ k: z.literal('par'), threads: num, iterations: num, us: num, sub: list(InnerStep), error: str.optional() }).transform((x) => ({
  kind: 'par' as const,
  threads: x.threads,
  iterations: x.iterations,
  elapsedUs: x.us,
  sub: x.sub,
  /** Why no thread ran (no memory for the buffers, no threads); the sub entries then count nothing. */
  ...(x.error !== undefined ? { refused: x.error } : {}),
}));

type AnyStepOutcome = z.output<
  | typeof TransferDone
  | typeof TransferRefused
  | typeof CancelDone
  | typeof CancelRefused
  | typeof OpenClose
  | typeof Sleep
  | typeof Service
  | typeof Exec
  | typeof Par
>;

const transfer = { ran: TransferDone, refused: TransferRefused };
const Step = byKind<AnyStepOutcome>(
  {
    ioctl: transfer,
    read: transfer,
    write: transfer,
    wait: transfer,
    cancel: { ran: CancelDone, refused: CancelRefused },
    open: OpenClose,
    close: OpenClose,
    sleep: Sleep,
    load: Service,
    unload: Service,
    exec: Exec,
    par: Par,
  },
  'is not a step object',
  (k) => `${JSON.stringify(k)} is not a step kind`,
);

// ---- lines ------------------------------------------------------------------------------------------

/** Why and how the runner loaded the driver again before a case. */
const Fresh = z.object({ why: str, open: num.optional(), after: str.optional(), e: num, msg: str, us: num }, { error: 'is not an object' }).transform((x) => ({
  /** `asked`: the case wanted one (isolation: case); `device-gone`: the case before left no device to open. */
  why: x.why,
  /** The Win32 error of the open that found the device gone; null when the case asked. */
  open: x.open ?? null,
  /** The id of the case that ran before and left the device gone; null when the case asked. */
  after: x.after ?? null,
  /** The load's Win32 error (0 = loaded): when it is not 0 the case ran no step. */
  error: x.e,
  message: x.msg,
  elapsedUs: x.us,
}));

export const GUEST_LINES = {
  hello: z.object({ v: num, pid: num, qpcHz: num }).transform((x) => ({ t: 'hello' as const, version: x.v, pid: x.pid, qpcHz: x.qpcHz })),
  load: z
    .object({ service: str, e: num, msg: str, us: num })
    .transform((x) => ({ t: 'load' as const, service: x.service, error: x.e, message: x.msg, elapsedUs: x.us })),
  begin: z.object({ i: num, id: str }).transform((x) => ({ t: 'begin' as const, index: x.i, id: x.id })),
  case: z
    .object({
      i: num,
      id: str,
      us: num,
      log: logSizes.nullish(),
      steps: list(Step),
      fresh: Fresh.optional(),
      stopped: num.optional(),
      pending: list(num).optional(),
    })
    .transform((x) => ({
      t: 'case' as const,
      index: x.i,
      id: x.id,
      elapsedUs: x.us,
      log: x.log ?? null,
      steps: x.steps,
      /** Set when the driver was loaded again before the case's steps. */
      ...(x.fresh !== undefined ? { fresh: x.fresh } : {}),
      /** The index of a required open that failed: the steps after it were not run. */
      ...(x.stopped !== undefined ? { stopped: x.stopped } : {}),
      /** Async slots whose requests were still pending after the runner cancelled them at the case's end. */
      ...(x.pending !== undefined ? { pending: x.pending } : {}),
    })),
  /** A case the runner could not run as written; index -1 and id '' for a line outside any case. */
  'case-error': z
    .object({ i: num, id: str, error: str, line: num })
    .transform((x) => ({ t: 'case-error' as const, index: x.i, id: x.id, error: x.error, line: x.line })),
  unload: z
    .object({ service: str, e: num, msg: str, openAfter: num.nullish() })
    .transform((x) => ({ t: 'unload' as const, service: x.service, error: x.e, message: x.msg, openAfter: x.openAfter ?? null })),
  'plan-error': z.object({ error: str, line: num }).transform((x) => ({ t: 'plan-error' as const, error: x.error, line: x.line })),
  end: z.object({ cases: num }).transform((x) => ({ t: 'end' as const, cases: x.cases })),
};

export type IoctlOutcome = z.output<typeof TransferDone> | z.output<typeof TransferRefused>;
export type CancelOutcome = z.output<typeof CancelDone> | z.output<typeof CancelRefused>;
export type OpenCloseOutcome = z.output<typeof OpenClose>;
export type ServiceOutcome = z.output<typeof Service>;
export type SimpleOutcome = OpenCloseOutcome | z.output<typeof Sleep> | ServiceOutcome;
export type ExecOutcome = z.output<typeof Exec>;
export type ParallelSubOutcome = z.output<typeof InnerStep>;
export type ParallelOutcome = z.output<typeof Par>;
export type StepOutcome = z.output<typeof Step>;
export type FreshLoad = z.output<typeof Fresh>;

export type GuestEvent =
  | { [T in keyof typeof GUEST_LINES]: z.output<(typeof GUEST_LINES)[T]> }[keyof typeof GUEST_LINES]
  /** A well-formed line of a type this decoder does not know (a newer runner): kept, never an error. */
  | { t: 'unknown'; type: string; raw: string };
