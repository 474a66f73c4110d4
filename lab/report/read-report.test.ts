import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../e2e/run-lab.js';
import { aCase, aReport, writeRun } from '../testing/report-fixtures.js';
import { tempDir } from '../testing/temp-dir.js';

/**
 * Hostile report.json files, read by the real `lab gate`, `lab report` and `lab history`: each is refused
 * with exit 2 naming the file and the field (history skips it with a warning), never judged.
 */
let dir: string;
let good: string;
const secondCase = (r: Record<string, unknown>) => (r.cases as Array<Record<string, unknown>>)[1]!;
/** Each spoils a copy of a good report in place. */
const hostile: Record<string, (report: Record<string, unknown>) => void> = {
  'unknown-status': (r) => {
    secondCase(r).status = 'definitely-not-a-status';
  },
  'message-not-text': (r) => {
    secondCase(r).message = 42;
  },
  'schema-0': (r) => {
    r.schemaVersion = 0;
  },
  'schema-minus-1': (r) => {
    r.schemaVersion = -1;
  },
  'bad-blame': (r) => {
    secondCase(r).blame = 'nobody';
  },
};
const EXPECTED: Record<string, RegExp> = {
  'unknown-status':
    /unknown-status\/report\.json: cases\[1\]\.status: expected one of "passed", "failed", "crashed", "hung", "skipped", "error", "flaky", "waived", "inconclusive", found "definitely-not-a-status"/,
  'message-not-text': /message-not-text\/report\.json: cases\[1\]\.message: expected a string, found 42/,
  'schema-0': /schema-0\/report\.json: schemaVersion: .*found 0/,
  'schema-minus-1': /schema-minus-1\/report\.json: schemaVersion: .*found -1/,
  'bad-blame': /bad-blame\/report\.json: cases\[1\]\.blame: expected one of "product", "test", "harness", "target", found "nobody"/,
  // Where: the bracket that opens level 65, inside the `options` field.
  deep: /deep\/report\.json:1:\d+: expected report\.json as lab writes it, found nesting deeper than 64 levels\nFix: point at a finished run's report\.json/,
};

beforeAll(async () => {
  dir = await tempDir('read-report');
  const base = aReport([aCase('echo/a', 'passed'), aCase('echo/b', 'failed')]);
  good = await writeRun(join(dir, 'runs', 'good'), base);
  for (const [name, spoil] of Object.entries(hostile)) {
    const report = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
    spoil(report);
    await writeRun(join(dir, 'runs', name), report as never);
  }
  // 200,000 levels in a field lab does not know: it passed the old check and overflowed the stack later.
  const deep = JSON.stringify(base).replace('"options":{}', `"options":{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
  await writeRun(join(dir, 'runs', 'deep'), {} as never);
  await writeFile(join(dir, 'runs', 'deep', 'report.json'), deep);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a report.json that does not follow the report schema', () => {
  for (const name of [...Object.keys(hostile), 'deep']) {
    it(`${name}: lab gate exits 2 naming the file and the field`, async () => {
      const asNew = await lab(['gate', join(dir, 'runs', name), good]);
      expect(asNew.exitCode).toBe(2);
      expect(asNew.stderr).toMatch(EXPECTED[name]!);
      const asBaseline = await lab(['gate', good, join(dir, 'runs', name)]);
      expect(asBaseline.exitCode).toBe(2);
      expect(asBaseline.stderr).toMatch(EXPECTED[name]!);
    });
  }

  it('lab report refuses it too, and writes no page', async () => {
    const r = await lab(['report', join(dir, 'runs', 'message-not-text')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(EXPECTED['message-not-text']!);
    await expect(readFile(join(dir, 'runs', 'message-not-text', 'report.html'))).rejects.toThrow();
  });

  it('lab history skips each bad one with a warning and keeps the good run', async () => {
    const out = join(dir, 'history.html');
    const r = await lab(['history', join(dir, 'runs'), '--out', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/history\.html: 1 run$/m);
    for (const name of [...Object.keys(hostile), 'deep']) expect(r.stderr).toMatch(new RegExp(`lab: warning: skipped .*${name}/report\\.json`));
  });
});
