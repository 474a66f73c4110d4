import { UsageError } from '../errors/lab-error.js';

export interface Shard {
  /** 1-based, as CI matrices count. */
  index: number;
  count: number;
}

/** `--shard 2/4` → { index: 2, count: 4 }. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError('LAB_BAD_SHARD', `--shard ${text}: expected i/n with 1 <= i <= n, e.g. --shard 2/4`);
  }
  return { index, count };
}

/**
 * Whether a case belongs to a shard: by a hash of its stable id, so the split does not move when cases are
 * added, filtered or reordered, and every CI machine computes the same one. FNV-1a, 32 bits.
 */
export function inShard(caseId: string, shard: Shard): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) {
    hash ^= caseId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shard.count === shard.index - 1;
}
