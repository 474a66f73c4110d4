/**
 * findings.yaml: a suite of its own (the input suite's driver, device and IOCTL names) with one case per
 * finding, ready to paste into the suite it came from. A case says no more than the calls: lab's rules for
 * every IOCTL, and the driver not crashing or hanging, are what it checks, so it fails on the faulty driver
 * and passes once the defect is fixed. Evidence rides along as comments, every line of it made visible
 * (control characters escaped), so driver text can never become YAML.
 */
import { relative, isAbsolute } from 'node:path';
import type { Access, GuestPayload } from '../guest/plan.js';
import type { ExpandedSuite } from '../suite/case.js';
import { hexCode } from '../suite/ioctl-code.js';
import type { RawSuite } from '../suite/schema.js';
import { visible } from '../text/visible.js';
import type { FuzzOp } from './fuzz-op.js';
import { withOpens } from './trials.js';

export interface FindingCase {
  /** F1, F2, ... */
  id: string;
  /** The case's name (unique in the file). */
  name: string;
  description: string;
  ops: FuzzOp[];
  /** Set for hangs: the case's timeout. */
  timeoutMs?: number;
  /** Comment lines above the case: where it came from and the evidence. */
  comments: string[];
}

export interface FindingsSuite {
  suite: ExpandedSuite;
  raw: RawSuite;
  /** Code → the suite's name for it. */
  names: ReadonlyMap<number, string>;
  /** Where findings.yaml is written (paths in it are relative to it). */
  dir: string;
  /** Relative path of suite.schema.json from `dir`, for editors; omitted when unknown. */
  schemaPath?: string;
  header: string[];
  cases: FindingCase[];
}

const ACCESS_WORD: Record<Access, string> = { rw: 'read-write', r: 'read', w: 'write', none: 'none' };
const COMMENT_WIDTH = 200;

