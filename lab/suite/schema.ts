/**
 * The suite file's shape, as zod schemas: validation and the generated JSON Schema for editors
 * (suite.schema.json) come from this one source. Only shape lives here; cross-field rules (names that
 * must exist, labels that must come earlier) are in rules.ts, and turning a valid suite into concrete
 * cases is expand.ts's job.
 */
import { z } from 'zod';
import { GUEST_LIMITS } from '../runner-limits/limits.js';

/** `${expr}`: a whole-value placeholder, resolved per case from the matrix parameters. */
export const Placeholder = z
  .string()
  .regex(/^\$\{[^{}]+\}$/, 'expected a ${...} placeholder')
  .describe('A ${expression} over the case parameters, e.g. ${len} or ${len + 1}.');

const intOr = (schema: z.ZodNumber) => z.union([schema, Placeholder]);
const Count = (max: number, min = 0) => intOr(z.number().int().min(min).max(max));
/** Buffer lengths: what the guest runner takes (driver/guest/limits.h, through lab/runner-limits). */
const Length = () => Count(GUEST_LIMITS.maxBufferLength);

/**
 * A Win32 error: a number (0 = success) or a name such as ERROR_INVALID_PARAMETER or INVALID_PARAMETER.
 * The shape takes any 32-bit number so that an NTSTATUS written here gets the message that says to use
 * `status:` (rules.ts), not a bare range error.
 */
export const Win32ErrorValue = z.union([z.number().int().min(0).max(0xffffffff), z.string().regex(/^[A-Za-z0-9_]+$/), Placeholder]);
/** An NTSTATUS: a number (negative as the driver's LONG, or 0xC000000D), 0x hex text, or a name such as STATUS_INVALID_PARAMETER. */
export const NtStatusValue = z.union([
  z.number().int().min(-0x8000_0000).max(0xffff_ffff),
  z
    .string()
    .regex(/^(?:[A-Za-z][A-Za-z0-9_]*|0[xX][0-9a-fA-F]{1,8})$/, 'expected an NTSTATUS name such as STATUS_INVALID_PARAMETER or a value such as 0xC000000D'),
  Placeholder,
]);

export const PayloadSchema = z
  .strictObject({
    text: z.string().max(1_048_576).optional().describe('UTF-8 text (escapes like \\0 work in double-quoted YAML).'),
    hex: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{2})*$/, 'expected an even number of hex digits')
      .max(2_097_152)
      .optional(),
    repeat: intOr(z.number().int().min(0).max(255)).optional().describe('One byte value, repeated to `length`.'),
    allBytes: z.literal(true).optional().describe('The 256 byte values 0x00..0xFF in order.'),
    withNuls: z.literal(true).optional().describe('Text with NUL bytes inside it ("ab\\0cd\\0..."), to catch strlen.'),
    random: z
      .strictObject({ seed: intOr(z.number().int().min(0).max(0xffffffff)) })
      .optional()
      .describe('Seeded pseudo-random bytes.'),
    length: Length().optional().describe('Total length: the pattern is repeated or cut to it.'),
    perThread: z.boolean().optional().describe('Inside `parallel`: each thread adds its index to every byte, so threads send different messages.'),
    label: z.string().max(64).optional().describe('A short name used in case ids when the payload is a matrix value.'),
  })
  .describe('Input bytes: exactly one generator (text, hex, repeat, allBytes, withNuls, random) or only a length (zeros).');

/** The bytes of an output buffer before the call: a pattern repeated to `outLength` (default zeros). */
export const FillSchema = z
  .strictObject({
    text: z.string().max(1_048_576).optional(),
    hex: z
      .string()
      .regex(/^(?:[0-9a-fA-F]{2})+$/, 'expected an even, non-zero number of hex digits')
      .max(2_097_152)
      .optional(),
    repeat: intOr(z.number().int().min(0).max(255)).optional().describe('One byte value.'),
    allBytes: z.literal(true).optional(),
    withNuls: z.literal(true).optional(),
    random: z.strictObject({ seed: intOr(z.number().int().min(0).max(0xffffffff)) }).optional(),
    label: z.string().max(64).optional().describe('A short name used in case ids when the fill is a matrix value.'),
  })
  .describe("The output buffer's bytes before the call, repeated to its length (default: zeros). For METHOD_IN_DIRECT it is a second input.");

