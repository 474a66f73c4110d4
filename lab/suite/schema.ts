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
  z.string().regex(/^(?:[A-Za-z][A-Za-z0-9_]*|0[xX][0-9a-fA-F]{1,8})$/, 'expected an NTSTATUS name such as STATUS_INVALID_PARAMETER or a value such as 0xC000000D'),
  Placeholder,
]);

export const PayloadSchema = z
  .strictObject({
    text: z.string().max(1_048_576).optional().describe('UTF-8 text (escapes like \\0 work in double-quoted YAML).'),
    hex: z.string().regex(/^(?:[0-9a-fA-F]{2})*$/, 'expected an even number of hex digits').max(2_097_152).optional(),
    repeat: intOr(z.number().int().min(0).max(255)).optional().describe('One byte value, repeated to `length`.'),
    allBytes: z.literal(true).optional().describe('The 256 byte values 0x00..0xFF in order.'),
    withNuls: z.literal(true).optional().describe('Text with NUL bytes inside it ("ab\\0cd\\0..."), to catch strlen.'),
    random: z.strictObject({ seed: intOr(z.number().int().min(0).max(0xffffffff)) }).optional().describe('Seeded pseudo-random bytes.'),
    length: Length().optional().describe('Total length: the pattern is repeated or cut to it.'),
    perThread: z.boolean().optional().describe('Inside `parallel`: each thread adds its index to every byte, so threads send different messages.'),
    label: z.string().max(64).optional().describe('A short name used in case ids when the payload is a matrix value.'),
  })
  .describe('Input bytes: exactly one generator (text, hex, repeat, allBytes, withNuls, random) or only a length (zeros).');

export const OutputExpectSchema = z
  .strictObject({
    sameAs: z.union([z.string().min(1), z.number().int().min(0)]).optional().describe('Equal to what an earlier step (by label or index) sent.'),
    text: z.string().optional(),
    hex: z.string().regex(/^(?:[0-9a-fA-F]{2})*$/).optional(),
  })
  .describe('What the returned bytes must be.');

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