export function findingsYaml(input: FindingsSuite): string {
  const { suite, raw } = input;
  const lines: string[] = [];
  if (input.schemaPath) lines.push(`# yaml-language-server: $schema=${input.schemaPath}`, '#');
  for (const line of input.header) lines.push(comment(line));
  lines.push(`suite: ${q(`${raw.suite}-fuzz`.slice(0, 64))}`);
  lines.push('driver:');
  lines.push(`  image: ${q(pathFrom(input.dir, suite.driver.image))}`);
  lines.push(`  service: ${q(suite.driver.service)}`);
  lines.push(`  device: ${q(suite.driver.device)}`);
  if (suite.driver.log) lines.push(`  log: ${q(suite.driver.log)}`);
  const ioctls = Object.entries(raw.ioctls ?? {});
  if (ioctls.length) {
    lines.push('ioctls:');
    for (const [name, def] of ioctls) {
      const fields =
        'code' in def
          ? [`code: ${hex(def.code)}`]
          : [
              `function: ${hex(def.function)}`,
              ...(def.deviceType !== undefined ? [`deviceType: ${hex(def.deviceType)}`] : []),
              ...(def.method ? [`method: ${def.method}`] : []),
              ...(def.access ? [`access: ${def.access}`] : []),
            ];
      lines.push(`  ${name}: { ${fields.join(', ')} }`);
    }
  }
  if (raw.defaults?.timeoutMs) lines.push(`defaults: { timeoutMs: ${raw.defaults.timeoutMs} }`);
  // Every case starts on a fresh load of the driver, as each was shrunk: one finding cannot hide another.
  lines.push('isolation: case');
  lines.push('cases:');
  for (const c of input.cases) {
    lines.push('');
    for (const line of c.comments) lines.push(`  ${comment(line)}`);
    lines.push(...caseYaml(c, input.names).map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

/** One case as YAML lines, starting `- name:` (what fuzz.json and the page show, and what a user pastes). */
export function caseYaml(c: FindingCase, names: ReadonlyMap<number, string>): string[] {
  const lines = [`- name: ${q(c.name)}`, `  description: ${q(c.description)}`];
  if (c.timeoutMs) lines.push(`  timeoutMs: ${c.timeoutMs}`);
  lines.push('  steps:');
  for (const step of caseSteps(c.ops, names)) lines.push(...step.map((l) => `    ${l}`));
  return lines;
}

/** Steps as YAML lines (the first line of each starts with `- `). */
function caseSteps(ops: FuzzOp[], names: ReadonlyMap<number, string>): string[][] {
  const slots = new Map<number, number>();
  const handle = (slot: number) => {
    let h = slots.get(slot);
    if (h === undefined) slots.set(slot, (h = slots.size));
    return h;
  };
  const opened = new Set<number>();
  const out: string[][] = [];
  const step = (op: FuzzOp, inThreads: boolean): string[] | undefined => {
    switch (op.kind) {
      case 'open': {
        const h = handle(op.slot);
        const first = !opened.has(h);
        opened.add(h);
        const plain = op.path === undefined && op.share === undefined && op.disposition === undefined;
        // A handle the case never opens gets a read-write open first: that is the default, so leave it out.
        if (first && plain && op.access === 'rw' && !inThreads) return undefined;
        const fields = [`handle: ${h}`, `access: ${ACCESS_WORD[op.access]}`];
        if (op.path !== undefined) fields.push(`path: ${q(op.path)}`);
        if (op.share) fields.push(`share: [${op.share.join(', ')}]`);
        if (op.disposition) fields.push(`disposition: ${op.disposition}`);
        return [`- open: { ${fields.join(', ')} }`];
      }
      case 'close':
        return [`- close: ${handle(op.slot)}`];
      case 'ioctl': {
        const lines = [`- ioctl: ${names.get(op.code) ?? hexCode(op.code)}`];
        const h = handle(op.slot);
        if (h !== 0) lines.push(`  handle: ${h}`);
        const input = inputYaml(op.input);
        if (input) lines.push(`  input: ${input}`);
        // Quoted: `null` would be YAML's null, not the pointer kind.
        if (op.inPointer && op.inPointer !== 'heap') lines.push(`  inPointer: ${q(op.inPointer)}`);
        if (op.outLength) lines.push(`  outLength: ${op.outLength}`);
        if (op.outPointer && op.outPointer !== 'heap') lines.push(`  outPointer: ${q(op.outPointer)}`);
        if (op.outFill) lines.push(`  outFill: ${fillYaml(op.outFill)}`);
        return lines;
      }
      case 'par': {
        const inner = op.ops.map((o) => step(o, true)).filter((s): s is string[] => Boolean(s));
        return [`- parallel: { threads: ${op.threads}, iterations: ${op.iterations} }`, '  steps:', ...inner.flatMap((s) => s.map((l) => `    ${l}`))];
      }
    }
  };
  for (const op of withOpens(ops)) {
    const lines = step(op, false);
    if (lines) out.push(lines);
  }
  return out;
}

/** The payload as the suite writes it: omitted for a NULL pointer, zeros by length, a repeated byte, or a hex pattern. */
function inputYaml(input: GuestPayload): string | undefined {
  if (input.nullPointer && input.length > 0)
    throw new Error(`fuzz: a NULL input of ${input.length} bytes has no form in the suite language (a bug in the generator)`);
  if (input.nullPointer) return undefined;
  const { pattern, length } = input;
  if (pattern.length === 0 || pattern.every((b) => b === 0)) return `{ length: ${length} }`;
  if (pattern.length === 1 || pattern.every((b) => b === pattern[0])) return `{ repeat: ${hex(pattern[0]!, 2)}, length: ${length} }`;
  return `{ hex: '${Buffer.from(pattern).toString('hex')}', length: ${length} }`;
}

function fillYaml(fill: Uint8Array): string {
  return fill.every((b) => b === fill[0]) ? `{ repeat: ${hex(fill[0]!, 2)} }` : `{ hex: '${Buffer.from(fill).toString('hex')}' }`;
}

function hex(n: number, width = 0): string {
  return `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;
}

/** A YAML double-quoted scalar: JSON's string syntax is YAML's, escapes included. */
function q(text: string): string {
  return JSON.stringify(text);
}

function comment(text: string): string {
  const shown = visible(text.replace(/\t/g, '  '), { oneLine: true });
  return `# ${shown.length > COMMENT_WIDTH ? `${shown.slice(0, COMMENT_WIDTH)}…` : shown}`.trimEnd();
}

function pathFrom(dir: string, file: string): string {
  const rel = relative(dir, file);
  return rel && !isAbsolute(rel) ? rel.split('\\').join('/') : file;
}
