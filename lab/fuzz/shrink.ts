/**
 * A sighting made small: the fewest calls, then the shortest lengths, then the simplest contents and
 * handles that still show it, each step checked on the driver (trials.ts). It starts from the batch the
 * sighting came from: finds the call that showed it, tries that call alone, and otherwise removes what it
 * can (delta debugging). Lengths are searched from below: 0, then powers of two, then ever finer steps
 * between the longest that did not show it and the shortest that did.
 */
import { cloneOp, FIRST_FREE_SLOT, totalCalls, type FuzzOp, type IoctlOp } from './fuzz-op.js';
import type { Sighting } from './sighting.js';
import type { CaseResult } from '../verdict/case-result.js';
import { slotsUsed, type TrialRunner } from './trials.js';

export interface ShrinkOutcome {
  /** The smallest sequence found that still shows the sighting (before any open it needs). */
  ops: FuzzOp[];
  /** The result of its last reproduction (a crash's evidence from the small case, not the batch). */
  result?: CaseResult;
  reproduced: boolean;
  /** How the sequence was found, for the report. */
  steps: string[];
}

/**
 * `batch`: the ops of the batch the sighting came from; `history`: the ops of the batches before it in the
 * same session (oldest first), for sightings the batch alone does not show.
 */
export async function shrink(trials: TrialRunner, sighting: Sighting, batch: FuzzOp[], history: FuzzOp[][]): Promise<ShrinkOutcome> {
  const steps: string[] = [];
  const start = await reproduce(trials, sighting, batch, history, steps);
  if (!start) return { ops: batch, reproduced: false, steps };
  let { ops, result } = start;
  const keep = (found: { ops: FuzzOp[]; result?: CaseResult } | undefined) => {
    if (!found) return;
    ops = found.ops;
    if (found.result) result = found.result;
  };
  keep(await fewestOps(trials, sighting, ops, steps));
  keep(await simplerThreads(trials, sighting, ops, steps));
  keep(await shortestLengths(trials, sighting, ops, steps));
  keep(await simplestContents(trials, sighting, ops, steps));
  keep(await plainerBuffersAndOpens(trials, sighting, ops, steps));
  keep(await simplestHandles(trials, sighting, ops, steps));
  if (ops.length > 1) keep(await fewestOps(trials, sighting, ops, steps));
  return { ops, ...(result ? { result } : {}), reproduced: true, steps };
}

/** A sequence that shows the sighting from a fresh load: the one call, the batch from its start, or the session's batches up to it. */
async function reproduce(
  trials: TrialRunner,
  sighting: Sighting,
  batch: FuzzOp[],
  history: FuzzOp[][],
  steps: string[],
): Promise<{ ops: FuzzOp[]; result?: CaseResult } | undefined> {
  const body = withoutPrologue(batch);
  let at = sighting.step !== undefined ? sighting.step - (batch.length - body.length) : -1;
  if (at < 0) {
    at = await trials.locate(body, sighting);
    if (at >= 0) steps.push(`located: call ${at + 1} of the batch's ${body.length}`);
  }
  if (at >= 0) {
    const alone = await trials.first([[body[at]!], body.slice(0, at + 1)], sighting);
    if (alone.index >= 0) {
      steps.push(alone.index === 0 ? 'the call alone shows it' : `it takes the ${at + 1} calls up to it`);
      return { ops: alone.index === 0 ? [body[at]!] : body.slice(0, at + 1), ...(alone.result ? { result: alone.result } : {}) };
    }
  }
  const whole = await trials.first([body], sighting);
  if (whole.index >= 0) {
    steps.push('the whole batch shows it');
    return { ops: body, ...(whole.result ? { result: whole.result } : {}) };
  }
  if (history.length) {
    const session = [...history.flatMap(withoutPrologue), ...body];
    const all = await trials.first([session], sighting);
    if (all.index >= 0) {
      steps.push(`it takes the session's ${history.length + 1} batches (${totalCalls(session)} calls)`);
      return { ops: session, ...(all.result ? { result: all.result } : {}) };
    }
  }
  steps.push('not reproduced from a fresh load of the driver');
  return undefined;
}

/** The opens every batch starts with: trials add back the ones a candidate needs. */
function withoutPrologue(ops: FuzzOp[]): FuzzOp[] {
  let i = 0;
  while (i < ops.length && i < FIRST_FREE_SLOT && ops[i]!.kind === 'open' && (ops[i] as { slot: number }).slot === i) i++;
  return ops.slice(i);
}

