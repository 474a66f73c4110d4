import { describe, expect, it } from 'vitest';
import { aCase } from '../testing/report-fixtures.js';
import type { CaseResult } from '../verdict/case-result.js';
import type { Mutant } from './catalog.js';
import { killMatrix } from './kill-matrix.js';

const mutant = (name: string, observableOn = ['wine', 'windows']): Mutant => ({
  name,
  defect: 1,
  define: 'X',
  description: name,
  observableOn,
  ...(observableOn.includes('wine') ? {} : { why: 'serial IRP dispatch' }),
});
const result = (id: string, status: CaseResult['status'], extra: Partial<CaseResult> = {}): CaseResult =>
  aCase(id, status, { name: id, durationMs: 0, ...extra });

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

  it('a case that judged nothing about the driver kills nothing: the target could not run it, or could not start its client', () => {
    // A run of no-lock under load: Wine could not start the client of one case (an error of the harness).
    const unjudged = result('a', 'error', { blame: 'harness' });
    const gap = result('b', 'inconclusive');
    const m = killMatrix(['wine'], baseline, [{ mutant: mutant('no-lock', ['windows']), cases: [unjudged, gap], exitCode: 3, durationMs: 1 }]);
    expect(m.rows.map((r) => [r.fate, r.killedBy])).toEqual([['not-observable', []]]);
    const driverError = result('a', 'error', { blame: 'product' });
    expect(killMatrix(['wine'], baseline, [{ mutant: mutant('x'), cases: [driverError], exitCode: 1, durationMs: 1 }]).rows[0]!.fate).toBe('killed');
  });

  it('on a Windows target every mutant counts', () => {
    expect(killMatrix(['windows'], baseline, runs).observable).toBe(3);
  });

  it("gives the reason of the target at hand for a mutant it cannot show, Wine's otherwise", () => {
    const onlyWindows = { ...mutant('no-lock', ['windows']), whyNot: { reactos: 'one CPU' } };
    const hidden = [{ mutant: onlyWindows, cases: [result('a', 'passed'), result('b', 'passed')], exitCode: 0, durationMs: 1 }];
    expect(killMatrix(['reactos'], baseline, hidden).rows[0]).toMatchObject({ fate: 'not-observable', why: 'one CPU' });
    expect(killMatrix(['wine'], baseline, hidden).rows[0]).toMatchObject({ fate: 'not-observable', why: 'serial IRP dispatch' });
  });
});
