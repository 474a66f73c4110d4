/**
 * Encodes a plan for the guest runner (driver/guest/PROTOCOL.md, "Plan"). Everything is validated here,
 * on the host, so a bad case fails early with its id and field named instead of coming back from the guest
 * as a case error; checkPlanCase and checkPlanHeader run the same checks without making the text, so they
 * run when a suite is read (check-plan.ts). Case by case (a generator), because suites expand to 10,000+
 * cases: write it with `pipeline(Readable.from(encodePlan(header, cases)), createWriteStream(path))`.
 */
import { UsageError } from '../errors/lab-error.js';
import { GUEST_LIMITS, type BufferOptions, type GuestCase, type GuestPayload, type GuestPlanHeader, type GuestStep, type Pointer } from './plan.js';

/**
 * A plan that cannot be encoded: names the case (if any) and the field. check-plan.ts turns it into the
 * suite's located issues when a suite is read, so it reaches the user on its own only from a plan made
 * otherwise.
 */
export class PlanEncodeError extends UsageError {
  constructor(
    readonly caseId: string | null,
    readonly field: string,
    readonly problem: string,
  ) {
    super('LAB_PLAN_INVALID', `${caseId === null ? 'plan header' : `case ${JSON.stringify(caseId)}`}: ${field} ${problem}`);
  }
}

/** A lone surrogate has no UTF-8 form: the guest would read a different string than the host meant. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const PAR_STEPS: ReadonlySet<GuestStep['kind']> = new Set(['open', 'close', 'ioctl', 'sleep']);
/** The plan's words for the pointer kinds (driver/guest/plan-case.c's PTR_NAMES). */
const POINTER_WORDS: Record<Pointer, string> = {
  heap: 'heap',
  null: 'null',
  invalid: 'invalid',
  kernel: 'kernel',
  unaligned: 'unaligned',
  readOnly: 'readonly',
  noAccess: 'noaccess',
  guardPage: 'pageend',
};
const DISPOSITION_WORDS = new Set(['open', 'create', 'open-always', 'create-always', 'truncate']);

export function* encodePlan(header: GuestPlanHeader, cases: Iterable<GuestCase>): Generator<string, void, undefined> {
  yield encodeHeader(header);
  for (const c of cases) yield encodeCase(c, header);
}

/** The whole plan as one string: for small plans and tests. */
export function encodePlanText(header: GuestPlanHeader, cases: Iterable<GuestCase>): string {
  let text = '';
  for (const part of encodePlan(header, cases)) text += part;
  return text;
}

export function encodeHeader(header: GuestPlanHeader): string {
  let text = 'lab-plan 1\n';
  text += `device ${path(null, 'device', header.device)}\n`;
  if (header.driver) {
    const service = token(null, 'driver.service', header.driver.service, GUEST_LIMITS.maxServiceBytes);
    text += `driver ${service} ${path(null, 'driver.imagePath', header.driver.imagePath)}\n`;
  }
  if (header.logPath !== undefined) text += `log ${path(null, 'logPath', header.logPath)}\n`;
  if (header.markers === 'stderr') text += 'markers stderr\n';
  if (header.workdir !== undefined) text += `workdir ${path(null, 'workdir', header.workdir)}\n`;
  return text;
}

/** Every check encodeHeader makes; throws PlanEncodeError. */
export function checkPlanHeader(header: GuestPlanHeader): void {
  encodeHeader(header);
}

type CaseHeader = Pick<GuestPlanHeader, 'driver'>;

/** One `case` ... `end` block. `header` is needed to check that `load` steps have an image to load. */
export function encodeCase(c: GuestCase, header: CaseHeader): string {
  return caseText(c, header, true);
}

/** Every check encodeCase makes, without making the text (payload and command line hex); throws PlanEncodeError. */
export function checkPlanCase(c: GuestCase, header: CaseHeader): void {
  caseText(c, header, false);
}