const SameAs = z.union([z.string().min(1), z.number().int().min(0)]);
/** Bytes an output is compared with: text, hex, or what an earlier step sent. */
const Hex = z.string().regex(/^(?:[0-9a-fA-F]{2})*$/, 'expected an even number of hex digits');
const ExpectedBytes = z.strictObject({
  sameAs: SameAs.optional().describe('What an earlier step (by label or index) sent.'),
  text: z.string().optional(),
  hex: Hex.optional(),
});
/** A number, a range of numbers, or a placeholder. */
const Range = (max: number) => z.union([Count(max), z.strictObject({ min: Count(max).optional(), max: Count(max).optional() })]);

export const OutputExpectSchema = z
  .strictObject({
    sameAs: SameAs.optional().describe('Equal to what an earlier step (by label or index) sent.'),
    text: z.string().optional(),
    hex: Hex.optional(),
    prefix: z.union([z.string(), ExpectedBytes]).optional().describe('The output starts with these bytes (a string is text).'),
    length: Range(GUEST_LIMITS.maxBufferLength)
      .optional()
      .describe('How many output bytes came back (min(bytesReturned, outLength)): a number or { min, max }.'),
  })
  .describe('What the returned bytes must be: equal to `sameAs`, `text` or `hex`; start with `prefix`; be `length` long.');

const Condition = z.union([
  z.union([z.number(), z.string(), z.boolean()]),
  z.strictObject({
    min: z.number().optional(),
    max: z.number().optional(),
    in: z.array(z.union([z.number(), z.string(), z.boolean()])).optional(),
    not: z.union([z.number(), z.string(), z.boolean()]).optional(),
  }),
]);
export const WhenSchema = z.record(z.string(), Condition).describe('Parameter conditions; all must hold.');

const statusField = NtStatusValue.optional().describe("The NTSTATUS the call must return (the driver's, or the I/O manager's), by name or value.");
const ioctlExpectFields = {
  error: Win32ErrorValue.optional().describe('The Win32 error DeviceIoControl (ReadFile, WriteFile) must report (0 = success).'),
  status: statusField,
  bytesReturned: Range(GUEST_LIMITS.maxBufferLength).optional().describe("The IO_STATUS_BLOCK's Information: a number or { min, max }."),
  output: OutputExpectSchema.optional(),
};
export const IoctlExpectSchema = z.strictObject(ioctlExpectFields);
const IoctlExpectCase = z.strictObject({ when: WhenSchema.optional(), ...ioctlExpectFields });
/** One expectation, or a list whose first entry with a matching `when` applies. */
export const IoctlExpectValue = z.union([IoctlExpectSchema, z.array(IoctlExpectCase).min(1)]);

const errorExpect = z.strictObject({ error: Win32ErrorValue.optional() });
const errorExpectValue = z.union([errorExpect, z.array(z.strictObject({ when: WhenSchema.optional(), error: Win32ErrorValue.optional() })).min(1)]);
/** An open's expectation: its Win32 error and the NTSTATUS behind it. Without one, the open must succeed. */
const openExpectFields = { error: Win32ErrorValue.optional(), status: statusField };
const openExpectValue = z.union([z.strictObject(openExpectFields), z.array(z.strictObject({ when: WhenSchema.optional(), ...openExpectFields })).min(1)]);

export const Access = z.enum(['read-write', 'read', 'write', 'none']);
const Handle = intOr(
  z
    .number()
    .int()
    .min(0)
    .max(GUEST_LIMITS.maxSlots - 1),
);
const label = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a label like `put` or `first_read`')
  .optional();

/** The pointer a driver receives for a buffer: the runner's heap (the default), or a bad one it must survive. */
export const POINTER_KINDS = ['heap', 'null', 'invalid', 'kernel', 'unaligned', 'readOnly', 'noAccess', 'guardPage'] as const;
export const PointerKind = z
  .enum(POINTER_KINDS)
  .describe(
    'heap (default), null (with the length), invalid (a range never committed), ' +
      'kernel (a kernel-space address), unaligned (an odd address), readOnly, noAccess (a page of that protection), ' +
      'guardPage (the buffer ends exactly where a page that is not there begins).',
  );
