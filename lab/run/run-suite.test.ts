import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import { JsonReporter } from '../reporters/json.js';
import { JunitReporter } from '../reporters/junit.js';
import type { Reporter } from '../reporters/reporter.js';
import { expandSuite } from '../suite/expand.js';
import { loadSuite } from '../suite/load-suite.js';
import { runSuite, type RunInput } from './run-suite.js';
import { ScriptedTarget, type Scripted } from './testing/scripted-target.js';
import { tempDir } from '../testing/temp-dir.js';

async function setUp(cases: string[]) {
  const dir = await tempDir('run');
  await writeFile(join(dir, 'x.sys'), 'MZ');
  await writeFile(
    join(dir, 's.yaml'),
    `suite: s\ndriver: { image: x.sys, device: 'd' }\ncases:\n${cases.map((n) => `  - name: ${n}\n    timeoutMs: 60000\n    steps: [{ open: { handle: 0 }, expect: { error: 0 } }]\n`).join('')}`,
  );
  return { dir, suite: expandSuite(await loadSuite(join(dir, 's.yaml'))) };
}

async function run(
  cases: string[],
  script: (session: number, id: string) => Scripted,
  extra: Partial<RunInput> = {},
  hangs: ConstructorParameters<typeof ScriptedTarget>[1] = {},
) {
  const { dir, suite } = await setUp(cases);
  const target = new ScriptedTarget(script, hangs);
  const outDir = join(dir, 'out');
  const result = await runSuite({
    suite,
    cases: suite.cases,
    target,
    runId: 'r',
    outDir,
    guestRunner: join(dir, 'x.sys'),
    reporters: [new JsonReporter()],
    signal: new AbortController().signal,
    options: {},
    ...extra,
  });
  const report = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as RunReport;
  return { ...result, report, target, outDir, status: Object.fromEntries(report.cases.map((c) => [c.id.replace('s/', ''), c.status])) };
}