function caseText(c: GuestCase, header: CaseHeader, emit: boolean): string {
  const id = token(String(c.id), 'id', c.id, GUEST_LIMITS.maxIdBytes);
  if (!Number.isSafeInteger(c.index) || c.index < 0) fail(c.id, 'index', `must be a whole number >= 0, got ${c.index}`);
  if (c.fresh && !header.driver) fail(c.id, 'fresh', "needs the plan header's driver (it names the image to load again)");
  let text = `case ${c.index} ${id}${c.fresh ? ' fresh' : ''}\n`;
  c.steps.forEach((s, i) => {
    text += encodeStep(c.id, `steps[${i}]`, s, header, false, emit);
  });
  return `${text}end\n`;
}

function encodeStep(id: string, at: string, s: GuestStep, header: CaseHeader, inPar: boolean, emit: boolean): string {
  if (inPar && !PAR_STEPS.has(s.kind)) fail(id, `${at}.kind`, `'${s.kind}' is not allowed inside par (only open, close, ioctl, sleep)`);
  switch (s.kind) {
    case 'open': {
      if (!['rw', 'r', 'w', 'none'].includes(s.access)) fail(id, `${at}.access`, `must be rw, r, w or none, got ${JSON.stringify(s.access)}`);
      // Inside par a failed open is counted, never the end of anything.
      if (s.required && inPar) fail(id, `${at}.required`, 'is not allowed inside par');
      if (s.overlapped && inPar) fail(id, `${at}.overlapped`, 'is not allowed inside par');
      let text = `open ${slot(id, at, s.slot)} ${s.access}${s.required ? ' required' : ''}${s.overlapped ? ' overlapped' : ''}`;
      if (s.path !== undefined) text += ` path=${hexText(id, `${at}.path`, s.path, emit)}`;
      if (s.device !== undefined) text += ` device=${hexText(id, `${at}.device`, s.device, emit)}`;
      if (s.share !== undefined) {
        if (!/^(?!.*(.).*\1)[rwd]*$/.test(s.share)) fail(id, `${at}.share`, `must be the letters r, w, d, each at most once, got ${JSON.stringify(s.share)}`);
        text += ` share=${s.share === '' ? 'none' : s.share}`;
      }
      if (s.disposition !== undefined) {
        if (!DISPOSITION_WORDS.has(s.disposition)) fail(id, `${at}.disposition`, `is unknown: ${JSON.stringify(s.disposition)}`);
        text += ` disposition=${s.disposition}`;
      }
      return `${text}\n`;
    }
    case 'close':
      return `close ${slot(id, at, s.slot)}\n`;
    case 'ioctl': {
      const code = int(id, `${at}.code`, s.code, 0, 0xffff_ffff);
      const out = int(id, `${at}.outLength`, s.outLength, 0, GUEST_LIMITS.maxBufferLength);
      const options = bufferOptions(id, at, s, inPar, { fill: 'fill', inPointer: 'in', outPointer: 'out' }, emit);
      return `ioctl ${slot(id, at, s.slot)} 0x${code.toString(16).toUpperCase().padStart(8, '0')} ${payloadLength(id, at, s.input)} ${out} ${payload(id, at, s.input, emit)}${options}\n`;
    }
    case 'read': {
      const length = int(id, `${at}.length`, s.length, 0, GUEST_LIMITS.maxBufferLength);
      return `read ${slot(id, at, s.slot)} ${length}${offset(id, at, s.offset)}${bufferOptions(id, at, s, inPar, { fill: 'fill', outPointer: 'buf' }, emit)}\n`;
    }
    case 'write': {
      const options = bufferOptions(id, at, s, inPar, { inPointer: 'buf' }, emit);
      return `write ${slot(id, at, s.slot)} ${payloadLength(id, at, s.input)} ${payload(id, at, s.input, emit)}${offset(id, at, s.offset)}${options}\n`;
    }
    case 'wait':
      return `wait ${asyncSlot(id, `${at}.async`, s.async)} ${int(id, `${at}.timeoutMs`, s.timeoutMs, 0, GUEST_LIMITS.maxWaitMs)}\n`;
    case 'cancel':
      return `cancel ${asyncSlot(id, `${at}.async`, s.async)}\n`;
    case 'par': {
      const threads = int(id, `${at}.threads`, s.threads, 1, GUEST_LIMITS.maxThreads);
      const iterations = int(id, `${at}.iterations`, s.iterations, 1, GUEST_LIMITS.maxIterations);
      if (inPar) fail(id, at, 'par cannot be nested');
      let text = `par ${threads} ${iterations}\n`;
      s.steps.forEach((inner, i) => {
        text += encodeStep(id, `${at}.steps[${i}]`, inner, header, true, emit);
      });
      return `${text}endpar\n`;
    }
    case 'exec': {
      const timeout = int(id, `${at}.timeoutMs`, s.timeoutMs, 1, GUEST_LIMITS.maxExecTimeoutMs);
      if (typeof s.commandLine !== 'string' || s.commandLine.length === 0 || s.commandLine.includes('\0'))
        fail(id, `${at}.commandLine`, 'must be a non-empty string without NUL');
      // UTF-8 would carry a lone surrogate as U+FFFD: the program would get another argument than written.
      if (LONE_SURROGATE.test(s.commandLine)) fail(id, `${at}.commandLine`, 'is not well-formed Unicode (a lone surrogate)');
      let text = `exec ${timeout} ${emit ? Buffer.from(s.commandLine, 'utf8').toString('hex') : ''}`;
      if (s.cwd !== undefined) text += ` cwd=${hexText(id, `${at}.cwd`, s.cwd, emit)}`;
      if (s.env !== undefined) text += ` env=${environment(id, `${at}.env`, s.env, emit)}`;
      return `${text}\n`;
    }
    case 'load':
    case 'unload':
      if (s.kind === 'load' && !header.driver && s.image === undefined)
        fail(id, `${at}.kind`, "'load' needs an image, or the plan header's driver (it names the image)");
      return (
        `${s.kind} ${token(id, `${at}.service`, s.service, GUEST_LIMITS.maxServiceBytes)}` +
        `${s.kind === 'load' && s.image !== undefined ? ` image=${hexText(id, `${at}.image`, s.image, emit)}` : ''}\n`
      );
    case 'sleep':
      return `sleep ${int(id, `${at}.ms`, s.ms, 0, GUEST_LIMITS.maxSleepMs)}\n`;
    default:
      return fail(id, `${at}.kind`, `is unknown: ${JSON.stringify((s as { kind: unknown }).kind)}`);
  }
}