const pointer = z.union([PointerKind, Placeholder]).optional();
const asyncName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a name like `pending` or `read_1`')
  .optional()
  .describe('Start the request and go on: a later `wait` or `cancel` step names it. Needs a handle opened with `overlapped: true`.');
const Offset = intOr(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER));

export const IoctlStep = z.strictObject({
  ioctl: z.union([z.string().min(1), z.number().int().min(0).max(0xffffffff)]).describe('A name from `ioctls`, or a raw 32-bit code.'),
  label,
  handle: Handle.optional().describe('Handle slot (default 0, opened read-write when the case does not open it).'),
  input: z.union([PayloadSchema, Placeholder, z.null()]).optional().describe('Input bytes; null passes a NULL pointer.'),
  inPointer: pointer.describe('The kind of input pointer (default heap).'),
  outLength: Length().optional().describe('Output buffer length (default 0: a NULL output pointer).'),
  outFill: z.union([FillSchema, Placeholder]).optional(),
  outPointer: pointer.describe('The kind of output pointer (default heap).'),
  async: asyncName,
  expect: z.union([IoctlExpectValue, Placeholder]).optional(),
});
export const ReadStep = z.strictObject({
  read: Length().describe('ReadFile of this many bytes.'),
  label,
  handle: Handle.optional().describe('Handle slot (default 0).'),
  offset: Offset.optional().describe("Byte offset (default: the handle's position; 0 on an overlapped handle)."),
  outFill: z.union([FillSchema, Placeholder]).optional(),
  outPointer: pointer.describe('The kind of buffer pointer (default heap).'),
  async: asyncName,
  expect: z.union([IoctlExpectValue, Placeholder]).optional(),
});
const writeExpectFields = { error: ioctlExpectFields.error, status: statusField, bytesReturned: ioctlExpectFields.bytesReturned };
export const WriteStep = z.strictObject({
  write: z.union([PayloadSchema, Placeholder, z.null()]).describe('WriteFile of these bytes; null passes a NULL pointer.'),
  label,
  handle: Handle.optional().describe('Handle slot (default 0).'),
  offset: Offset.optional().describe("Byte offset (default: the handle's position; 0 on an overlapped handle)."),
  inPointer: pointer.describe('The kind of buffer pointer (default heap).'),
  async: asyncName,
  expect: z
    .union([z.strictObject(writeExpectFields), z.array(z.strictObject({ when: WhenSchema.optional(), ...writeExpectFields })).min(1), Placeholder])
    .optional(),
});
export const WaitStep = z.strictObject({
  wait: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected the `async` name of an earlier step')
    .describe('Waits for the request an earlier step started with `async`.'),
  label,
  timeoutMs: Count(GUEST_LIMITS.maxWaitMs).optional().describe('How long to wait (default 5000); a request still pending then gives status STATUS_PENDING.'),
  expect: z.union([IoctlExpectValue, Placeholder]).optional().describe("The request's outcome, as its step's expect would say it."),
});
export const CancelStep = z.strictObject({
  cancel: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected the `async` name of an earlier step')
    .describe('CancelIoEx of a request an earlier step started (CancelIo where Windows has no CancelIoEx).'),
  label,
  expect: errorExpectValue.optional().describe("CancelIoEx's error: 0, or 1168 (ERROR_NOT_FOUND) for a request that already ended."),
});

