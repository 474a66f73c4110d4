/**
 * The calls a `lab fuzz` run made, as the hand-written loop reads them (driver/bench/ioctl-loop.c): every
 * batch that ran, in order, each followed by the closes the guest runner makes at a case's end.
 */
import { writeFile } from 'node:fs/promises';
import { readReplayRecord } from '../fuzz/replay-record.js';
import { batchAt, fuzzPlan } from '../fuzz/generate.js';
import { fuzzSpace } from '../fuzz/fuzz-space.js';
import type { FuzzOp } from '../fuzz/fuzz-op.js';
import { expandSuite } from '../suite/expand.js';
import { loadSuite } from '../suite/load-suite.js';

export async function writeCallsFile(suiteFile: string, runDir: string, file: string): Promise<number> {
  const record = await readReplayRecord(runDir);
  const loaded = await loadSuite(suiteFile);
  const space = fuzzSpace(expandSuite(loaded, {}), loaded.raw, { functions: record.functions, deviceTypes: record.deviceTypes, maxLength: record.maxLength });
  const plan = fuzzPlan(record.seed, space, { batchCalls: record.batchCalls, threads: record.threads, badPointers: record.badPointers });
  const lines: string[] = [];
  for (const chunk of record.chunks) {
    for (const index of chunk.batches) {
      const open = new Set<number>();
      for (const op of batchAt(plan, index).ops) {
        if (op.kind === 'open') open.add(op.slot);
        if (op.kind === 'close') open.delete(op.slot);
        lines.push(line(op));
      }
      for (const slot of open) lines.push(`close ${slot}`);
    }
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  return lines.length;
}

function line(op: FuzzOp): string {
  switch (op.kind) {
    case 'open':
      if (op.path !== undefined || op.share || op.disposition) throw new Error('the loop opens the device itself only: measure with --no-threads (no storms)');
      return `open ${op.slot} ${op.access}`;
    case 'close':
      return `close ${op.slot}`;
    case 'ioctl':
      if (op.inPointer || op.outPointer)
        throw new Error('the loop passes only ordinary buffers: measure on a target where lab fuzz sends no bad pointers (wine)');
      return (
        `ioctl ${op.slot} 0x${op.code.toString(16)} ${op.input.length} ${op.outLength} ` +
        `${op.input.nullPointer ? '-' : `x:${Buffer.from(op.input.pattern).toString('hex')}`}` +
        `${op.outFill ? ` fill=${Buffer.from(op.outFill).toString('hex')}` : ''}`
      );
    case 'par':
      throw new Error('the loop makes no calls from threads: measure with --no-threads');
  }
}