/** ` key=value` words of a step that moves bytes; `names` maps each option this kind takes to its plan word. */
function bufferOptions(
  id: string,
  at: string,
  s: BufferOptions & { input?: GuestPayload },
  inPar: boolean,
  names: Partial<Record<'fill' | 'inPointer' | 'outPointer', string>>,
  emit: boolean,
): string {
  let text = '';
  const given = (['fill', 'inPointer', 'outPointer', 'async'] as const).filter((k) => s[k] !== undefined);
  if (inPar && given.length) fail(id, `${at}.${given[0]}`, 'is not allowed inside par');
  if (s.fill !== undefined) {
    if (!names.fill) fail(id, `${at}.fill`, 'is not an option of this step');
    if (!(s.fill instanceof Uint8Array) || s.fill.length === 0) fail(id, `${at}.fill`, 'must be at least one byte');
    text += ` fill=${emit ? Buffer.from(s.fill.buffer, s.fill.byteOffset, s.fill.byteLength).toString('hex') : ''}`;
  }
  for (const key of ['inPointer', 'outPointer'] as const) {
    const kind = s[key];
    if (kind === undefined || kind === 'heap') continue;
    if (!names[key]) fail(id, `${at}.${key}`, 'is not an option of this step');
    if (!Object.hasOwn(POINTER_WORDS, kind)) fail(id, `${at}.${key}`, `is unknown: ${JSON.stringify(kind)}`);
    if (key === 'inPointer' && s.input?.nullPointer) fail(id, `${at}.inPointer`, 'cannot go with a NULL payload, which is a NULL pointer already');
    text += ` ${names[key]}=${POINTER_WORDS[kind]}`;
  }
  if (s.async !== undefined) text += ` async=${asyncSlot(id, `${at}.async`, s.async)}`;
  return text;
}

function offset(id: string, at: string, value: number | undefined): string {
  return value === undefined ? '' : ` offset=${int(id, `${at}.offset`, value, 0, Number.MAX_SAFE_INTEGER)}`;
}