export const SHARE_MODES = ['read', 'write', 'delete'] as const;
export const DISPOSITIONS = ['open-existing', 'create-new', 'open-always', 'create-always', 'truncate-existing'] as const;
export const OpenStep = z.strictObject({
  open: z.strictObject({
    handle: Handle.optional(),
    access: z.union([Access, Placeholder]).optional().describe('Default read-write.'),
    path: z
      .union([z.string().min(1).max(4096), Placeholder])
      .optional()
      .describe('Appended to the device path: `\\sub\\name`, a trailing `\\`, a `:stream`.'),
    device: z.string().min(1).max(4096).optional().describe("Another device than the suite's, e.g. a second driver's."),
    share: z
      .union([z.array(z.enum(SHARE_MODES)).max(3), Placeholder])
      .optional()
      .describe('FILE_SHARE_* modes (default [read, write]; [] shares nothing).'),
    disposition: z
      .union([z.enum(DISPOSITIONS), Placeholder])
      .optional()
      .describe("CreateFile's disposition (default open-existing)."),
    overlapped: z.boolean().optional().describe('FILE_FLAG_OVERLAPPED: the handle takes `async` requests (default false).'),
  }),
  label,
  expect: openExpectValue.optional().describe('Without one the open must succeed: a failed open ends its case, the steps after it are not run.'),
});
export const CloseStep = z.strictObject({ close: Handle, label });
export const SleepStep = z.strictObject({ sleep: Count(GUEST_LIMITS.maxSleepMs).describe('Milliseconds.'), label });
/** A file the suite deploys (`files`) or the driver image, by the name it has in the guest folder. */
const DeployedName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_. -]{0,127}$/, 'expected a file name of letters, digits, _ . - and spaces');
export const LoadStep = z.strictObject({
  load: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a service name of letters, digits, _ . -'),
  image: DeployedName.optional().describe("The image to load: the driver's, or one of `files` by its name (default the driver's)."),
  label,
  expect: errorExpectValue.optional(),
});
export const UnloadStep = z.strictObject({
  unload: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a service name of letters, digits, _ . -'),
  label,
  expect: errorExpectValue.optional(),
});
export const RunStep = z.strictObject({
  run: z.array(z.string().max(4096)).max(64).describe("Arguments for the program (the suite's client unless `program` says another)."),
  program: DeployedName.optional().describe('One of `files` by its name (default: the client).'),
  cwd: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('Where it starts: a folder under the deploy folder, or an absolute guest path (default: the deploy folder).'),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_()]*$/, 'expected a variable name'), z.string().max(32_767))
    .optional()
    .describe("Variables added to the runner's environment."),
  label,
  timeoutMs: Count(GUEST_LIMITS.maxExecTimeoutMs, 1).optional().describe('Default 30000.'),
  expect: z
    .strictObject({
      exitCode: z
        .union([z.number().int(), z.literal('any'), Placeholder])
        .optional()
        .describe('Default 0; `any` checks none.'),
      stdout: z
        .strictObject({
          contains: z.union([z.string(), z.array(z.string())]).optional(),
          equals: z.string().optional(),
          notContains: z.union([z.string(), z.array(z.string())]).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** Steps allowed inside `parallel`: what each thread repeats. */
export const ThreadStep = z.union([IoctlStep, OpenStep, CloseStep, SleepStep]);
export const ParallelStep = z.strictObject({
  parallel: z.strictObject({ threads: Count(GUEST_LIMITS.maxThreads, 1), iterations: Count(GUEST_LIMITS.maxIterations, 1).optional() }),
  label,
  steps: z.array(ThreadStep).min(1).max(32),
});

/** Order matters: issue formatting matches union branches to these keys. */
export const STEP_KINDS = ['ioctl', 'open', 'close', 'sleep', 'load', 'unload', 'run', 'parallel', 'read', 'write', 'wait', 'cancel'] as const;
export const THREAD_STEP_KINDS = ['ioctl', 'open', 'close', 'sleep'] as const;
export const Step = z.union([
  IoctlStep,
  OpenStep,
  CloseStep,
  SleepStep,
  LoadStep,
  UnloadStep,
  RunStep,
  ParallelStep,
  ReadStep,
  WriteStep,
  WaitStep,
  CancelStep,
]);

const ScalarList = z.array(z.unknown()).min(1).max(100_000);
export const MatrixValues = z.union([
  ScalarList,
  z.strictObject({ range: z.strictObject({ from: z.number().int(), to: z.number().int(), step: z.number().int().min(1).optional() }) }),
  z.strictObject({ boundary: z.strictObject({ around: z.number().int(), radius: z.number().int().min(0).max(1000) }) }),
]);

export const Isolation = z
  .enum(['case', 'suite', 'vm'])
  .describe(
    '`case`: the driver is loaded again before every case; ' +
      '`suite` (the default): cases share one load, and a case after one that left the driver unloaded or its device gone starts on a fresh load; ' +
      '`vm`: the target is reverted to its clean state (a VM snapshot, a fresh Wine prefix) before the case, which runs in a session of its own.',
  );

/** Where a skip or only applies: matrix values (`when`) and targets (`on`: kinds or names); both must hold. */
const TargetList = z.array(z.string().min(1).max(64)).min(1).max(32).describe('Target kinds (wine, ssh, hyperv) or inventory names.');
export const SkipRule = z.strictObject({
  when: WhenSchema.optional(),
  on: TargetList.optional(),
  reason: z.string().min(1).max(1000),
});
export const OnlyRule = z.strictObject({
  when: WhenSchema.optional(),
  on: TargetList.optional(),
  reason: z.string().min(1).max(1000).optional().describe('Why the case runs nowhere else (shown when it is skipped).'),
});

export const CaseSchema = z.strictObject({
  name: z.string().min(1).max(200).describe('Shown in reports; with the parameters, it makes the case id.'),
  id: z
    .string()
    .regex(/^[A-Za-z0-9_.:/-]{1,120}$/)
    .optional()
    .describe('Pin the id (default: derived from the name).'),
  description: z.string().max(4000).optional(),
  tags: z.array(z.string().max(64)).max(32).optional(),
  matrix: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), MatrixValues)
    .optional()
    .describe('Parameters: every combination becomes a case.'),
  exclude: z.array(WhenSchema).min(1).max(1000).optional().describe('Combinations of the matrix that are not cases: each entry a `when`.'),
  timeoutMs: Count(3_600_000).optional(),
  skip: z
    .union([z.string().min(1), SkipRule, z.array(SkipRule).min(1).max(32), z.record(z.string(), z.string().min(1))])
    .optional()
    .describe('A reason (skip everywhere), { when, on, reason } (or a list of them), or target → reason.'),
  only: z
    .union([OnlyRule, z.array(OnlyRule).min(1).max(32)])
    .optional()
    .describe('The case runs only where one entry holds ({ when, on }); elsewhere it is skipped.'),
  isolation: Isolation.optional(),
  steps: z.array(Step).min(1).max(1000),
});

export const IoctlDef = z.union([
  z.strictObject({
    function: z.number().int().min(0).max(0xfff),
    deviceType: z.number().int().min(0).max(0xffff).optional().describe('Default 0x22 (FILE_DEVICE_UNKNOWN).'),
    method: z.enum(['buffered', 'in-direct', 'out-direct', 'neither']).optional().describe('Default buffered.'),
    access: z
      .enum(['any', 'read', 'write', 'read-write'])
      .optional()
      .describe("Default read-write (FILE_READ_DATA | FILE_WRITE_DATA); the WDK's samples mostly use any (FILE_ANY_ACCESS)."),
  }),
  z.strictObject({ code: z.number().int().min(0).max(0xffffffff) }),
]);

export const SuiteSchema = z.strictObject({
  suite: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a short name of letters, digits, _ . -')
    .describe('The suite name: the first part of every case id.'),
  description: z.string().max(4000).optional(),
  driver: z.strictObject({
    image: z.string().min(1).describe('Path of the .sys, relative to this file (--driver overrides).'),
    service: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .optional()
      .describe('Service name (default: the image name).'),
    device: z.string().min(1).describe('User-mode device path, e.g. \\\\.\\object_device.'),
    log: z.string().optional().describe('The log file the driver writes, as a guest path, e.g. C:\\objdev.log.'),
  }),
  client: z.string().optional().describe('A user-mode client program for `run` steps, relative to this file (--client overrides).'),
  files: z
    .array(z.union([z.string().min(1), z.strictObject({ from: z.string().min(1), as: DeployedName.optional() })]))
    .max(64)
    .optional()
    .describe(
      'More files to deploy beside the driver (a config file, a second driver, a program and its DLLs): a path relative to this file, or { from, as }.',
    ),
  ioctls: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), IoctlDef).optional(),
  defaults: z.strictObject({ timeoutMs: z.number().int().min(1).max(3_600_000).optional().describe('Default 10000.') }).optional(),
  isolation: Isolation.optional(),
  cases: z.array(CaseSchema).min(1).max(10_000),
});

export type RawSuite = z.infer<typeof SuiteSchema>;
export type RawCase = z.infer<typeof CaseSchema>;
export type RawStep = z.infer<typeof Step>;
export type RawPayload = z.infer<typeof PayloadSchema>;
