/**
 * report.json's bytes are an interface: CI scripts diff them and dashboards read them, so a change to the
 * types behind them (lab/verdict/case-result.ts) must not change them. The files in lab/testing/report-bytes/
 * were written by lab before its results became tagged unions: a real report (cases of every status and
 * step kind lab wrote, from runs of the echo and xfer suites against objdev, its mutants and fixture
 * drivers, their log slices cut to four lines) and the crafted fixtures. The same results must give the
 * same bytes, written at once (`lab run`) and after a round trip through the readers' zod schema (`lab
 * merge`, `lab report`, `--baseline`).
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readReport } from '../report/read-report.js';
import type { RunReport } from '../report/run-report.js';
import { aCase, aCrash, anInconclusive, aReport, aRichFailure, writeRun } from '../testing/report-fixtures.js';
import { tempDir } from '../testing/temp-dir.js';
import { JsonReporter } from './json.js';

const GOLDEN = join(import.meta.dirname, '..', 'testing', 'report-bytes');
const golden = (name: string) => readFile(join(GOLDEN, name), 'utf8');

/** report.json as JsonReporter writes it for this report, its own `timings.report` kept. */
async function written(report: RunReport): Promise<string> {
  const dir = await tempDir('report-bytes');
  const { cases, ...header } = report;
  await new JsonReporter().onEnd({
    header,
    outDir: dir,
    reportStartedAt: Date.now() - (header.timings.report ?? 0),
    cases: async function* () {
      yield* cases;
    },
  });
  return readFile(join(dir, 'report.json'), 'utf8');
}

/** The report read back as `lab merge` and `lab report` read it: bounded, through the zod schema. */
async function throughSchema(file: string): Promise<RunReport> {
  const dir = await tempDir('report-bytes-in');
  await copyFile(file, join(dir, 'report.json'));
  return (await readReport(dir, 'the report')).report;
}

/** The fixtures of lab/testing/report-fixtures.ts, with what each status carries when lab writes it. */
function fixtures(): RunReport {
  return aReport(
    [
      aCase('echo/passed', 'passed'),
      aCase('echo/failed', 'failed'),
      aCase('echo/hung', 'hung'),
      aCase('echo/error', 'error', { blame: 'harness' }),
      aCase('echo/skipped', 'skipped', { message: 'skipped on wine: needs a Windows target' }),
      aRichFailure(),
      aCrash(),
      anInconclusive(),
    ],
    { timings: { execute: 1000, report: 12 } },
  );
}

describe('report.json bytes', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-11-24T04:00:02.000Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a recorded real report is written again byte for byte', async () => {
    const recorded = await golden('recorded.report.json');
    expect(await written(JSON.parse(recorded) as RunReport)).toBe(recorded);
  });

  it('a recorded real report read through the zod schema is written as before', async () => {
    const report = await throughSchema(join(GOLDEN, 'recorded.report.json'));
    expect(await written(report)).toBe(await golden('recorded.via-schema.json'));
  });

  it('the fixtures are written as before', async () => {
    expect(await written(fixtures())).toBe(await golden('fixtures.report.json'));
  });

  it('the fixtures read through the zod schema are written as before', async () => {
    const dir = await writeRun(await tempDir('report-bytes-fixtures'), fixtures());
    expect(await written(await throughSchema(join(dir, 'report.json')))).toBe(await golden('fixtures.via-schema.json'));
  });
});
