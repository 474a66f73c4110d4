import { describe, expect, it } from 'vitest';
import type { CaseResult } from '../verdict/case-result.js';
import type { Mutant } from './catalog.js';
import { killMatrix } from './kill-matrix.js';

const mutant = (name: string, observableOn = ['wine', 'windows']): Mutant => ({ name, defect: 1, define: 'X', description: name, observableOn, ...(observableOn.includes('wine') ? {} : { why: 'serial IRP dispatch' }) });
const result = (id: string, status: CaseResult['status']): CaseResult => ({ index: 0, id, name: id, status, durationMs: 0, steps: [] });

describe('killMatrix', () => {
  const baseline = new Set(['a', 'b']);
  const runs = [
    { mutant: mutant('killed'), cases: [result('a', 'passed'), result('b', 'crashed'), result('c', 'failed')], exitCode: 1, durationMs: 1 },
    { mutant: mutant('survivor'), cases: [result('a', 'passed'), result('b', 'passed'), result('c', 'failed')], exitCode: 1, durationMs: 1 },
    { mutant: mutant('hidden-on-wine', ['windows']), cases: [result('a', 'passed'), result('b', 'passed')], exitCode: 0, durationMs: 1 },
  ];

  it('counts only cases that pass on the real driver as killers, and keeps unobservable mutants apart', () => {
    const m = killMatrix(['wine'], baseline, runs);
    expect(m.rows.map((r) => [r.mutant.name, r.fate, r.killedBy.map((k) => k.id)])).toEqual([
      ['killed', 'killed', ['b']],
      ['survivor', 'survived', []],
      ['hidden-on-wine', 'not-observable', []],
    ]);
    expect([m.killed, m.observable, m.score]).toEqual([1, 2, 0.5]);
  });

  it('on a Windows target every mutant counts', () => {
    expect(killMatrix(['windows'], baseline, runs).observable).toBe(3);
  });

  it('gives the reason of the target at hand for a mutant it cannot show, Wine\'s otherwise', () => {
    const onlyWindows = { ...mutant('no-lock', ['windows']), whyNot: { reactos: 'one CPU' } };
    const hidden = [{ mutant: onlyWindows, cases: [result('a', 'passed'), result('b', 'passed')], exitCode: 0, durationMs: 1 }];
    expect(killMatrix(['reactos'], baseline, hidden).rows[0]).toMatchObject({ fate: 'not-observable', why: 'one CPU' });
    expect(killMatrix(['wine'], baseline, hidden).rows[0]).toMatchObject({ fate: 'not-observable', why: 'serial IRP dispatch' });
  });
});
