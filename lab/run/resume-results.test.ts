import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import { JsonReporter } from '../reporters/json.js';
import { expandSuite } from '../suite/expand.js';
import { loadSuite } from '../suite/load-suite.js';
import { runSuite } from './run-suite.js';
import { ScriptedTarget } from './testing/scripted-target.js';
import { tempDir } from '../testing/temp-dir.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const suiteText = (names: string[]) =>
  `suite: s\ndriver: { image: x.sys, device: 'd' }\ncases:\n${names.map((n) => `  - name: ${n}\n    steps: [{ open: { handle: 0 }, expect: { error: 0 } }]\n`).join('')}`;
const result = (index: number, id: string, status: string, message?: string) =>
  JSON.stringify({ index, id, name: id.slice(2), status, durationMs: 1, steps: [], ...(message ? { message, blame: 'product' } : {}) });

describe('--resume after the suite was edited', () => {
  it('matches finished results to cases by id, runs only the rest, and sets aside what no longer matches', async () => {
    const dir = await tempDir('resume');
    dirs.push(dir);
    await writeFile(join(dir, 'x.sys'), 'MZ');
    const outDir = join(dir, 'out');
    await mkdir(outDir);
    // The interrupted run had a (passed), b (failed) and half a line; since then `new` was added first, b removed, c added.
    await writeFile(join(outDir, 'results.jsonl'), `${result(0, 's/a', 'passed')}\n${result(1, 's/b', 'failed', 'b broke')}\n{"index":2,"id":"s/c","sta`);
    await writeFile(join(dir, 's.yaml'), suiteText(['new', 'a', 'c']));
    const suite = expandSuite(await loadSuite(join(dir, 's.yaml')));
    const target = new ScriptedTarget(() => 'pass');
    const warnings: string[] = [];
    const outcome = await runSuite({
      suite,
      cases: suite.cases,
      target,
      runId: 'r',
      outDir,
      guestRunner: join(dir, 'x.sys'),
      reporters: [new JsonReporter(), { name: 'w', onWarning: (m) => warnings.push(m) }],
      signal: new AbortController().signal,
      options: {},
      resume: true,
    });

    expect(target.ran).toEqual(['s/new', 's/c']);
    const report = JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as RunReport;
    expect(report.cases.map((c) => [c.index, c.id, c.status])).toEqual([
      [0, 's/new', 'passed'],
      [1, 's/a', 'passed'],
      [2, 's/c', 'passed'],
    ]);
    expect(outcome.exitCode).toBe(0);
    expect(warnings.join('\n')).toMatch(/1 finished result no longer match a case of the suite and were set aside in results\.unmatched\.jsonl: s\/b/);
    expect(warnings.join('\n')).toMatch(/1 line of results\.jsonl is not a result lab wrote/);
    const aside = (await readFile(join(outDir, 'results.unmatched.jsonl'), 'utf8')).trim().split('\n');
    expect(aside).toEqual([result(1, 's/b', 'failed', 'b broke'), '{"index":2,"id":"s/c","sta']);
  });

  it('leaves results.jsonl as it is when the suite did not change', async () => {
    const dir = await tempDir('resume');
    dirs.push(dir);
    await writeFile(join(dir, 'x.sys'), 'MZ');
    const outDir = join(dir, 'out');
    await mkdir(outDir);
    const before = `${result(0, 's/a', 'passed')}\n`;
    await writeFile(join(outDir, 'results.jsonl'), before);
    await writeFile(join(dir, 's.yaml'), suiteText(['a', 'b']));
    const suite = expandSuite(await loadSuite(join(dir, 's.yaml')));
    const target = new ScriptedTarget(() => 'pass');
    await runSuite({
      suite,
      cases: suite.cases,
      target,
      runId: 'r',
      outDir,
      guestRunner: join(dir, 'x.sys'),
      reporters: [],
      signal: new AbortController().signal,
      options: {},
      resume: true,
    });
    expect(target.ran).toEqual(['s/b']);
    expect((await readFile(join(outDir, 'results.jsonl'), 'utf8')).startsWith(before)).toBe(true);
  });
});