/**
 * Delta debugging (Zeller's ddmin), with every candidate of a round in one trial, smallest first: the
 * subsets, then the complements.
 */
async function fewestOps(
  trials: TrialRunner,
  sighting: Sighting,
  start: FuzzOp[],
  steps: string[],
): Promise<{ ops: FuzzOp[]; result?: CaseResult } | undefined> {
  let ops = start;
  let result: CaseResult | undefined;
  let n = 2;
  while (ops.length >= 2 && !trials.stopped) {
    const parts = split(ops, n);
    const subsets = parts.length > 1 ? parts : [];
    const complements = parts.length > 2 ? parts.map((_, i) => parts.filter((_, k) => k !== i).flat()) : [];
    const candidates = [...subsets, ...complements].sort((a, b) => totalCalls(a) - totalCalls(b));
    const found = await trials.first(candidates, sighting);
    if (found.index >= 0) {
      const chosen = candidates[found.index]!;
      const wasSubset = subsets.includes(chosen);
      ops = chosen;
      result = found.result;
      n = wasSubset ? 2 : Math.max(n - 1, 2);
      continue;
    }
    if (n >= ops.length) break;
    n = Math.min(ops.length, n * 2);
  }
  if (ops === start) return undefined;
  steps.push(`fewest calls: ${start.length} ops → ${ops.length}`);
  return { ops, ...(result ? { result } : {}) };
}

function split<T>(items: T[], n: number): T[][] {
  const parts: T[][] = [];
  const size = items.length / n;
  for (let i = 0; i < n; i++) {
    const part = items.slice(Math.round(i * size), Math.round((i + 1) * size));
    if (part.length) parts.push(part);
  }
  return parts;
}

/** Threads at once made sequential, fewer, or shorter, when that still shows it. */
async function simplerThreads(
  trials: TrialRunner,
  sighting: Sighting,
  start: FuzzOp[],
  steps: string[],
): Promise<{ ops: FuzzOp[]; result?: CaseResult } | undefined> {
  let ops = start;
  let result: CaseResult | undefined;
  for (let i = 0; i < ops.length && !trials.stopped; i++) {
    const op = ops[i]!;
    if (op.kind !== 'par') continue;
    const variants: FuzzOp[][] = [op.ops.filter((o) => o.kind !== 'par')];
    for (const [threads, iterations] of [
      [1, 1],
      [2, 1],
      [op.threads, 1],
      [Math.ceil(op.threads / 2), Math.ceil(op.iterations / 2)],
    ] as const) {
      if (threads * iterations < op.threads * op.iterations) variants.push([{ ...op, threads, iterations }]);
    }
    const candidates = variants.map((v) => [...ops.slice(0, i), ...v, ...ops.slice(i + 1)]);
    const found = await trials.first(candidates, sighting);
    if (found.index < 0) continue;
    steps.push(found.index === 0 ? `threads: the calls of step ${i + 1} one after another show it` : `threads: ${describePar(candidates[found.index]![i])}`);
    ops = candidates[found.index]!;
    result = found.result;
  }
  return ops === start ? undefined : { ops, ...(result ? { result } : {}) };
}

function describePar(op: FuzzOp | undefined): string {
  return op?.kind === 'par' ? `${op.threads} thread(s) × ${op.iterations} iteration(s)` : 'sequential';
}

/** Every call's input and output length, each searched from below. */
async function shortestLengths(
  trials: TrialRunner,
  sighting: Sighting,
  start: FuzzOp[],
  steps: string[],
): Promise<{ ops: FuzzOp[]; result?: CaseResult } | undefined> {
  let ops = start;
  let result: CaseResult | undefined;
  for (const at of callPaths(ops)) {
    for (const field of ['inLength', 'outLength'] as const) {
      const found = await shortest(trials, sighting, ops, at, field);
      if (!found) continue;
      steps.push(`${field} of call ${describePath(at)}: ${found.from} → ${found.value}`);
      ops = found.ops;
      result = found.result ?? result;
    }
  }
  return ops === start ? undefined : { ops, ...(result ? { result } : {}) };
}

/** Where an IOCTL sits: [i] at the top, [i, k] inside the threads of step i. */
type CallPath = [number] | [number, number];