const statusField = NtStatusValue.optional().describe('The NTSTATUS the call must return (the driver\'s, or the I/O manager\'s), by name or value.');
const ioctlExpectFields = {
  error: Win32ErrorValue.optional().describe('The Win32 error DeviceIoControl must report (0 = success).'),
  status: statusField,
  bytesReturned: Length().optional(),
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
const Handle = intOr(z.number().int().min(0).max(GUEST_LIMITS.maxSlots - 1));
const label = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a label like `put` or `first_read`').optional();

export const IoctlStep = z.strictObject({
  ioctl: z.union([z.string().min(1), z.number().int().min(0).max(0xffffffff)]).describe('A name from `ioctls`, or a raw 32-bit code.'),
  label,
  handle: Handle.optional().describe('Handle slot (default 0, opened read-write when the case does not open it).'),
  input: z.union([PayloadSchema, Placeholder, z.null()]).optional().describe('Input bytes; null passes a NULL pointer.'),
  outLength: Length().optional().describe('Output buffer length (default 0: a NULL output pointer).'),
  expect: z.union([IoctlExpectValue, Placeholder]).optional(),
});
export const OpenStep = z.strictObject({
  open: z.strictObject({ handle: Handle.optional(), access: z.union([Access, Placeholder]).optional() }),
  label,
  expect: openExpectValue.optional().describe('Without one the open must succeed: a failed open ends its case, the steps after it are not run.'),
});
export const CloseStep = z.strictObject({ close: Handle, label });
export const SleepStep = z.strictObject({ sleep: Count(GUEST_LIMITS.maxSleepMs).describe('Milliseconds.'), label });
export const LoadStep = z.strictObject({
  load: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a service name of letters, digits, _ . -'),
  label,
  expect: errorExpectValue.optional(),
});
export const UnloadStep = z.strictObject({
  unload: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a service name of letters, digits, _ . -'),
  label,
  expect: errorExpectValue.optional(),
});
export const RunStep = z.strictObject({
  run: z.array(z.string().max(4096)).max(64).describe("Arguments for the suite's client program."),
  label,
  timeoutMs: Count(GUEST_LIMITS.maxExecTimeoutMs, 1).optional(),
  expect: z
    .strictObject({
      exitCode: intOr(z.number().int()).optional(),
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
export const STEP_KINDS = ['ioctl', 'open', 'close', 'sleep', 'load', 'unload', 'run', 'parallel'] as const;
export const THREAD_STEP_KINDS = ['ioctl', 'open', 'close', 'sleep'] as const;
export const Step = z.union([IoctlStep, OpenStep, CloseStep, SleepStep, LoadStep, UnloadStep, RunStep, ParallelStep]);

const ScalarList = z.array(z.unknown()).min(1).max(100_000);
export const MatrixValues = z.union([
  ScalarList,
  z.strictObject({ range: z.strictObject({ from: z.number().int(), to: z.number().int(), step: z.number().int().min(1).optional() }) }),
  z.strictObject({ boundary: z.strictObject({ around: z.number().int(), radius: z.number().int().min(0).max(1000) }) }),
]);

export const Isolation = z
  .enum(['case', 'suite'])
  .describe('`case`: the driver is loaded again before every case; `suite` (the default): cases share one load, and a case after one that left the driver unloaded or its device gone starts on a fresh load.');

export const CaseSchema = z.strictObject({
  name: z.string().min(1).max(200).describe('Shown in reports; with the parameters, it makes the case id.'),
  id: z.string().regex(/^[A-Za-z0-9_.:/-]{1,120}$/).optional().describe('Pin the id (default: derived from the name).'),
  description: z.string().max(4000).optional(),
  tags: z.array(z.string().max(64)).max(32).optional(),
  matrix: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), MatrixValues).optional().describe('Parameters: every combination becomes a case.'),
  timeoutMs: Count(3_600_000).optional(),
  skip: z.union([z.string().min(1), z.record(z.string(), z.string().min(1))]).optional().describe('A reason (skip everywhere) or target → reason.'),
  isolation: Isolation.optional(),
  steps: z.array(Step).min(1).max(1000),
});

export const IoctlDef = z.union([
  z.strictObject({
    function: z.number().int().min(0).max(0xfff),
    deviceType: z.number().int().min(0).max(0xffff).optional().describe('Default 0x22 (FILE_DEVICE_UNKNOWN).'),
    method: z.enum(['buffered', 'in-direct', 'out-direct', 'neither']).optional(),
    access: z.enum(['any', 'read', 'write', 'read-write']).optional(),
  }),
  z.strictObject({ code: z.number().int().min(0).max(0xffffffff) }),
]);

export const SuiteSchema = z.strictObject({
  suite: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a short name of letters, digits, _ . -').describe('The suite name: the first part of every case id.'),
  description: z.string().max(4000).optional(),
  driver: z.strictObject({
    image: z.string().min(1).describe('Path of the .sys, relative to this file (--driver overrides).'),
    service: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional().describe('Service name (default: the image name).'),
    device: z.string().min(1).describe('User-mode device path, e.g. \\\\.\\object_device.'),
    log: z.string().optional().describe('The log file the driver writes, as a guest path, e.g. C:\\objdev.log.'),
  }),
  client: z.string().optional().describe('A user-mode client program for `run` steps, relative to this file (--client overrides).'),
  ioctls: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), IoctlDef).optional(),
  defaults: z.strictObject({ timeoutMs: z.number().int().min(1).max(3_600_000).optional() }).optional(),
  isolation: Isolation.optional(),
  cases: z.array(CaseSchema).min(1).max(10_000),
});

export type RawSuite = z.infer<typeof SuiteSchema>;
export type RawCase = z.infer<typeof CaseSchema>;
export type RawStep = z.infer<typeof Step>;
export type RawPayload = z.infer<typeof PayloadSchema>;
