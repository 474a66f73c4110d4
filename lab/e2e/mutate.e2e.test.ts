import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

describe('lab mutate suites/echo.yaml', () => {
  it('kills every mutant Wine can observe, says why the others cannot be, and exits 0', async () => {
    const out = join(await tempDir('mutate'), 'm');
    const r = await lab(['mutate', 'suites/echo.yaml', '--out', out], { timeoutMs: 400_000 });
    expect(r.exitCode).toBe(0);
    const m = JSON.parse(await readFile(join(out, 'mutation.json'), 'utf8')) as { score: number; mutants: Array<{ name: string; fate: string; why?: string; killedBy: Array<{ id: string }> }> };
    const catalog = JSON.parse(await readFile(join(import.meta.dirname, '../../driver/kernel/mutants.json'), 'utf8')) as Array<{ name: string; observableOn: string[] }>;
    expect(m.mutants.map((x) => x.name).sort()).toEqual(catalog.map((x) => x.name).sort());
    for (const entry of catalog) {
      const row = m.mutants.find((x) => x.name === entry.name)!;
      expect(row.fate, entry.name).toBe(entry.observableOn.includes('wine') ? 'killed' : 'not-observable');
    }
    expect(m.score).toBe(1);
    expect(m.mutants.find((x) => x.name === 'crash-on-length')!.killedBy.map((k) => k.id)).toEqual(['echo/reflect-length[len=666]']);
    expect(r.stdout).toMatch(/Mutation score of echo on wine: 100%/);
  }, 420_000);
});
