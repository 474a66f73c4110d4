import { describe, expect, it } from 'vitest';
import { aCase } from '../testing/report-fixtures.js';
import type { CaseResult, CaseStatus, StepReport, TargetGapMark } from '../verdict/case-result.js';
import { parseCase } from './read-report.js';
import { CASE_STATUSES } from './report-schema.js';

/** A case as `lab merge` reads one from a shard's results.jsonl: through the report schema. */
const read = (c: object) => parseCase(JSON.stringify(c), { file: 'shard/results.jsonl', line: 3 });
const without = (c: CaseResult, field: string) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== field));

describe('what a case of each status carries, as the readers check it', () => {
  it('a case of every status, as lab writes it, reads', () => {
    for (const status of CASE_STATUSES) expect(read(aCase('echo/a', status)).status).toBe(status);
  });

  it.each<[string, object, string]>([
    [
      'a failure that blames no one',
      without(aCase('echo/a', 'failed'), 'blame'),
      'blame: expected one of "product", "test", "harness", "target", found nothing',
    ],
    ['a crash without its why', without(aCase('echo/a', 'crashed'), 'message'), 'message: expected a string, found nothing'],
    ['a skipped case without its reason', without(aCase('echo/a', 'skipped'), 'message'), 'message: expected a string, found nothing'],
    ['a waived case without its waiver', without(aCase('echo/a', 'waived'), 'waiver'), 'waiver: expected a mapping, found nothing'],
    ['an inconclusive case without the gap', without(aCase('echo/a', 'inconclusive'), 'targetGap'), 'targetGap: expected a mapping, found nothing'],
    ['an inconclusive case blamed on the driver', { ...aCase('echo/a', 'inconclusive'), blame: 'product' }, 'blame: expected one of "target", found "product"'],
    ['a flaky case without its attempts', without(aCase('echo/a', 'flaky'), 'attempts'), 'attempts: expected a list, found nothing'],
  ])('%s is refused, naming the field', (_name, c, message) => {
    expect(() => read(c)).toThrow(`shard/results.jsonl:3: ${message}`);
  });

  it('and does not compile where lab writes results', () => {
    const common = { index: 0, id: 'echo/a', name: 'a', durationMs: 1, steps: [] };
    const gap: TargetGapMark = { functions: [], detail: '', runOn: '', was: { status: 'failed', blame: 'product' } };
    const wrong: Array<CaseResult | StepReport> = [
      // @ts-expect-error: a failure says whose fault it is
      { ...common, status: 'failed', message: 'expected 11 bytes' },
      // @ts-expect-error: a passed case has no blame and no message
      { ...common, status: 'passed', blame: 'product', message: 'fine' },
      // @ts-expect-error: a waived case keeps the waiver that covered it
      { ...common, status: 'waived', blame: 'product', message: 'known' },
      // @ts-expect-error: an inconclusive case is the target's
      { ...common, status: 'inconclusive', blame: 'product', message: 'a gap', targetGap: gap },
      // @ts-expect-error: an open returns no bytes
      { index: 0, kind: 'open', error: 0, status: 0, ok: true, bytesReturned: 4 },
      // @ts-expect-error: an ioctl that ran says how it ended
      { index: 1, kind: 'ioctl', inLength: 0, outLength: 4, error: 0, ok: true },
    ];
    const statuses: CaseStatus[] = wrong.flatMap((r) => ('id' in r ? [r.status] : []));
    expect(statuses).toEqual(['failed', 'passed', 'waived', 'inconclusive']);
  });
});