function asyncSlot(id: string, field: string, value: number): number {
  return int(id, field, value, 0, GUEST_LIMITS.maxAsync - 1);
}

/** A string the runner reads as hex of its UTF-8 (paths, a working folder): non-empty, no NUL, well-formed. */
function hexText(id: string, field: string, value: string, emit: boolean): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) fail(id, field, 'must be a non-empty string without NUL');
  if (LONE_SURROGATE.test(value)) fail(id, field, 'is not well-formed Unicode (a lone surrogate)');
  return emit ? Buffer.from(value, 'utf8').toString('hex') : '';
}

/** NAME=VALUE strings, NUL between them: names without `=` or NUL, values without NUL. */
function environment(id: string, field: string, env: Record<string, string>, emit: boolean): string {
  const entries = Object.entries(env);
  if (entries.length === 0) fail(id, field, 'must name at least one variable');
  for (const [name, value] of entries) {
    if (name.length === 0 || /[=\0]/.test(name)) fail(id, field, `has a bad variable name ${JSON.stringify(name)} (no = or NUL)`);
    if (typeof value !== 'string' || value.includes('\0')) fail(id, `${field}.${name}`, 'must be a string without NUL');
    if (LONE_SURROGATE.test(name) || LONE_SURROGATE.test(value)) fail(id, `${field}.${name}`, 'is not well-formed Unicode (a lone surrogate)');
  }
  return emit ? Buffer.from(entries.map(([n, v]) => `${n}=${v}`).join('\0'), 'utf8').toString('hex') : '';
}

function payloadLength(id: string, at: string, p: GuestPayload): number {
  return int(id, `${at}.input.length`, p.length, 0, GUEST_LIMITS.maxBufferLength);
}

function payload(id: string, at: string, p: GuestPayload, emit: boolean): string {
  if (p.nullPointer) {
    if (p.pattern.length > 0 || p.perThread) fail(id, `${at}.input`, 'a NULL pointer has no pattern and no per-thread bytes');
    return '-';
  }
  if (!(p.pattern instanceof Uint8Array)) fail(id, `${at}.input.pattern`, 'must be a Uint8Array');
  if (!emit) return '';
  // An empty pattern means zeros; a pattern longer than the length is cut, so it never needs to be longer.
  const used = p.pattern.length > p.length ? p.pattern.subarray(0, Math.max(p.length, 0)) : p.pattern;
  return `${p.perThread ? 't' : 'x'}:${Buffer.from(used.buffer, used.byteOffset, used.byteLength).toString('hex')}`;
}

function slot(id: string, at: string, value: number): number {
  return int(id, `${at}.slot`, value, 0, GUEST_LIMITS.maxSlots - 1);
}

function int(id: string, field: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) fail(id, field, `must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

/** A single plan token: the runner splits lines on spaces and tabs. */
function token(id: string | null, field: string, value: string, maxBytes: number): string {
  if (typeof value !== 'string' || value.length === 0) fail(id, field, 'must be a non-empty string');
  if (/[\s\0-\x1f\x7f]/.test(value)) fail(id, field, `must not contain whitespace or control characters: ${JSON.stringify(value)}`);
  if (Buffer.byteLength(value, 'utf8') > maxBytes) fail(id, field, `is longer than ${maxBytes} UTF-8 bytes`);
  if (LONE_SURROGATE.test(value)) fail(id, field, 'is not well-formed Unicode (a lone surrogate)');
  return value;
}

/** The rest of a header line: spaces are fine inside, line breaks and NUL are not. */
function path(id: string | null, field: string, value: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) fail(id, field, 'must be a non-empty string');
  if (/[\0-\x1f\x7f]/.test(value)) fail(id, field, `must not contain line breaks or control characters: ${JSON.stringify(value)}`);
  if (value !== value.trim()) fail(id, field, `must not start or end with whitespace: ${JSON.stringify(value)}`);
  if (LONE_SURROGATE.test(value)) fail(id, field, 'is not well-formed Unicode (a lone surrogate)');
  return value;
}

function fail(id: string | null, field: string, problem: string): never {
  throw new PlanEncodeError(id, field, problem);
}
