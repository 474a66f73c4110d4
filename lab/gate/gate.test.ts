import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gateRuns } from '../cli/commands/gate.js';
import type { GateSection } from '../report/run-report.js';
import { aCase, aReport, writeRun } from '../testing/report-fixtures.js';
import type { CaseResult } from '../verdict/case-result.js';
import { utcDay } from '../waivers/waiver.js';
import { tempDir } from '../testing/temp-dir.js';

/**
 * `lab gate` on crafted report pairs, in process (gateRuns: what the command prints and its exit code): the
 * classes, the exit rules, the waivers. cli.e2e.test.ts checks the command's wiring once, as a child process.
 */
let dir: string;
beforeAll(async () => {
  dir = await tempDir('gate');
});

let n = 0;
async function pair(before: CaseResult[], now: CaseResult[], nowExtra: Parameters<typeof aReport>[1] = {}): Promise<[string, string]> {
  n += 1;
  const base = await writeRun(join(dir, `${n}-baseline`), aReport(before, { runId: `base-${n}` }));
  const next = await writeRun(join(dir, `${n}-new`), aReport(now, { runId: `new-${n}`, startedAt: '2026-11-25T04:00:00.000Z', ...nowExtra }));
  return [next, base];
}

async function waivers(text: string): Promise<string> {
  n += 1;
  const file = join(dir, `waivers-${n}.yaml`);
  await writeFile(file, text);
  return file;
}

const day = (offset: number) => utcDay(new Date(Date.now() + offset * 86_400_000));

/** `lab gate <args>`: the two run folders, then the flags. */
function runGate(args: string[]) {
  const [next, base, ...flags] = args;
  const value = (name: string) => (flags.includes(name) ? flags[flags.indexOf(name) + 1] : undefined);
  const waivers = value('--waivers');
  return gateRuns(next!, base!, { json: flags.includes('--json'), allowNewFailures: flags.includes('--allow-new-failures'), ...(waivers ? { waivers } : {}) });
}

