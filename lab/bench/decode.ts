/**
 * `npm run bench -- decode`: what decoding one line of the guest runner costs the host
 * (lab/guest/result-decoder.ts), which decodes every result line of every run. The lines are real: the
 * plans of the echo and xfer suites (written by a `lab run` of each) run by the guest runner in a fresh
 * prefix (in-fresh-prefix.sh), its stdout kept. Each round decodes every line many times; a figure is the
 * median of the rounds, in this process's CPU time (what other work on a shared machine takes is not
 * counted, as it would be in wall time).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { decodeGuestLine } from '../guest/result-decoder.js';
import { buildDir, packageRoot } from '../package-root/package-root.js';
import { labCacheDir } from '../targets/wine/cache-dir.js';
import { ensureTemplate } from '../targets/wine/prefix-template.js';

const ROOT = packageRoot();
const BUILD = buildDir();
const ROUNDS = 9;
/** Decodes per line in a round: enough for a round to take about a second. */
const REPEAT = 400;

/** The suites and the files their plans need in C:\lab beside the guest runner. */
const SUITES: Array<{ suite: string; files: string[] }> = [
  { suite: 'suites/echo.yaml', files: [join(BUILD, 'objdev.sys'), join(BUILD, 'objdev-echo.exe')] },
  {
    suite: 'suites/xfer.yaml',
    files: [...['xfer.sys', 'xfer-v2.sys', 'xfer-tool.exe', 'xfer-util.dll'].map((f) => join(BUILD, f)), join(ROOT, 'suites', 'xfer.ini')],
  },
];

/** The guest runner's stdout for a suite's plan, one result line each. */
async function guestLines(template: string, suite: string, files: string[]): Promise<string[]> {
  const out = await mkdtemp(join(tmpdir(), 'lab-bench-decode-'));
  try {
    await execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), 'run', suite, '--reporter', 'json', '--out', out], { cwd: ROOT, reject: false, env: { CI: '1' } });
    const runner = await execa(join(ROOT, 'lab', 'bench', 'in-fresh-prefix.sh'), [
      template,
      join(BUILD, 'lab-guest.exe'),
      ...files,
      join(out, 'plan.txt'),
      '--',
      'C:\\lab\\lab-guest.exe',
      'C:\\lab\\plan.txt',
    ]);
    const lines = runner.stdout.split('\n').filter((line) => line !== '');
    if (!lines.at(-1)?.startsWith('{"t":"end"')) throw new Error(`the guest runner did not finish ${suite}'s plan: ${lines.at(-1) ?? '(no output)'}`);
    return lines;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** CPU µs per line over `lines`: the median of the rounds. */
function perLineUs(lines: string[]): number {
  for (const line of lines) decodeGuestLine(line); // warms the JIT
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < REPEAT; i++) for (const line of lines) decodeGuestLine(line);
    const used = process.cpuUsage(start);
    rounds.push((used.user + used.system) / (REPEAT * lines.length));
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

export async function decodeSection(): Promise<Record<string, unknown>> {
  const template = await ensureTemplate({ cacheDir: labCacheDir() });
  const lines: string[] = [];
  for (const { suite, files } of SUITES) lines.push(...(await guestLines(template, suite, files)));
  const isCase = (line: string) => line.startsWith('{"t":"case"');
  const caseLines = lines.filter(isCase);
  const otherLines = lines.filter((line) => !isCase(line));
  const bytes = (xs: string[]) => Math.round(xs.reduce((n, x) => n + x.length, 0) / xs.length);
  const all = perLineUs(lines);
  const cases = perLineUs(caseLines);
  const other = perLineUs(otherLines);
  process.stdout.write(
    [
      `| echo + xfer result lines, median of ${ROUNDS} rounds | lines | mean bytes | CPU µs per line |`,
      '|---|---:|---:|---:|',
      `| every line | ${lines.length} | ${bytes(lines)} | ${all.toFixed(2)} |`,
      `| \`case\` lines (the steps' results) | ${caseLines.length} | ${bytes(caseLines)} | ${cases.toFixed(2)} |`,
      `| the others (hello, load, begin, unload, end) | ${otherLines.length} | ${bytes(otherLines)} | ${other.toFixed(2)} |`,
      '',
    ].join('\n'),
  );
  return { rounds: ROUNDS, repeat: REPEAT, lines: lines.length, caseLines: caseLines.length, perLineUs: all, perCaseLineUs: cases, perOtherLineUs: other };
}
