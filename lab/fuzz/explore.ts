/**
 * The search: batches run in chunks, one guest session per chunk (a session restarts only after a crash,
 * a hang or a chunk's end), each worker on every n-th batch. A chunk is sized to what the budget leaves:
 * for a budget of calls exactly, for a budget of time from the rate measured so far (the budget's end
 * aborts the last chunk). Which batches ran in which chunk is recorded, so `--replay` runs the same calls
 * in the same sessions.
 */
import type { Blame, CaseResult } from '../verdict/case-result.js';
import { opsCase } from './batch-case.js';
import { totalCalls } from './fuzz-op.js';
import type { Chunk } from './fuzz-report.js';
import type { FuzzWorker } from './fuzz-sessions.js';
import { batchAt, type Batch, type FuzzPlan } from './generate.js';

export type Budget = { kind: 'time'; ms: number } | { kind: 'calls'; calls: number };

export interface ExploreInput {
  plan: FuzzPlan;
  workers: FuzzWorker[];
  budget: Budget;
  /** --replay: run exactly these chunks instead of making new ones. */
  replay?: Chunk[];
  /** A batch that takes longer is hung. */
  hangMs: number;
  /** `history`: the batches that ran before this one in the same guest session, oldest first. */
  onResult(batch: Batch, result: CaseResult, worker: number, history: number[]): void;
}

export interface ExploreOutcome {
  chunks: Chunk[];
  durationMs: number;
  /** Set when the driver did not load (every batch then has an `error` result). */
  loadBlame?: Blame;
}

/** More calls than this are never planned at once: the plan and its cases stay a few tens of MB. */
const CHUNK_CAP_CALLS = 150_000;
/** Before anything ran: an upper bound of Wine's rate, so the first chunk rarely needs a second. */
const OPTIMISTIC_CALLS_PER_S = 6_000;

export async function explore(input: ExploreInput): Promise<ExploreOutcome> {
  const started = Date.now();
  const chunks: Chunk[] = [];
  // A replay runs the recorded chunks whatever they take.
  const budgetEnd = input.budget.kind === 'time' && !input.replay ? AbortSignal.timeout(input.budget.ms) : undefined;
  let loadBlame: ExploreOutcome['loadBlame'];
  const workers = input.workers.length;
  await Promise.all(
    input.workers.map(async (worker, w) => {
      const share = input.budget.kind === 'calls' ? Math.ceil(input.budget.calls / workers) : 0;
      const mine = input.replay?.filter((c) => c.worker === w);
      let next = w;
      let calls = 0;
      let completedCalls = 0;
      let k = 0;
      for (;;) {
        if (loadBlame || budgetEnd?.aborted || worker.input.signal.aborted) break;
        let batches: Batch[];
        if (mine) {
          const chunk = mine[k++];
          if (!chunk) break;
          batches = chunk.batches.map((b) => batchAt(input.plan, b));
        } else {
          const want =
            input.budget.kind === 'calls'
              ? Math.min(CHUNK_CAP_CALLS, share - calls)
              : timeChunkCalls(input.budget.ms - (Date.now() - started), completedCalls, Date.now() - started);
          if (want <= 0) break;
          batches = [];
          let planned = 0;
          while (planned < want) {
            const batch = batchAt(input.plan, next);
            next += workers;
            batches.push(batch);
            planned += totalCalls(batch.ops);
          }
          calls += planned;
        }
        const byIndex = new Map(batches.map((b) => [b.index, b]));
        const done: number[] = [];
        // A crash or a hang ends the session: the next batch starts on a fresh target.
        let session: number[] = [];
        const cases = batches.map((b) =>
          opsCase(b.ops, input.plan.space.names, {
            index: b.index,
            id: `fuzz/b${b.index}`,
            timeoutMs: input.hangMs,
            source: `seed ${input.plan.seed}, batch ${b.index}`,
          }),
        );
        const outcome = await worker.run(
          cases,
          (result) => {
            const batch = byIndex.get(result.index);
            if (!batch) return;
            done.push(batch.index);
            if (result.status === 'passed' || result.status === 'failed') completedCalls += totalCalls(batch.ops);
            input.onResult(batch, result, w, session);
            session = result.status === 'passed' || result.status === 'failed' ? [...session, batch.index] : [];
          },
          { ...(budgetEnd ? { stop: budgetEnd } : {}) },
        );
        if (outcome.loadBlame) loadBlame = outcome.loadBlame;
        if (done.length) chunks.push({ worker: w, batches: done });
      }
    }),
  );
  return { chunks, durationMs: Date.now() - started, ...(loadBlame ? { loadBlame } : {}) };
}

/** Calls for the next chunk of a time budget: what the time left holds at the rate seen so far, with room to spare. */
function timeChunkCalls(leftMs: number, callsSoFar: number, elapsedMs: number): number {
  if (leftMs <= 0) return 0;
  const rate = callsSoFar > 0 && elapsedMs > 0 ? (callsSoFar / elapsedMs) * 1000 : OPTIMISTIC_CALLS_PER_S;
  return Math.min(CHUNK_CAP_CALLS, Math.max(1, Math.ceil((leftMs / 1000) * rate * 1.3)));
}
