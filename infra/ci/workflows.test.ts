import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { program } from '../../lab/cli/main.js';

interface Step {
  run?: string;
}
interface Job {
  'runs-on': string | string[];
  needs?: string[];
  strategy?: { matrix?: { shard?: number[] } };
  steps: Step[];
}
interface Workflow {
  on: unknown;
  jobs: Record<string, Job>;
}

const dir = import.meta.dirname;
const workflows = async () =>
  Promise.all(
    (await readdir(dir)).filter((f) => f.endsWith('.yml')).map(async (f) => ({ file: f, wf: parse(await readFile(join(dir, f), 'utf8')) as Workflow })),
  );

/** Every `npx lab ...` command in a step's shell script, cut at the first shell operator, split into words. */
function labInvocations(script: string): string[][] {
  const found: string[][] = [];
  for (const line of script.split('\n')) {
    const at = line.indexOf('npx lab ');
    if (at < 0) continue;
    const command = line
      .slice(at + 'npx lab '.length)
      .replace(/\$\{\{[^}]*\}\}/g, '1')
      .split(/\s(?:\|\||&&|;|\||>)\s?/)[0]!;
    found.push(command.match(/"[^"]*"|'[^']*'|\S+/g)!.map((w) => w.replace(/^["']|["']$/g, '')));
  }
  return found;
}

/** Checks words against the real CLI: the command exists, every option is one of its options, values given. */
function check(words: string[]): string[] {
  const [name, ...rest] = words;
  const command = program().commands.find((c: Command) => c.name() === name);
  if (!command) return [`unknown command ${name}`];
  const problems: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const option = command.options.find((o) => o.long === word);
    if (!option) {
      problems.push(`lab ${name} has no option ${word}`);
      continue;
    }
    if (option.required || option.optional) {
      const values: string[] = [];
      while (i + 1 < rest.length && !rest[i + 1]!.startsWith('--') && (option.variadic || values.length === 0)) values.push(rest[++i]!);
      if (option.required && values.length === 0) problems.push(`${word} needs a value`);
      if (option.variadic) continue;
    }
  }
  const args = command.registeredArguments;
  const min = args.filter((a) => a.required).length;
  const max = args.some((a) => a.variadic) ? Infinity : args.length;
  if (positional.length < min || positional.length > max)
    problems.push(`lab ${name} takes ${min}..${max} arguments, got ${positional.length}: ${positional.join(' ')}`);
  return problems;
}

describe('the CI workflows in infra/ci', () => {
  it('call lab only with commands and options the CLI has', async () => {
    let count = 0;
    for (const { file, wf } of await workflows()) {
      for (const [jobName, job] of Object.entries(wf.jobs)) {
        for (const step of job.steps) {
          for (const words of labInvocations(step.run ?? '')) {
            count++;
            expect(check(words), `${file} › ${jobName}: lab ${words.join(' ')}`).toEqual([]);
          }
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(6);
  });

  it('the checker itself rejects what the CLI would', () => {
    expect(check(['run', 'suites/echo.yaml', '--shards', '1/4'])).toContain('lab run has no option --shards');
    expect(check(['merge', '--out', 'x'])).toEqual(['lab merge takes 1..Infinity arguments, got 0: ']);
    expect(check(['frobnicate'])).toEqual(['unknown command frobnicate']);
  });

  it('shard every matrix job into 1..n, and merge after all of them', async () => {
    const nightly = (await workflows()).find((w) => w.file === 'nightly.yml')!.wf;
    for (const [name, job] of Object.entries(nightly.jobs)) {
      const shards = job.strategy?.matrix?.shard;
      if (!shards) continue;
      expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
      const script = job.steps.map((s) => s.run ?? '').join('\n');
      expect(script, name).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
      expect(nightly.jobs.merge!.needs).toContain(name);
    }
  });

  it('gate pull requests against the nightly report', async () => {
    const pr = (await workflows()).find((w) => w.file === 'pull-request.yml')!.wf;
    const script = pr.jobs.wine!.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toContain('--baseline baseline/report.json');
    expect(script).toContain('--name lab-wine-merged');
  });
});