describe('lab gate: every class on one crafted pair', () => {
  it("classifies each case by its stable id and says so in report.json's gate shape", async () => {
    const before = [
      aCase('echo/reg-failed', 'passed'),
      aCase('echo/reg-crashed', 'passed'),
      aCase('echo/reg-hung', 'passed'),
      aCase('echo/fixed', 'failed'),
      aCase('echo/still', 'crashed'),
      aCase('echo/waived-before', 'waived', {
        waiver: { status: 'failed', reason: 'known', expires: '2099-01-01', match: 'echo/waived-before', source: 'w.yaml:2:5' },
      }),
      aCase('echo/removed', 'passed'),
      aCase('echo/unchanged', 'passed'),
      aCase('echo/flaky-now', 'passed'),
      aCase('echo/skipped-now', 'passed'),
      aCase('echo/harness-now', 'passed'),
      aCase('echo/skipped-before', 'skipped'),
      aCase('echo/waived-now', 'passed'),
    ];
    const now = [
      aCase('echo/reg-failed', 'failed'),
      aCase('echo/reg-crashed', 'crashed'),
      aCase('echo/reg-hung', 'hung'),
      aCase('echo/fixed', 'passed'),
      aCase('echo/still', 'failed'),
      aCase('echo/waived-before', 'failed'),
      aCase('echo/unchanged', 'passed'),
      aCase('echo/flaky-now', 'flaky'),
      aCase('echo/skipped-now', 'skipped'),
      aCase('echo/harness-now', 'error', { blame: 'harness' }),
      aCase('echo/skipped-before', 'failed'),
      aCase('echo/new-pass', 'passed'),
      aCase('echo/new-fail', 'hung'),
      aCase('echo/waived-now', 'failed'),
    ];
    const [next, base] = await pair(before, now);
    const file = await waivers(`waivers:\n  - case: echo/waived-now\n    reason: known since the last driver\n    expires: ${day(30)}\n`);
    const r = await runGate([next, base, '--json', '--waivers', file]);
    const gate = JSON.parse(r.stdout) as GateSection;
    expect(gate.counts).toEqual({ regression: 3, fixed: 1, 'still-failing': 2, new: 3, removed: 1, waived: 1, unchanged: 2, 'not-run': 2 });
    expect(gate.regressions).toEqual(['echo/reg-failed', 'echo/reg-crashed', 'echo/reg-hung']);
    expect(gate.fixed).toEqual(['echo/fixed']);
    expect(gate.newFailures).toEqual(['echo/skipped-before', 'echo/new-fail']);
    expect(gate.removed).toEqual([{ id: 'echo/removed', status: 'passed' }]);
    expect(gate.waivers).toMatchObject({ applied: 1, expired: [], unused: [] });
    expect(gate.verdict).toBe('fail');
    expect(r.exitCode).toBe(1);
  });

  it('prints the classification for people: the verdict, the regressions with why, the counts', async () => {
    const [next, base] = await pair(
      [aCase('echo/a', 'passed'), aCase('echo/b', 'failed'), aCase('echo/gone', 'passed')],
      [aCase('echo/a', 'crashed', { message: 'the driver crashed during this case: page fault' }), aCase('echo/b', 'passed')],
    );
    const r = await runGate([next, base]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('✗ 1 regression (passed in the baseline, failing now):\n      echo/a  crashed: the driver crashed during this case: page fault');
    expect(r.stdout).toContain('✓ 1 fixed case (failing in the baseline, passing now):\n      echo/b');
    expect(r.stdout).toContain('· 1 removed');
    expect(r.stdout).toMatch(/gate: FAIL: 1 regression$/m);
  });
});

describe('lab gate: exit rules', () => {
  it('exit 0 when failures are only those the baseline already had', async () => {
    const r = await runGate([...(await pair([aCase('echo/a', 'failed'), aCase('echo/b', 'passed')], [aCase('echo/a', 'crashed'), aCase('echo/b', 'passed')]))]);
    expect(r.stdout).toMatch(/gate: PASS$/m);
    expect(r.exitCode).toBe(0);
  });

  it('exit 1 on a new failing case, 0 when new failures are allowed', async () => {
    const cases = await pair([aCase('echo/a', 'passed')], [aCase('echo/a', 'passed'), aCase('echo/new', 'failed')]);
    const strict = await runGate([...cases]);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toMatch(/gate: FAIL: 1 new failing case$/m);
    const allowed = await runGate([...cases, '--allow-new-failures']);
    expect(allowed.exitCode).toBe(0);
    expect(allowed.stdout).toContain('· 1 new failing case (allowed by --allow-new-failures)');
  });

  it('a live waiver turns a regression into `waived` (exit 0); an expired one waives nothing and fails the gate saying which and since when', async () => {
    const cases = await pair([aCase('echo/a', 'passed')], [aCase('echo/a', 'failed')]);
    const live = await runGate([
      ...cases,
      '--waivers',
      await waivers(`waivers:\n  - { case: echo/a, reason: known, link: 'https://bugs.example.com/1', expires: '${day(0)}' }\n`),
    ]);
    expect(live.stdout).toContain('1 case waived');
    expect(live.exitCode).toBe(0);
    const expiredFile = await waivers(`waivers:\n  - { case: echo/a, reason: known, expires: '${day(-3)}' }\n`);
    const expired = await runGate([...cases, '--waivers', expiredFile]);
    expect(expired.exitCode).toBe(1);
    expect(expired.stdout).toContain(`✗ waiver \`echo/a\` (${expiredFile}:2:5) expired: its last day was ${day(-3)}, 3 days ago`);
    expect(expired.stdout).toMatch(/gate: FAIL: 1 regression, 1 expired waiver$/m);
  });

  it('an expired waiver fails the gate even when nothing fails any more', async () => {
    const cases = await pair([aCase('echo/a', 'failed')], [aCase('echo/a', 'passed')]);
    const r = await runGate([...cases, '--waivers', await waivers(`waivers:\n  - { pattern: 'echo/*', reason: r, expires: '${day(-1)}' }\n`), '--json']);
    const gate = JSON.parse(r.stdout) as GateSection;
    expect(gate.reasons).toEqual([expect.stringMatching(/^waiver `echo\/\*` \(.*:2:5\) expired: its last day was .*, 1 day ago \(r\)\. Fix: renew/)]);
    expect(r.exitCode).toBe(1);
  });

  it('exit 3 when the only problem is the harness (cases it could not run)', async () => {
    const r = await runGate([
      ...(await pair([aCase('echo/a', 'passed')], [aCase('echo/a', 'error', { blame: 'harness', message: 'not run: the target went away' })])),
    ]);
    expect(r.stdout).toMatch(/· 1 not run/);
    expect(r.exitCode).toBe(3);
  });

  it('exit 2 with the fix for a missing, unreadable or foreign report', async () => {
    const [next] = await pair([], [aCase('echo/a', 'passed')]);
    const usage = (message: RegExp) => ({ exitCode: 2, message: expect.stringMatching(message) });
    await expect(runGate([next, join(dir, 'nowhere')])).rejects.toMatchObject(
      usage(/^lab gate: baseline .*nowhere: no such file or folder\. Fix: give a report\.json or the run folder/),
    );
    await writeFile(join(dir, 'not.json'), '{ nope');
    await expect(runGate([next, join(dir, 'not.json')])).rejects.toMatchObject(usage(/expected report\.json as lab writes it, found text that is not JSON/));
    await writeFile(
      join(dir, 'foreign.json'),
      JSON.stringify({ schemaVersion: 1, suite: 'echo', status: 'passed', startedAt: 'x', summary: { total: 1 }, cases: [{ id: 7, status: 'passed' }] }),
    );
    await expect(runGate([next, join(dir, 'foreign.json')])).rejects.toMatchObject(usage(/foreign\.json: cases\[0\]\.id: expected a string, found 7/));
  });
});