function callPaths(ops: FuzzOp[]): CallPath[] {
  const out: CallPath[] = [];
  ops.forEach((op, i) => {
    if (op.kind === 'ioctl') out.push([i]);
    if (op.kind === 'par') op.ops.forEach((o, k) => o.kind === 'ioctl' && out.push([i, k]));
  });
  return out;
}

function describePath(at: CallPath): string {
  return at.length === 1 ? `${at[0] + 1}` : `${at[0] + 1}.${at[1] + 1}`;
}

function callAt(ops: FuzzOp[], at: CallPath): IoctlOp {
  const top = ops[at[0]]!;
  return (at.length === 1 ? top : (top as Extract<FuzzOp, { kind: 'par' }>).ops[at[1]]!) as IoctlOp;
}

function withCall(ops: FuzzOp[], at: CallPath, change: (op: IoctlOp) => IoctlOp): FuzzOp[] {
  const out = ops.map(cloneOp);
  if (at.length === 1) out[at[0]] = change(out[at[0]] as IoctlOp);
  else {
    const par = out[at[0]] as Extract<FuzzOp, { kind: 'par' }>;
    par.ops[at[1]] = change(par.ops[at[1]] as IoctlOp);
  }
  return out;
}

function setLength(op: IoctlOp, field: 'inLength' | 'outLength', value: number): IoctlOp {
  return field === 'outLength' ? { ...op, outLength: value } : { ...op, input: { ...op.input, length: value, pattern: op.input.pattern.subarray(0, value) } };
}

const GRID = 16;
const LENGTH_ROUNDS = 8;

/**
 * The shortest length that still shows the sighting, assuming that below some length nothing does: each
 * round tries 0, the powers of two, one less than the current length and a grid between the longest length
 * known not to show it and the current one, in ascending order; the first that shows it is the new current
 * length, the one tried before it the new floor. A defect at one exact length (666) keeps that length.
 */
async function shortest(
  trials: TrialRunner,
  sighting: Sighting,
  ops: FuzzOp[],
  at: CallPath,
  field: 'inLength' | 'outLength',
): Promise<{ ops: FuzzOp[]; result?: CaseResult; from: number; value: number } | undefined> {
  const from = field === 'outLength' ? callAt(ops, at).outLength : callAt(ops, at).input.length;
  let current = from;
  let floor = -1;
  let best: { ops: FuzzOp[]; result?: CaseResult } | undefined;
  for (let round = 0; round < LENGTH_ROUNDS && current - floor > 1 && !trials.stopped; round++) {
    const values = new Set<number>();
    if (round === 0) {
      values.add(0);
      for (let p = 1; p < current; p *= 2) values.add(p);
    }
    values.add(current - 1);
    const step = (current - floor) / (GRID + 1);
    for (let g = 1; g <= GRID; g++) values.add(Math.round(floor + g * step));
    const tried = [...values].filter((v) => v > floor && v < current).sort((a, b) => a - b);
    if (tried.length === 0) break;
    const candidates = tried.map((v) => withCall(ops, at, (op) => setLength(op, field, v)));
    const found = await trials.first(candidates, sighting);
    if (found.index < 0) {
      // Nothing below shows it among those tried: if one less did not either, this is the edge.
      if (tried.includes(current - 1)) break;
      floor = tried[tried.length - 1]!;
      continue;
    }
    floor = found.index > 0 ? tried[found.index - 1]! : floor;
    current = tried[found.index]!;
    best = { ops: candidates[found.index]!, ...(found.result ? { result: found.result } : {}) };
  }
  return best ? { ...best, from, value: current } : undefined;
}

/** Zeros instead of the bytes sent, where that still shows it. */
async function simplestContents(
  trials: TrialRunner,
  sighting: Sighting,
  start: FuzzOp[],
  steps: string[],
): Promise<{ ops: FuzzOp[]; result?: CaseResult } | undefined> {
  const paths = callPaths(start).filter((at) => {
    const op = callAt(start, at);
    return !op.input.nullPointer && op.input.length > 0 && op.input.pattern.some((b) => b !== 0);
  });
  if (paths.length === 0) return undefined;
  // All calls at once first, then one at a time.
  const zeroed = (ops: FuzzOp[], which: CallPath[]) =>
    which.reduce((acc, at) => withCall(acc, at, (op) => ({ ...op, input: { ...op.input, pattern: new Uint8Array(0) } })), ops);
  const all = await trials.first([zeroed(start, paths)], sighting);
  if (all.index >= 0) {
    steps.push('contents: zeros show it');
    return { ops: zeroed(start, paths), ...(all.result ? { result: all.result } : {}) };
  }
  if (paths.length === 1) return undefined;
  let ops = start;
  let result: CaseResult | undefined;
  for (const at of paths) {
    const found = await trials.first([zeroed(ops, [at])], sighting);
    if (found.index < 0) continue;
    ops = zeroed(ops, [at]);
    result = found.result ?? result;
    steps.push(`contents of call ${describePath(at)}: zeros show it`);
  }
  return ops === start ? undefined : { ops, ...(result ? { result } : {}) };
}

