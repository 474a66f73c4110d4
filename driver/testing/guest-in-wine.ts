/**
 * Test support for driver/: builds what the tests need, stages it into a Wine prefix and runs a plan through
 * the guest runner (lab-guest.exe, driver/guest/PROTOCOL.md), encoded and decoded by lab/guest/ as the
 * product does. One Wine session per call.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { GuestStep } from '../../lab/guest/plan.js';
import { encodePlanText } from '../../lab/guest/plan-encoder.js';
import { decodeGuestLine } from '../../lab/guest/result-decoder.js';
import type { GuestEvent, StepOutcome } from '../../lab/guest/result.js';
import { runInWine, type FreshPrefix, type WineRun } from '../../lab/testing/wine.js';

export const DRIVER_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const BUILD_DIR = join(DRIVER_DIR, 'build');
export const REFLECT = 0x0022e004;
export const READ = 0x0022e008;
export const HELLO = Buffer.from('hello,world');
export const PAGE_FAULT = /wine: Unhandled page fault on (read|write) access to ([0-9A-F]+)/;

/**
 * `make -s -C driver <goals>`, one at a time across vitest's workers (flock), so two test files never
 * write the same object at once. Incremental: cheap once built.
 */
export async function build(goals: string[]): Promise<void> {
  await mkdir(BUILD_DIR, { recursive: true });
  const result = await execa('flock', [join(BUILD_DIR, '.test-lock'), 'make', '-s', '-j4', '-C', DRIVER_DIR, ...goals], {
    reject: false,
    timeout: 300_000,
  });
  if (result.exitCode !== 0) throw new Error(`make ${goals.join(' ')} failed:\n${result.stderr}\n${result.stdout}`);
}

/** Copies build outputs (paths relative to driver/build) into <driveC>\lab\ under their base names. */
export async function stage(driveC: string, files: string[]): Promise<void> {
  await mkdir(join(driveC, 'lab'), { recursive: true });
  for (const file of ['lab-guest.exe', ...files]) await copyFile(join(BUILD_DIR, file), join(driveC, 'lab', basename(file)));
}

export const step = {
  open: (): GuestStep => ({ kind: 'open', slot: 0, access: 'rw' }),
  /** `pattern` is repeated to `inLength` bytes; null passes a NULL input pointer (inLength 0). */
  ioctl: (code: number, inLength: number, outLength: number, pattern: Uint8Array | null = new Uint8Array(0)): GuestStep => ({
    kind: 'ioctl',
    slot: 0,
    code,
    outLength,
    input: pattern === null ? { pattern: new Uint8Array(0), length: 0, nullPointer: true } : { pattern, length: inLength },
  }),
  reflect: (message: Uint8Array) => step.ioctl(REFLECT, message.length, 0, message),
  read: (outLength: number) => step.ioctl(READ, 0, outLength, null),
  load: (service: string): GuestStep => ({ kind: 'load', service }),
  exec: (commandLine: string): GuestStep => ({ kind: 'exec', timeoutMs: 20_000, commandLine }),
};

/** A case that opens a read+write handle (slot 0) and then runs the steps. */
export const onHandle = (...steps: GuestStep[]): GuestStep[] => [step.open(), ...steps];

type Of<T extends GuestEvent['t']> = Extract<GuestEvent, { t: T }>;

export interface GuestRun extends WineRun {
  events: GuestEvent[];
  load?: Of<'load'>;
  unload?: Of<'unload'>;
  /** By case index; undefined for a case that never finished (hung, or the runner died). */
  cases: Array<Of<'case'> | undefined>;
  begun: number[];
  /** The lines objdev.sys sent through DbgPrint, as Wine's debugstr channel printed them. */
  dbgPrint: string[];
  /** C:\objdev.log after the run (empty when missing). */
  log: Buffer;
}

export interface PlanOptions {
  /** Image under C:\lab\ loaded as service `objdev` before the first case; none: no driver is loaded. */
  image?: string;
  timeoutMs?: number;
}

export async function runGuest(prefix: FreshPrefix, cases: GuestStep[][], options: PlanOptions = {}): Promise<GuestRun> {
  const plan = encodePlanText(
    {
      device: '\\\\.\\object_device',
      ...(options.image ? { driver: { service: 'objdev', imagePath: `C:\\lab\\${options.image}` } } : {}),
      logPath: 'C:\\objdev.log',
    },
    cases.map((steps, index) => ({ index, id: `c${index}`, steps })),
  );
  await writeFile(join(prefix.driveC, 'lab', 'plan.txt'), plan);
  const run = await runInWine(prefix.prefix, 'C:\\lab\\lab-guest.exe', ['C:\\lab\\plan.txt'], options.timeoutMs ?? 60_000);
  const events = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map(decodeGuestLine);
  const result: GuestRun = {
    ...run,
    events,
    cases: [],
    begun: [],
    dbgPrint: dbgPrintLines(run.stderr),
    log: await readFile(join(prefix.driveC, 'objdev.log')).catch(() => Buffer.alloc(0)),
  };
  for (const event of events) {
    if (event.t === 'load' && !result.load) result.load = event;
    else if (event.t === 'unload') result.unload = event;
    else if (event.t === 'case') result.cases[event.index] = event;
    else if (event.t === 'begin') result.begun.push(event.index);
  }
  return result;
}

/** The outcome of one step (default: the case's last) or undefined when the case never finished. */
export function outcome(run: GuestRun, caseIndex: number, stepIndex = -1): StepOutcome | undefined {
  return run.cases[caseIndex]?.steps.at(stepIndex);
}

/** An ioctl outcome as `e=<error> n=<bytes> o=<hex>`: short enough to compare and to read in a failure. */
export function ioctlText(run: GuestRun, caseIndex: number): string {
  const o = outcome(run, caseIndex);
  if (!o) return '(case did not finish)';
  if (o.kind !== 'ioctl') return `(${o.kind} step)`;
  return `e=${o.error} n=${o.bytesReturned} o=${Buffer.from(o.output).toString('hex')}`;
}

/** `0124:warn:debugstr:vDbgPrintExWithPrefix 00000000:00000001: objdev: ...` -> `objdev: ...` */
export function dbgPrintLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => /:warn:debugstr:vDbgPrintExWithPrefix [0-9a-f]+:[0-9a-f]+: (objdev: .*)$/.exec(line)?.[1])
    .filter((line): line is string => line !== undefined);
}
