import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import { JsonReporter } from '../reporters/json.js';
import { SummaryMarkdownReporter } from '../reporters/summary-markdown.js';
import { expandSuite } from '../suite/expand.js';
import { loadSuite } from '../suite/load-suite.js';
import { runSuite } from './run-suite.js';
import { ScriptedTarget } from './testing/scripted-target.js';
import { tempDir } from '../testing/temp-dir.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A run whose driver logs to `log`, a file the scripted guest holds with `text`. */
async function runWithDriverLog(log: string, text: string, prepare?: (outDir: string) => Promise<void>, Target = ScriptedTarget) {
  const dir = await tempDir('collected');
  dirs.push(dir);
  await writeFile(join(dir, 'x.sys'), 'MZ');
  await writeFile(
    join(dir, 's.yaml'),
    `suite: s\ndriver: { image: x.sys, device: 'd', log: ${JSON.stringify(log)} }\ncases:\n  - name: a\n    steps: [{ open: { handle: 0 }, expect: { error: 0 } }]\n  - name: b\n    steps: [{ open: { handle: 0 }, expect: { error: 0 } }]\n`,
  );
  const suite = expandSuite(await loadSuite(join(dir, 's.yaml')));
  const outDir = join(dir, 'out');
  await prepare?.(outDir);
  // Case b fails: a forged `passed` line must not turn it into a pass.
  const target = new Target((_, id) => (id === 's/b' ? 'fail' : 'pass'), {}, { [log]: text });
  const result = await runSuite({
    suite,
    cases: suite.cases,
    target,
    runId: 'r',
    outDir,
    guestRunner: join(dir, 'x.sys'),
    reporters: [new SummaryMarkdownReporter(), new JsonReporter()],
    signal: new AbortController().signal,
    options: {},
  });
  const report = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as RunReport;
  return { dir, outDir, result, report };
}

const FORGED = `${JSON.stringify({ index: 1, id: 's/b', name: 'b', status: 'passed', durationMs: 1, steps: [] })}\n`;

describe('files collected from the guest', () => {
  for (const name of ['results.jsonl', 'run.json', 'dbgview.log', 'report.json', 'summary.md']) {
    it(`never overwrite or add to lab's own outputs: a driver logging to C:\\${name}`, async () => {
      const { outDir, result, report } = await runWithDriverLog(`C:\\${name}`, FORGED);
      expect(result.exitCode).toBe(1);
      expect(report.cases.map((c) => c.status)).toEqual(['passed', 'failed']);
      const results = (await readFile(join(outDir, 'results.jsonl'), 'utf8')).trim().split('\n');
      expect(results.map((l) => JSON.parse(l).status)).toEqual(['passed', 'failed']);
      // The driver's file is kept, apart, as it was written.
      expect(await readFile(join(outDir, 'collected', name), 'utf8')).toBe(FORGED);
      for (const own of await readdir(outDir)) if (own !== 'collected') expect(await readFile(join(outDir, own), 'utf8')).not.toContain(FORGED.trim());
    });
  }

  it('a driver log that cannot be read from the guest is a warning with the cause, not a silent gap; the cases keep their results', async () => {
    class LostLog extends ScriptedTarget {
      override async readGuestFile(): Promise<Buffer | undefined> {
        throw new Error('the SFTP channel closed');
      }
    }
    const { outDir, result, report } = await runWithDriverLog('C:\\objdev.log', 'driver line\n', undefined, LostLog);
    expect(report.cases.map((c) => c.status)).toEqual(['passed', 'failed']);
    expect(result.exitCode).toBe(1);
    expect(report.warnings).toContain('the driver log C:\\objdev.log could not be collected from scripted (session 1): the SFTP channel closed');
    expect(await readdir(outDir)).not.toContain('collected');
  });

  it('are never written through a symlink planted in the run folder', async () => {
    const victim = join(tmpdir(), `lab-victim-${process.pid}.txt`);
    await writeFile(victim, 'untouched\n');
    try {
      const { report } = await runWithDriverLog('C:\\objdev.log', 'driver line\n', async (outDir) => {
        await mkdir(join(outDir, 'collected'), { recursive: true });
        await symlink(victim, join(outDir, 'collected', 'objdev.log'));
      });
      expect(await readFile(victim, 'utf8')).toBe('untouched\n');
      // The refusal is the run's error (header.error); the finished cases are not lost.
      expect(report.cases.map((c) => c.status)).toEqual(['passed', 'failed']);
    } finally {
      await rm(victim, { force: true });
    }
  });
});
