/**
 * Where the fuzzer looks, learned from the suite: its named IOCTLs (and so its device types and function
 * numbers), every length its cases use (the boundaries its author thought of), its payloads, and its own
 * calls in order (the starting corpus). Options widen or narrow the code ranges and the longest buffer.
 */
import type { Access, GuestPayload } from '../guest/plan.js';
import { GUEST_LIMITS } from '../runner-limits/limits.js';
import type { CaseStep, ExpandedSuite, ThreadStep } from '../suite/case.js';
import { ctlCode } from '../suite/ioctl-code.js';
import type { RawSuite } from '../suite/schema.js';
import { codeParts, makeCode, opKey, SLOT_ACCESS, type FuzzOp } from './fuzz-op.js';

export interface SpaceOptions {
  /** Function numbers to sweep and draw random codes from, as inclusive ranges. */
  functions?: Array<[number, number]>;
  /** Device types to sweep and draw random codes from. */
  deviceTypes?: number[];
  /** The longest input or output buffer the fuzzer makes. */
  maxLength?: number;
}

export interface FuzzSpace {
  /** The suite's IOCTLs: name → code, in the suite's order. */
  named: Array<{ name: string; code: number }>;
  /** Code → the suite's name for it (for reports and findings.yaml). */
  names: Map<number, string>;
  functions: Array<[number, number]>;
  deviceTypes: number[];
  /** Interesting lengths, ascending: the suite's own, ±1 and ±2 around them, powers of two and their neighbours. */
  lengths: number[];
  maxLength: number;
  /** The suite's input patterns (each at most PATTERN_CAP bytes). */
  patterns: Uint8Array[];
  /** The suite's own calls, in suite order, each once. */
  corpus: FuzzOp[];
}

const PATTERN_CAP = 512;
const CORPUS_CAP = 4096;
/** Custom IOCTL functions start at 0x800 (winioctl.h); below are Microsoft's. */
const CUSTOM_FUNCTIONS: [number, number] = [0x800, 0x81f];
const AROUND_NAMED = 32;

export function fuzzSpace(suite: ExpandedSuite, raw: RawSuite, options: SpaceOptions = {}): FuzzSpace {
  const named = namedIoctls(raw, suite);
  const names = new Map<number, string>();
  for (const n of named) if (!names.has(n.code)) names.set(n.code, n.name);
  const suiteLengths = new Set<number>();
  const patterns = new Map<string, Uint8Array>();
  const corpus = new Map<string, FuzzOp>();
  for (const c of suite.cases) collect(c.steps, suiteLengths, patterns, corpus);

  const longest = Math.max(0, ...suiteLengths);
  const maxLength = Math.min(options.maxLength ?? Math.max(65_536, 2 * longest), GUEST_LIMITS.maxBufferLength);
  const deviceTypes = options.deviceTypes ?? [...new Set(named.map((n) => codeParts(n.code).deviceType))];
  const functions = options.functions ?? defaultFunctions(named.map((n) => codeParts(n.code).function));
  return {
    named,
    names,
    functions,
    deviceTypes: deviceTypes.length ? deviceTypes : [0x22],
    lengths: interestingLengths(suiteLengths, maxLength),
    maxLength,
    patterns: [...patterns.values()],
    corpus: [...corpus.values()].slice(0, CORPUS_CAP),
  };
}

function namedIoctls(raw: RawSuite, suite: ExpandedSuite): Array<{ name: string; code: number }> {
  const out: Array<{ name: string; code: number }> = [];
  for (const [name, def] of Object.entries(raw.ioctls ?? {})) {
    out.push({ name, code: 'code' in def ? def.code >>> 0 : ctlCode(def.function, { deviceType: def.deviceType, method: def.method, access: def.access }) });
  }
  // Raw codes written in steps count as named too (by their hex form).
  const known = new Set(out.map((n) => n.code));
  for (const c of suite.cases) {
    for (const s of flatten(c.steps)) {
      if (s.kind === 'ioctl' && !known.has(s.ioctl.code)) {
        known.add(s.ioctl.code);
        out.push({ name: s.ioctl.name, code: s.ioctl.code });
      }
    }
  }
  return out;
}

function flatten(steps: ReadonlyArray<CaseStep | ThreadStep>): Array<CaseStep | ThreadStep> {
  return steps.flatMap((s) => (s.kind === 'parallel' ? s.steps : [s]));
}

/** The suite's calls, with the access of the handle each was made on (the slot of that access here). */
function collect(steps: readonly CaseStep[], lengths: Set<number>, patterns: Map<string, Uint8Array>, corpus: Map<string, FuzzOp>): void {
  const access = new Map<number, Access>();
  const visit = (list: ReadonlyArray<CaseStep | ThreadStep>) => {
    for (const s of list) {
      if (s.kind === 'parallel') visit(s.steps);
      else if (s.kind === 'open') access.set(s.slot, s.access);
      else if (s.kind === 'read') lengths.add(s.length);
      else if (s.kind === 'write') lengths.add(s.input.length);
      else if (s.kind === 'ioctl') {
        lengths.add(s.input.length);
        lengths.add(s.outLength);
        if (s.input.pattern.length > 0) {
          const pattern = s.input.pattern.subarray(0, PATTERN_CAP);
          patterns.set(Buffer.from(pattern).toString('hex'), pattern);
        }
        const input: GuestPayload = { pattern: s.input.pattern, length: s.input.length, ...(s.input.nullPointer ? { nullPointer: true } : {}) };
        const slot = Math.max(0, SLOT_ACCESS.indexOf(access.get(s.slot) ?? 'rw'));
        const op: FuzzOp = {
          kind: 'ioctl',
          slot,
          code: s.ioctl.code,
          input,
          outLength: s.outLength,
          ...(s.inPointer !== 'heap' ? { inPointer: s.inPointer } : {}),
          ...(s.outPointer !== 'heap' ? { outPointer: s.outPointer } : {}),
          ...(s.outFill ? { outFill: s.outFill } : {}),
        };
        const key = opKey(op);
        if (!corpus.has(key)) corpus.set(key, op);
      }
    }
  };
  visit(steps);
}

function defaultFunctions(namedFunctions: number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [
    CUSTOM_FUNCTIONS,
    ...namedFunctions.map((f): [number, number] => [Math.max(0, f - AROUND_NAMED), Math.min(0xfff, f + AROUND_NAMED)]),
  ];
  return mergeRanges(ranges);
}

export function mergeRanges(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = out[out.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

function interestingLengths(suiteLengths: Set<number>, maxLength: number): number[] {
  const out = new Set<number>([0, 1, 2, 3, 4, 7, 8, 15, 16]);
  for (const n of suiteLengths) for (let d = -2; d <= 2; d++) out.add(n + d);
  for (let p = 1; p <= maxLength; p *= 2) for (const d of [-1, 0, 1]) out.add(p + d);
  return [...out].filter((n) => n >= 0 && n <= maxLength).sort((a, b) => a - b);
}

/** Every code the sweep visits: each device type × function × method × access, in that order. */
export function sweepCodes(space: FuzzSpace): number[] {
  const codes: number[] = [];
  for (const deviceType of space.deviceTypes) {
    for (const [from, to] of space.functions) {
      for (let fn = from; fn <= to; fn++)
        for (let access = 0; access < 4; access++) for (let method = 0; method < 4; method++) codes.push(makeCode(deviceType, fn, method, access));
    }
  }
  return codes;
}
