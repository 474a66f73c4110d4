import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GUEST_LIMITS } from './limits.js';

/** `#define LAB_X (16u * 1024u * 1024u)` → 16777216: the C header's limits as numbers. */
async function cLimits(): Promise<Map<string, number>> {
  const text = await readFile(new URL('../../driver/guest/limits.h', import.meta.url), 'utf8');
  const limits = new Map<string, number>();
  for (const [, name, expr] of text.matchAll(/^#define (LAB_[A-Z_]+)[ \t]+(.+)$/gm)) {
    const arithmetic = expr!.replace(/(\d)u\b/g, '$1');
    if (!/^[\dA-Fa-fx\s()*+]+$/.test(arithmetic)) throw new Error(`limits.h: ${name} is not plain arithmetic: ${expr}`);
    limits.set(name!, Function(`return (${arithmetic});`)() as number);
  }
  return limits;
}

describe('the guest runner limits', () => {
  it('are the same on the host (GUEST_LIMITS) as in driver/guest/limits.h', async () => {
    const c = await cLimits();
    expect({
      maxBufferLength: c.get('LAB_MAX_BUFFER'),
      maxThreads: c.get('LAB_MAX_THREADS'),
      maxIterations: c.get('LAB_MAX_ITERATIONS'),
      maxSlots: c.get('LAB_MAX_SLOTS'),
      maxSleepMs: c.get('LAB_MAX_SLEEP_MS'),
      maxExecTimeoutMs: c.get('LAB_MAX_EXEC_MS'),
      maxIdBytes: c.get('LAB_MAX_ID'),
      maxServiceBytes: c.get('LAB_MAX_SERVICE'),
      maxAsync: c.get('LAB_MAX_ASYNC'),
      maxWaitMs: c.get('LAB_MAX_WAIT_MS'),
      asyncDrainMs: c.get('LAB_ASYNC_DRAIN_MS'),
      maxLineBytes: c.get('LAB_MAX_LINE'),
    }).toEqual(GUEST_LIMITS);
  });
});