describe('runSuite rules, against a scripted target double', () => {
  it('goes on after a crash on a reverted target: only the crashing case is crashed', async () => {
    const r = await run(['a', 'b', 'c'], (session, id) => (id === 's/b' && session === 1 ? 'crash' : 'pass'));
    expect(r.status).toEqual({ a: 'passed', b: 'crashed', c: 'passed' });
    expect(r.target.reverts).toBe(1);
    expect(r.target.ran).toEqual(['s/a', 's/b', 's/c']);
    expect(r.report.cases[1]!.evidence?.backtrace).toMatch(/scripted\.sys/);
    expect(r.report.cases[1]!.message).toBe('the driver crashed during this case: page fault on write access to 0x0 at scripted.sys+0x10');
    expect(r.exitCode).toBe(1);
  });

  it('isolation: vm runs the case alone on a target reverted to its clean state, and reverts after it', async () => {
    const { dir } = await setUp(['placeholder']);
    await writeFile(
      join(dir, 's.yaml'),
      `suite: s\ndriver: { image: x.sys, device: 'd' }\ncases:\n${['a', 'b', 'c', 'd'].map((n) => `  - name: ${n}\n${n === 'b' ? '    isolation: vm\n' : ''}    steps: [{ open: { handle: 0 }, expect: { error: 0 } }]\n`).join('')}`,
    );
    const suite = expandSuite(await loadSuite(join(dir, 's.yaml')));
    expect(suite.cases.map((c) => Boolean(c.cleanTarget))).toEqual([false, true, false, false]);
    const target = new ScriptedTarget(() => 'pass');
    const sessions: string[][] = [];
    const put = target.put.bind(target);
    target.put = async (local, guest) => {
      if (guest.endsWith('plan.txt')) sessions.push([...(await readFile(local, 'utf8')).matchAll(/^case \d+ s\/(\w+)$/gm)].map((m) => m[1]!));
      return put(local, guest);
    };
    const result = await runSuite({
      suite,
      cases: suite.cases,
      target,
      runId: 'r',
      outDir: join(dir, 'out'),
      guestRunner: join(dir, 'x.sys'),
      reporters: [new JsonReporter()],
      signal: new AbortController().signal,
      options: {},
    });
    expect(result.exitCode).toBe(0);
    expect(sessions).toEqual([['a'], ['b'], ['c', 'd']]);
    expect(target.reverts).toBe(2);
  });

  it('crash evidence that cannot be collected is a warning in the report, and the case is still crashed', async () => {
    const r = await run(['a', 'b'], (session, id) => (id === 's/a' && session === 1 ? 'crash' : 'pass'), {}, { evidenceFails: true });
    expect(r.status).toEqual({ a: 'crashed', b: 'passed' });
    expect(r.report.cases[0]!.evidence).toMatchObject({ signature: 'page fault on write access to 0x0 at scripted.sys+0x10' });
    expect(r.report.warnings).toEqual(['the crash evidence could not be collected from scripted: the scripted evidence is unreadable']);
  });

  it('--repeat-failures: a case that passes on a rerun is flaky with its attempts; one that never does stays failed', async () => {
    const r = await run(['a', 'b', 'c'], (session, id) => (id === 's/b' && session === 1 ? 'fail' : id === 's/c' ? 'fail' : 'pass'), { repeatFailures: 2 });
    expect(r.status).toEqual({ a: 'passed', b: 'flaky', c: 'failed' });
    const b = r.report.cases[1]!;
    expect(b.attempts?.map((a) => a.status)).toEqual(['failed']);
    expect(b.message).toMatch(/^passed on rerun 1 after 1 attempt that did not \(first: failed: step 0 open: expected open to end with 0/);
    expect(r.report.cases[2]!.attempts?.map((a) => a.status)).toEqual(['failed', 'failed']);
    expect(r.report.summary).toMatchObject({ total: 3, passed: 1, flaky: 1, failed: 1 });
    expect(r.exitCode).toBe(1);
  });

  it('flaky alone does not fail the run', async () => {
    const r = await run(['a'], (session) => (session === 1 ? 'fail' : 'pass'), { repeatFailures: 1 });
    expect(r.status).toEqual({ a: 'flaky' });
    expect(r.exitCode).toBe(0);
  });

  it('--deadline stops the run; the cases it left are harness errors, exit 3', async () => {
    // b hangs and its own timeout (60 s) is longer than the test's: only the deadline can end this run,
    // and b is `error` (the deadline's), not `hung` (its timeout's).
    const r = await run(['a', 'b', 'c'], (_s, id) => (id === 's/b' ? 'hang' : 'pass'), { deadlineMs: 800 });
    expect(r.status).toEqual({ a: 'passed', b: 'error', c: 'error' });
    expect(r.report.cases[2]!.message).toBe("not run: the run's deadline of 800 ms passed");
    expect(r.report.cases[2]!.blame).toBe('harness');
    expect(r.report.status).toBe('error');
    expect(r.exitCode).toBe(3);
  });

  it('a guest runner that keeps dying is retried, then the run fails as the harness, exit 3', async () => {
    const r = await run(['a', 'b'], () => 'runner-dies');
    expect(r.target.sessions).toBe(3);
    expect(r.report.warnings.filter((w) => /retrying on a clean target/.test(w))).toHaveLength(2);
    expect(r.report.error?.code).toBe('LAB_GUEST_RUNNER');
    expect(r.report.cases.every((c) => c.status === 'error' && c.blame === 'harness')).toBe(true);
    expect(r.exitCode).toBe(3);
  });

  it('a driver that never finishes loading: every case is an error of the product, the run ends', async () => {
    const r = await run(['a', 'b'], () => 'pass', { sessionTimeouts: { loadMs: 300 } }, { atLoad: true });
    expect(r.status).toEqual({ a: 'error', b: 'error' });
    expect(r.report.cases[0]!.message).toBe('not run: the driver did not finish loading within 0.3 s: DriverEntry did not return (the guest was killed)');
    expect(r.report.cases[0]!.blame).toBe('product');
    expect(r.exitCode).toBe(1);
  });

  it('a driver that never unloads: every case keeps its result, and the run fails for that fault', async () => {
    const r = await run(['a', 'b'], () => 'pass', { sessionTimeouts: { unloadMs: 300 } }, { atUnload: true });
    expect(r.status).toEqual({ a: 'passed', b: 'passed' });
    expect(r.report.warnings).toContain(
      'driver fault outside any case: the driver did not unload within 0.3 s after the last case: its unload routine hangs (the guest was killed)',
    );
    expect(r.report.status).toBe('failed');
    expect(r.exitCode).toBe(1);
  });

  it('a load the machine refuses (1722) is retried on a clean target; a driver that refuses is not', async () => {
    const retried = await run(['a'], () => 'pass', {}, { loadError: (session) => (session === 1 ? 1722 : 0) });
    expect(retried.status).toEqual({ a: 'passed' });
    expect(retried.target.sessions).toBe(2);
    expect(retried.report.warnings[0]).toMatch(/^the driver could not be loaded: 1722 \(RPC_S_SERVER_UNAVAILABLE\); retrying on a clean target/);
    const refused = await run(['a'], () => 'pass', {}, { loadError: () => 31 });
    expect(refused.target.sessions).toBe(1);
    expect(refused.report.cases[0]).toMatchObject({ status: 'error', blame: 'product' });
    expect(refused.exitCode).toBe(1);
  });

  it('a reporter that throws is switched off: never called again; the others and the run go on', async () => {
    const calls: string[] = [];
    const broken: Reporter = {
      name: 'broken',
      onBegin: () => void calls.push('begin'),
      onCaseBegin: (c) => void calls.push(`case-begin ${c.id}`),
      onCaseEnd(result) {
        calls.push(`case-end ${result.id}`);
        throw new Error('disk full');
      },
      onWarning: () => void calls.push('warning'),
      onEnd: () => void calls.push('end'),
    };
    const r = await run(['a', 'b', 'c'], () => 'pass', { reporters: [broken, new JsonReporter()] });
    // Its first failure is its last call: no later case, no warning, no end of the run reaches it.
    expect(calls.filter((c) => c.startsWith('case-end'))).toEqual(['case-end s/a']);
    expect(calls.at(-1)).toBe('case-end s/a');
    expect(calls).not.toContain('end');
    expect(r.report.cases.map((c) => c.status)).toEqual(['passed', 'passed', 'passed']);
    expect(r.report.status).toBe('passed');
    expect(r.exitCode).toBe(0);
  });

  it('a report file that could not be written makes a passing run exit 3, with the file named; the other reports are written', async () => {
    const { dir, suite } = await setUp(['a']);
    const outDir = join(dir, 'out');
    // junit.xml cannot be put in place (a folder holds its name): a write failure like a full disk's, without root.
    await mkdir(join(outDir, 'junit.xml'), { recursive: true });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const r = await runSuite({
      suite,
      cases: suite.cases,
      target: new ScriptedTarget(() => 'pass'),
      runId: 'r',
      outDir,
      guestRunner: join(dir, 'x.sys'),
      reporters: [new JunitReporter(), new JsonReporter()],
      signal: new AbortController().signal,
      options: {},
    });
    const said = stderr.mock.calls.map(([text]) => String(text));
    stderr.mockRestore();
    expect(r.exitCode).toBe(3);
    expect(said).toEqual([
      expect.stringMatching(new RegExp(`^lab: the junit reporter failed and was switched off: ${outDir}/junit\\.xml could not be written: EISDIR`)),
    ]);
    expect((JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as RunReport).status).toBe('passed');
    expect(await readdir(outDir)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });

  it('tells the guest runner to start run steps in the folder the files were deployed to', async () => {
    const r = await run(['a'], () => 'pass');
    const plan = await readFile(join(r.outDir, 'plan.txt'), 'utf8');
    expect(plan.split('\n')).toContain('workdir C:\\lab');
  });
});
