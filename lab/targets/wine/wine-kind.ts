import { z } from 'zod';
import { defineKind } from '../kind-def.js';

export interface WineSpec {
  kind: 'wine';
  name: string;
}

/** Wine's kernel emulation on this machine: built in (`--target wine` needs no inventory), one prefix per worker. */
const WineEntry = z.strictObject({ kind: z.literal('wine'), description: z.string().optional() });

export const wineKind = defineKind<typeof WineEntry, WineSpec>({
  kind: 'wine',
  entry: WineEntry,
  fields: ['kind', 'description'],
  resolve: (_entry, name): WineSpec => ({ kind: 'wine', name }),
  load: async () => {
    const { WineTarget } = await import('./wine-target.js');
    return (spec: WineSpec, c) =>
      new WineTarget({ name: spec.name, runId: c.runId, keep: c.keep, toolsDir: c.toolsDir, ...(c.onProgress ? { onProgress: c.onProgress } : {}) });
  },
  checks: async (_spec, buildDir) => (await import('./wine-checks.js')).wineChecks(buildDir),
  exclusiveMachine: () => false,
  machine: () => 'x86_64',
  observes: () => ['wine'],
});