/**
 * Ordinary buffers instead of bad pointers and fills, plain opens instead of opens under the device's name
 * with a share or disposition, where that still shows it: everything at once, else op by op, each op as
 * plain as it can be (no option at all, or without one option).
 */
async function plainerBuffersAndOpens(
  trials: TrialRunner,
  sighting: Sighting,
  start: FuzzOp[],
  steps: string[],
): Promise<{ ops: FuzzOp[]; result?: CaseResult } | undefined> {
  const at = start.map((op, i) => (plainerForms(op).length ? i : -1)).filter((i) => i >= 0);
  if (at.length === 0) return undefined;
  const all = start.map((op) => plainerForms(op)[0] ?? op);
  const allFound = await trials.first([all], sighting);
  if (allFound.index >= 0) {
    steps.push('buffers and opens: ordinary ones show it');
    return { ops: all, ...(allFound.result ? { result: allFound.result } : {}) };
  }
  let ops = start;
  let result: CaseResult | undefined;
  for (const i of at) {
    // One option less at a time, while that still shows it (at most three times: an op has three options).
    for (let forms = plainerForms(ops[i]!); forms.length > 0 && !trials.stopped; forms = plainerForms(ops[i]!)) {
      const candidates = forms.map((form) => ops.map((op, k) => (k === i ? form : op)));
      const found = await trials.first(candidates, sighting);
      if (found.index < 0) break;
      ops = candidates[found.index]!;
      result = found.result ?? result;
      steps.push(`step ${i + 1}: ${found.index === 0 ? 'an ordinary one' : 'fewer options'} shows it`);
    }
  }
  return ops === start ? undefined : { ops, ...(result ? { result } : {}) };
}

/** Plainer forms of an op, plainest first: without any buffer or open option, then without each one. */
function plainerForms(op: FuzzOp): FuzzOp[] {
  if (op.kind === 'ioctl') {
    const options = (['inPointer', 'outPointer', 'outFill'] as const).filter((k) => op[k] !== undefined);
    if (options.length === 0) return [];
    const base: FuzzOp = { kind: 'ioctl', slot: op.slot, code: op.code, input: op.input, outLength: op.outLength };
    return options.length === 1 ? [base] : [base, ...options.map((k) => without(op, k))];
  }
  if (op.kind === 'open') {
    const options = (['path', 'share', 'disposition'] as const).filter((k) => op[k] !== undefined);
    if (options.length === 0) return [];
    const base: FuzzOp = { kind: 'open', slot: op.slot, access: op.access };
    return options.length === 1 ? [base] : [base, ...options.map((k) => without(op, k))];
  }
  return [];
}

function without<T extends object>(op: T, key: keyof T): T {
  const copy = { ...op };
  delete copy[key];
  return copy;
}

/** Calls moved to the read-write handle (slot 0) where the handle's access does not matter. */
async function simplestHandles(
  trials: TrialRunner,
  sighting: Sighting,
  start: FuzzOp[],
  steps: string[],
): Promise<{ ops: FuzzOp[]; result?: CaseResult } | undefined> {
  const paths = callPaths(start).filter((at) => {
    const op = callAt(start, at);
    return op.slot !== 0 && op.slot < FIRST_FREE_SLOT && at.length === 1;
  });
  if (paths.length === 0 || start.some((op) => slotsUsed(op).some((s) => s >= FIRST_FREE_SLOT))) return undefined;
  const moved = paths.reduce((acc, at) => withCall(acc, at, (op) => ({ ...op, slot: 0 })), start);
  const found = await trials.first([moved], sighting);
  if (found.index < 0) return undefined;
  steps.push('handles: a read-write handle shows it');
  return { ops: moved, ...(found.result ? { result: found.result } : {}) };
}
