/**
 * The mutant catalog (mutants.json): well-formed, complete, and wired to the kernel sources. What each
 * mutant does differently from objdev.sys under Wine is asserted on one `lab mutate` run of the echo suite
 * (lab/e2e/mutants.e2e.test.ts), so every mutant runs once per `npm test`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIVER_DIR } from '../testing/guest-in-wine.js';

interface Mutant {
  name: string;
  defect: number | null;
  define: string;
  description: string;
  observableOn: string[];
  why?: string;
}

const catalog = JSON.parse(readFileSync(join(DRIVER_DIR, 'kernel', 'mutants.json'), 'utf8')) as Mutant[];

describe('mutants.json', () => {
  it('names, defines and fields are well-formed and unique', () => {
    expect(catalog.length).toBeGreaterThan(0);
    for (const m of catalog) {
      expect(m.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(m.define).toMatch(/^MUTANT_[A-Z0-9_]+$/);
      expect(m.define).toBe(`MUTANT_${m.name.toUpperCase().replace(/-/g, '_')}`);
      expect(m.defect === null || (Number.isInteger(m.defect) && m.defect >= 1 && m.defect <= 8)).toBe(true);
      expect(m.description.length).toBeGreaterThan(10);
      expect(m.description).not.toContain('\n');
      expect(m.observableOn).toContain('windows');
      expect(m.observableOn.every((t) => t === 'wine' || t === 'windows' || t === 'reactos')).toBe(true);
    }
    expect(new Set(catalog.map((m) => m.name)).size).toBe(catalog.length);
  });

  it('covers every known defect of the original demo (CONTRACT.md 1 to 8) and the two fault tests', () => {
    const defects = new Set(catalog.map((m) => m.defect));
    for (let d = 1; d <= 8; d++) expect(defects, `defect ${d}`).toContain(d);
    expect(catalog.map((m) => m.name)).toEqual(expect.arrayContaining(['crash-on-length', 'hang-on-length', 'original-demo']));
  });

  it('says why for every mutant that is not observable under Wine, and only for those', () => {
    for (const m of catalog) {
      if (m.observableOn.includes('wine')) expect(m.why, m.name).toBeUndefined();
      else expect(m.why?.length ?? 0, m.name).toBeGreaterThan(40);
    }
  });

  it('every define is one the kernel sources actually test', () => {
    const sources = ['ioctl.c', 'message.c', 'objdev.c', 'mutant.h'].map((f) => readFileSync(join(DRIVER_DIR, 'kernel', f), 'utf8')).join('\n');
    for (const m of catalog) expect(sources, m.define).toMatch(new RegExp(`#if(n?def| defined\\()[ (]*${m.define}\\b|defined\\(${m.define}\\)`));
  });
});
