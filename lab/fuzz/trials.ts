/**
 * The shrinker's experiments. A trial runs candidate call sequences in order, each as its own case on a
 * fresh load of the driver (so every candidate starts from the same state), and tells which one first
 * shows the finding again. Candidates are ordered simplest first, so the first that reproduces is the
 * simplest of them; and since a crash or a hang ends the session, the ones after it are never run.
 */
import type { CaseResult } from '../verdict/case-result.js';
import { opsCase } from './batch-case.js';
import { FIRST_FREE_SLOT, type FuzzOp } from './fuzz-op.js';
import type { FuzzWorker } from './fuzz-sessions.js';
import { crashSite, sightingsOf, type Sighting } from './sighting.js';

export interface TrialOutcome {
  /** The first candidate that reproduced, or -1. */
  index: number;
  result?: CaseResult;
}

/** What the shrinker needs of trials (a test drives the shrinker with a model of a driver instead). */
export interface TrialRunner {
  readonly stopped: boolean;
  /** Trials run so far. */
  readonly count: number;
  /** The first of `candidates` (each run from a fresh load) that shows `sighting` again. */
  first(candidates: FuzzOp[][], sighting: Sighting, limit?: number): Promise<TrialOutcome>;
  /** The op of `ops` (run in order, state carried over) at which `sighting` shows, or -1. */
  locate(ops: FuzzOp[], sighting: Sighting): Promise<number>;
}

/** Case indexes for trials start here, far from batch numbers, so debug slices never mix. */
const TRIAL_INDEX_BASE = 1_000_000_000;

export class Trials implements TrialRunner {
  private next = TRIAL_INDEX_BASE;
  /** Trials run so far (each is at least one guest session). */
  count = 0;

  constructor(
    private readonly worker: FuzzWorker,
    private readonly names: ReadonlyMap<number, string>,
    private readonly hangMs: number,
    private readonly stop: AbortSignal,
    /** The driver's file name, to find its frames. */
    private readonly image?: string,
  ) {}

  get stopped(): boolean {
    return this.stop.aborted || this.worker.input.signal.aborted;
  }

  /** Runs the candidates (at most `limit` of them) until one shows `sighting` again. */
  async first(candidates: FuzzOp[][], sighting: Sighting, limit = 64): Promise<TrialOutcome> {
    const list = candidates.slice(0, limit);
    if (list.length === 0 || this.stopped) return { index: -1 };
    this.count += 1;
    const base = this.next;
    this.next += list.length;
    const cases = list.map((ops, i) =>
      opsCase(withOpens(ops), this.names, {
        index: base + i,
        id: `fuzz/trial-${base + i - TRIAL_INDEX_BASE}`,
        timeoutMs: this.hangMs,
        fresh: true,
        source: 'shrinking',
      }),
    );
    let found: TrialOutcome = { index: -1 };
    await this.worker.run(
      cases,
      (result) => {
        if (found.index >= 0 || !reproduces(sighting, result, this.image)) return false;
        found = { index: result.index - base, result };
        return true;
      },
      { stop: this.stop },
    );
    return found;
  }

  /** Runs ops as they ran in a batch, one case per op (the driver's state carries over, not fresh), to find the op that shows the sighting. */
  async locate(ops: FuzzOp[], sighting: Sighting): Promise<number> {
    if (this.stopped) return -1;
    this.count += 1;
    const base = this.next;
    this.next += ops.length;
    const access = slotAccessBefore(ops);
    const cases = ops.map((op, i) => {
      // Each call keeps the access its handle had at that point of the batch.
      const opens = slotsUsed(op).map((slot): FuzzOp => ({ kind: 'open', slot, access: access[i]!.get(slot) ?? 'rw' }));
      return opsCase(op.kind === 'open' || op.kind === 'close' ? [op] : [...opens, op], this.names, {
        index: base + i,
        id: `fuzz/locate-${base + i - TRIAL_INDEX_BASE}`,
        timeoutMs: this.hangMs,
        source: 'shrinking',
      });
    });
    let at = -1;
    await this.worker.run(
      cases,
      (result) => {
        if (at >= 0 || !reproduces(sighting, result, this.image)) return false;
        at = result.index - base;
        return true;
      },
      { stop: this.stop },
    );
    return at;
  }
}

/** The same defect: a crash at the same site (any crash when the site is unknown), a hang, the same rule broken by the same code. */
export function reproduces(sighting: Sighting, result: CaseResult, image?: string): boolean {
  switch (sighting.kind) {
    case 'crash': {
      if (result.status !== 'crashed') return false;
      const want = sighting.key.startsWith('crash ') ? sighting.key.slice(6) : '';
      const site = crashSite(result.evidence, image);
      return site === undefined || !/\.sys\+0x/.test(want) || site === want;
    }
    case 'hang':
      return result.status === 'hung';
    case 'divergence':
      return sightingsOf(result, image).some((s) => s.key === sighting.key);
  }
}

/** For each op, the access of every slot just before it (what the batch last opened the slot with). */
function slotAccessBefore(ops: FuzzOp[]): Array<Map<number, Extract<FuzzOp, { kind: 'open' }>['access']>> {
  const now = new Map<number, Extract<FuzzOp, { kind: 'open' }>['access']>();
  return ops.map((op) => {
    const before = new Map(now);
    if (op.kind === 'open') now.set(op.slot, op.access);
    return before;
  });
}

/** Slots an op uses that it does not open itself. */
export function slotsUsed(op: FuzzOp): number[] {
  if (op.kind === 'ioctl') return [op.slot];
  if (op.kind !== 'par') return [];
  const own = new Set(op.ops.filter((o) => o.kind === 'open').map((o) => o.slot));
  return [...new Set(op.ops.filter((o) => o.kind === 'ioctl' && !own.has(o.slot)).map((o) => (o as { slot: number }).slot))];
}

/**
 * A candidate with an open before the first use of every slot it uses without opening: read-write for
 * slot 0, and for the batch's other slots the access they were opened with (kept on the ops as
 * `accessOf`). Removing an op never leaves a later call on a handle that is not there.
 */
export function withOpens(ops: FuzzOp[]): FuzzOp[] {
  const open = new Set<number>();
  const out: FuzzOp[] = [];
  for (const op of ops) {
    if (op.kind === 'open') open.add(op.slot);
    for (const slot of slotsUsed(op)) {
      if (open.has(slot)) continue;
      open.add(slot);
      out.push({ kind: 'open', slot, access: accessOf(slot) });
    }
    out.push(op);
  }
  return out;
}

/** The four slots every batch opens keep their access; spare slots were opened read-write when nothing says otherwise. */
function accessOf(slot: number): Extract<FuzzOp, { kind: 'open' }>['access'] {
  return slot < FIRST_FREE_SLOT ? (['rw', 'r', 'w', 'none'] as const)[slot]! : 'rw';
}
