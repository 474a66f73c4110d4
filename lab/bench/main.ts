/**
 * `npm run bench`: wall-clock figures for the README, measured the way a user meets them (the real CLI in
 * a child process). Sections: `echo` (time to verdict, warm and cold, per phase, against the floor),
 * `workers` (the echo suite on 1 and 2 workers), `scale` (generated suites of 100, 1,000 and 10,000 cases),
 * `interrupt` (Ctrl-C to exit, in three phases), `build` (a build with nothing to do),
 * `fuzz` (lab fuzz against a hand-written loop of the same calls),
 * `monitor` (what watching the driver hosts costs a session and a case, and a crash's cost to the next case),
 * `decode` (decoding one result line of the guest runner, decode.ts).
 * `npm run bench -- echo` runs one section; figures print as a Markdown table and land in
 * reports/bench/<section>.json.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildDir, packageRoot } from '../package-root/package-root.js';
import { SAME_SIGNAL_MS } from '../cli/signals.js';
import { labCacheDir } from '../targets/wine/cache-dir.js';
import { ensureTemplate } from '../targets/wine/prefix-template.js';
import type { RunReport } from '../report/run-report.js';
import { decodeSection } from './decode.js';
import { writeCallsFile } from './fuzz-calls.js';

const ROOT = packageRoot();
const BUILD = buildDir();
const RUNS = Number(process.env.LAB_BENCH_RUNS ?? 5);

interface Timed {
  wallMs: number;
  report?: RunReport;
}

async function labRun(args: string[], env: Record<string, string> = {}): Promise<Timed> {
  const out = await mkdtemp(join(tmpdir(), 'lab-bench-'));
  const start = performance.now();
  const result = await execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), 'run', ...args, '--out', out], {
    cwd: ROOT,
    reject: false,
    env: { CI: '1', ...env },
  });
  const wallMs = performance.now() - start;
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new Error(`lab run ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as RunReport;
  await rm(out, { recursive: true, force: true });
  return { wallMs, report };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function echoSection(): Promise<Record<string, unknown>> {
  const suite = ['suites/echo.yaml', '--reporter', 'json', 'junit', 'html', 'summary'];
  await labRun(suite); // Warms the template cache and the page cache.
  const warm: Timed[] = [];
  for (let i = 0; i < RUNS; i++) warm.push(await labRun(suite));

  const coldCache = await mkdtemp(join(tmpdir(), 'lab-bench-cold-'));
  const cold = await labRun(suite, { LAB_CACHE_DIR: coldCache });
  await rm(coldCache, { recursive: true, force: true });

  // The floor: the same Wine work (fresh prefix, same plan, one session) with no orchestration.
  const planDir = await mkdtemp(join(tmpdir(), 'lab-bench-plan-'));
  await execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), 'run', ...suite, '--out', planDir], { cwd: ROOT, reject: false, env: { CI: '1' } });
  const template = await ensureTemplate({ cacheDir: labCacheDir() });
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await execa(join(ROOT, 'lab', 'bench', 'floor.sh'), [template, join(planDir, 'plan.txt'), BUILD, join(BUILD, 'objdev.sys'), 'objdev']);
    floor.push(performance.now() - start);
  }
  await rm(planDir, { recursive: true, force: true });

  const warmMs = median(warm.map((w) => w.wallMs));
  const floorMs = median(floor);
  const phases = ['prepare', 'deploy', 'load', 'execute', 'collect', 'report'];
  const phaseMedian = Object.fromEntries(phases.map((p) => [p, median(warm.map((w) => w.report?.timings[p] ?? 0))]));
  const cases = warm[0]?.report?.summary.total ?? 0;
  const rows = [
    `| echo suite (${cases} cases) | wall | ${phases.join(' | ')} |`,
    `|---|---:|${phases.map(() => '---:').join('|')}|`,
    `| warm, median of ${RUNS} | ${s(warmMs)} | ${phases.map((p) => `${phaseMedian[p]} ms`).join(' | ')} |`,
    `| cold (no cached prefix) | ${s(cold.wallMs)} | ${phases.map((p) => `${cold.report?.timings[p] ?? 0} ms`).join(' | ')} |`,
    `| floor (floor.sh, same Wine work), median of ${RUNS} | ${s(floorMs)} | | | | | | |`,
    '',
    `warm / floor = ${(warmMs / floorMs).toFixed(2)}`,
  ];
  process.stdout.write(`${rows.join('\n')}\n`);
  return {
    cases,
    runs: RUNS,
    warmMs,
    warmRunsMs: warm.map((w) => w.wallMs),
    coldMs: cold.wallMs,
    coldTimings: cold.report?.timings,
    floorMs,
    floorRunsMs: floor,
    ratio: warmMs / floorMs,
    phaseMedianMs: phaseMedian,
  };
}

/** The echo suite on 1 and 2 workers (2 Wine prefixes at once). */
async function workersSection(): Promise<Record<string, unknown>> {
  const suite = ['suites/echo.yaml', '--reporter', 'json'];
  const one: number[] = [];
  const two: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    one.push((await labRun(suite)).wallMs);
    two.push((await labRun([...suite, '--workers', '2'])).wallMs);
  }
  const [m1, m2] = [median(one), median(two)];
  process.stdout.write(
    `| echo suite | wall, median of ${RUNS} |\n|---|---:|\n| 1 worker | ${s(m1)} |\n| 2 workers | ${s(m2)} |\n\nspeed-up = ${(m1 / m2).toFixed(2)}\n`,
  );
  return { oneWorkerMs: m1, twoWorkersMs: m2, speedup: m1 / m2, oneRunsMs: one, twoRunsMs: two };
}

/** A generated suite of n cases (REFLECT + READ each): how the run grows with the number of cases. */
let suitesDir: string | undefined;
async function generatedSuite(n: number): Promise<string> {
  suitesDir ??= await mkdtemp(join(tmpdir(), 'lab-bench-suite-'));
  const file = join(suitesDir, `scale-${n}.yaml`);
  await writeFile(
    file,
    `suite: scale\ndriver: { image: ${join(BUILD, 'objdev.sys')}, service: objdev, device: '\\\\.\\object_device', log: 'C:\\objdev.log' }\n` +
      `ioctls:\n  REFLECT: { function: 0x801 }\n  READ: { function: 0x802 }\n` +
      `cases:\n  - name: echo\n    matrix: { i: { range: { from: 1, to: ${n} } } }\n` +
      `    steps:\n` +
      `      - { ioctl: REFLECT, label: put, input: { repeat: '\${i % 256}', length: 64 }, expect: { error: 0 } }\n` +
      `      - { ioctl: READ, outLength: 1024, expect: { error: 0, bytesReturned: 64, output: { sameAs: put } } }\n`,
  );
  return file;
}

async function scaleSection(): Promise<Record<string, unknown>> {
  const rows: Array<Record<string, number>> = [];
  const lines = ['| cases | workers | wall | cases/s | execute | report | orchestrator CPU per case | peak RSS |', '|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const [n, workers] of [
    [100, 1],
    [1000, 1],
    [10_000, 1],
    [10_000, 2],
  ] as const) {
    const suite = await generatedSuite(n);
    const runs: Timed[] = [];
    for (let i = 0; i < Math.min(RUNS, n >= 10_000 ? 3 : RUNS); i++)
      runs.push(await labRun([suite, '--reporter', 'json', 'junit', 'html', 'summary', '--workers', String(workers)]));
    const mid = runs.sort((a, b) => a.wallMs - b.wallMs)[Math.floor(runs.length / 2)]!;
    const r = mid.report!;
    const row = {
      cases: n,
      workers,
      wallMs: mid.wallMs,
      casesPerSecond: n / (mid.wallMs / 1000),
      executeMs: r.timings.execute ?? 0,
      reportMs: r.timings.report ?? 0,
      cpuUsPerCase: ((r.resources?.cpuMs ?? 0) * 1000) / n,
      maxRssMb: r.resources?.maxRssMb ?? 0,
    };
    rows.push(row);
    lines.push(
      `| ${n} | ${workers} | ${s(row.wallMs)} | ${row.casesPerSecond.toFixed(0)} | ${s(row.executeMs)} | ${s(row.reportMs)} | ${row.cpuUsPerCase.toFixed(0)} µs | ${row.maxRssMb} MB |`,
    );
  }
  // What lab adds per case, in wall time: the 10,000-case run against the floor script doing the same
  // Wine work (the plan of that run, one session, no orchestration).
  const suite = await generatedSuite(10_000);
  const planDir = await mkdtemp(join(tmpdir(), 'lab-bench-plan-'));
  await execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), 'run', suite, '--reporter', 'json', '--out', planDir], {
    cwd: ROOT,
    reject: false,
    env: { CI: '1' },
  });
  const labJsonOnly = JSON.parse(await readFile(join(planDir, 'report.json'), 'utf8')) as RunReport;
  const template = await ensureTemplate({ cacheDir: labCacheDir() });
  const start = performance.now();
  await execa(join(ROOT, 'lab', 'bench', 'floor.sh'), [template, join(planDir, 'plan.txt'), BUILD, join(BUILD, 'objdev.sys'), 'objdev']);
  const floorMs = performance.now() - start;
  const labMs = labJsonOnly.durationMs;
  await rm(planDir, { recursive: true, force: true });
  lines.push(
    '',
    `10,000 cases, report.json only: lab ${s(labMs)} (run duration) against the floor ${s(floorMs)}: lab adds ${(((labMs - floorMs) * 1000) / 10_000).toFixed(0)} µs per case of wall time`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return { rows, floor10kMs: floorMs, lab10kJsonOnlyMs: labMs, wallOverheadUsPerCase: ((labMs - floorMs) * 1000) / 10_000 };
}

/** SIGINT once `ready` matches the run's output (and again once `again` does): ms from the last signal to the exit. */
async function interruptedRun(args: string[], ready: RegExp, again?: RegExp): Promise<{ ms: number; exitCode: number | undefined }> {
  const out = await mkdtemp(join(tmpdir(), 'lab-bench-int-'));
  const child = execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), 'run', ...args, '--out', out], {
    cwd: ROOT,
    reject: false,
    buffer: false,
    env: { CI: '1' },
  });
  let text = '';
  let signalledAt = 0;
  const signal = () => {
    signalledAt = performance.now();
    child.kill('SIGINT');
  };
  let stage = 0;
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    if (stage === 0 && ready.test(text)) {
      stage = 1;
      signal();
    } else if (stage === 1 && again?.test(text)) {
      stage = 2;
      // Signals within SAME_SIGNAL_MS of the first are the same interruption; a person's second press comes later.
      setTimeout(signal, SAME_SIGNAL_MS + 200);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const result = await child;
  const ms = performance.now() - signalledAt;
  await rm(out, { recursive: true, force: true });
  return { ms, exitCode: result.exitCode };
}

/** Ctrl-C to exit (the tests assert that it never waits for the work it interrupts; here, how long it takes). */
async function interruptSection(): Promise<Record<string, unknown>> {
  const hang = join(BUILD, 'mutants', 'hang-on-length.sys');
  const phases: Array<[string, () => Promise<{ ms: number; exitCode: number | undefined }>]> = [
    ['while the driver loads', () => interruptedRun(['suites/echo.yaml'], /lab: execute/)],
    ['while cases run', () => interruptedRun(['suites/echo.yaml', '--driver', hang], /cases done/)],
    ['a second Ctrl-C', () => interruptedRun(['suites/echo.yaml', '--driver', hang], /cases done/, /press Ctrl-C again/)],
  ];
  const lines = [`| Ctrl-C | to exit, median of ${RUNS} |`, '|---|---:|'];
  const figures: Record<string, number> = {};
  for (const [name, run] of phases) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { ms, exitCode } = await run();
      if (exitCode !== 130) throw new Error(`${name}: lab run exited ${exitCode}, expected 130`);
      times.push(ms);
    }
    figures[name] = median(times);
    lines.push(`| ${name} | ${Math.round(median(times))} ms |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return { medianMs: figures };
}

/** A build with nothing to do: `npm run build` (tsc -b, the pages, make) and make alone. */
async function buildSection(): Promise<Record<string, unknown>> {
  const time = async (file: string, args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await execa(file, args, { cwd: ROOT });
      times.push(performance.now() - start);
    }
    return median(times);
  };
  await execa('npm', ['run', '-s', 'build'], { cwd: ROOT });
  const npmMs = await time('npm', ['run', '-s', 'build']);
  const makeMs = await time('make', ['-s', '-C', 'driver']);
  process.stdout.write(
    `| no-op build | median of ${RUNS} |\n|---|---:|\n| npm run build | ${Math.round(npmMs)} ms |\n| make -C driver | ${Math.round(makeMs)} ms |\n`,
  );
  return { npmRunBuildMs: npmMs, makeMs };
}

/**
 * `lab fuzz` against a hand-written loop of the same calls (driver/bench/ioctl-loop.c) in a prefix made the
 * same way, each pair run back to back so both meet the same machine. The loop runs three ways
 * (fuzz-loop.sh): bare (the driver's DbgPrints thrown away: what a user's own loop gets), watched (lab-monitor
 * attached, the DbgPrint lines captured the way lab captures them), and with a debug event per DbgPrint
 * (lab's way before). Two figures each: the whole command (Node, the prefix, Wine's start, the load, the
 * reports, against the loop's whole session), and the calls alone (from the first batch's begin marker to
 * the last one's end in dbgview.log, against the loop's own timer). Without threads (the loop makes its
 * calls from one thread), on the project's driver (nothing to shrink), which prints a line per IOCTL.
 */
async function fuzzSection(): Promise<Record<string, unknown>> {
  const calls = Number(process.env.LAB_BENCH_FUZZ_CALLS ?? 60_000);
  await execa('make', ['-s', '-C', join(ROOT, 'driver'), 'bench']);
  const template = await ensureTemplate({ cacheDir: labCacheDir() });
  const work = await mkdtemp(join(tmpdir(), 'lab-bench-fuzz-'));
  const loadBefore = loadavg()[0]!;
  type Loop = { wallMs: number; callsMs: number; printed?: number };
  const rows: Array<{ calls: number; lab: Loop; bare: Loop; watched: Loop; events: Loop }> = [];
  const loop = async (mode: 'bare' | 'watched' | 'events', callsFile: string): Promise<Loop> => {
    const start = performance.now();
    const run = await execa(join(ROOT, 'lab', 'bench', 'fuzz-loop.sh'), [
      mode,
      template,
      callsFile,
      BUILD,
      join(BUILD, 'objdev.sys'),
      'objdev',
      '\\\\.\\object_device',
    ]);
    const wallMs = performance.now() - start;
    const m = /^calls \d+ us (\d+) opened \d+ failed-opens 0 ioctls \d+/m.exec(run.stdout);
    if (!m) throw new Error(`the loop (${mode}) did not make its calls: ${run.stdout} ${run.stderr}`);
    const printed = /^printed (\d+)/m.exec(run.stdout);
    return { wallMs, callsMs: Number(m[1]) / 1000, ...(printed ? { printed: Number(printed[1]) } : {}) };
  };
  const labRun = async (i: number): Promise<{ calls: number; run: Loop; out: string }> => {
    const out = join(work, `run-${i}`);
    const start = performance.now();
    const lab = await execa(
      'node',
      [join(ROOT, 'lab', 'bin', 'lab.js'), 'fuzz', 'suites/echo.yaml', '--seed', '7', '--budget', `${calls} calls`, '--no-threads', '--out', out],
      { cwd: ROOT, reject: false, env: { CI: '1' } },
    );
    const wallMs = performance.now() - start;
    if (lab.exitCode !== 0) throw new Error(`lab fuzz exited ${lab.exitCode}: ${lab.stdout}\n${lab.stderr}`);
    const report = JSON.parse(await readFile(join(out, 'fuzz.json'), 'utf8')) as { exploration: { calls: number } };
    const log = await readFile(join(out, 'dbgview.log'), 'utf8');
    return { calls: report.exploration.calls, run: { wallMs, callsMs: markerSpanMs(log), printed: kernelLines(log) }, out };
  };
  try {
    // A first run (not counted) warms the caches and gives the calls the loop makes: the same every run (seed 7).
    const first = await labRun(-1);
    const callsFile = join(work, 'calls.txt');
    await writeCallsFile(join(ROOT, 'suites', 'echo.yaml'), first.out, callsFile);
    for (let i = 0; i < RUNS; i++) {
      // Each run in another order, so none of the four always follows the slowest.
      const row: Partial<Record<(typeof WAYS)[number], Loop>> & { calls?: number } = {};
      for (let k = 0; k < WAYS.length; k++) {
        const way = WAYS[(i + k) % WAYS.length]!;
        if (way === 'lab') {
          const lab = await labRun(i);
          await rm(lab.out, { recursive: true, force: true });
          row.calls = lab.calls;
          row.lab = lab.run;
        } else {
          row[way] = await loop(way, callsFile);
        }
      }
      rows.push(row as (typeof rows)[number]);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const loadAfter = loadavg()[0]!;
  const rate = (n: number, ms: number) => (n / ms) * 1000;
  const names: Record<(typeof WAYS)[number], string> = {
    lab: 'lab fuzz (seed 7, --no-threads)',
    bare: 'the loop, bare (DbgPrint thrown away)',
    watched: 'the loop under lab-monitor (DbgPrint captured as lab captures it)',
    events: 'the loop under lab-monitor, a debug event per DbgPrint (lab before)',
  };
  /** Rate of `of` over rate of `to`, pair by pair (the same calls: the inverse ratio of their times). */
  const ratios = (to: 'bare' | 'watched', key: 'wallMs' | 'callsMs', of: (typeof WAYS)[number] = 'lab') => rows.map((r) => r[to][key] / r[of][key]);
  const range = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)} to ${Math.max(...xs).toFixed(2)})`;
  const lines = [
    `| ${calls.toLocaleString('en')} calls, median of ${RUNS} runs | calls/s, whole command | calls/s, calls alone | DbgPrint lines captured |`,
    '|---|---:|---:|---:|',
    ...WAYS.map(
      (w) =>
        `| ${names[w]} | ${median(rows.map((r) => rate(r.calls, r[w].wallMs))).toFixed(0)} ` +
        `| ${median(rows.map((r) => rate(r.calls, r[w].callsMs))).toFixed(0)} ` +
        `| ${w === 'bare' ? 'none' : median(rows.map((r) => r[w].printed ?? 0))} |`,
    ),
    '',
    `lab fuzz / bare loop, pair by pair: calls alone ${range(ratios('bare', 'callsMs'))}, whole command ${range(ratios('bare', 'wallMs'))}`,
    `lab fuzz / the loop with DbgPrint captured the same way: calls alone ${range(ratios('watched', 'callsMs'))}, whole command ${range(ratios('watched', 'wallMs'))}`,
    `what capturing DbgPrint costs the loop itself (the loop capturing / bare): calls alone ${range(ratios('bare', 'callsMs', 'watched'))}`,
    `load average (1 min): ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return {
    calls,
    runs: rows,
    loadBefore,
    loadAfter,
    ratioToBare: { calls: median(ratios('bare', 'callsMs')), wall: median(ratios('bare', 'wallMs')) },
    ratioToWatched: { calls: median(ratios('watched', 'callsMs')), wall: median(ratios('watched', 'wallMs')) },
    captureCost: median(ratios('bare', 'callsMs', 'watched')),
  };
}

const WAYS = ['lab', 'bare', 'watched', 'events'] as const;

/** DbgPrint lines in a dbgview.log: the lines that are neither a user-mode program's (`[pid] `) nor the target's. */
function kernelLines(log: string): number {
  return log.split('\n').filter((l) => /^\d+\t[\d:.]+\t(?!\[)/.test(l)).length;
}

/** From the first case-begin marker to the last case-end marker of a dbgview.log, in ms (its clock has 1 ms steps). */
function markerSpanMs(log: string): number {
  const at = (line: string) => {
    const m = /^\d+\t(\d+):(\d+):(\d+\.\d+)\t/.exec(line);
    return m ? (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 : undefined;
  };
  const lines = log.split('\n');
  const first = lines.find((l) => l.includes('lab: case-begin'));
  const last = [...lines].reverse().find((l) => l.includes('lab: case-end'));
  const a = first ? at(first) : undefined;
  const z = last ? at(last) : undefined;
  if (a === undefined || z === undefined || z <= a) throw new Error('dbgview.log has no case markers to time the calls by');
  return z - a;
}

/** The plan lab writes for a generated suite of n cases (for the floor script to run). */
async function planOf(n: number): Promise<{ plan: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-bench-plan-'));
  await execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), 'run', await generatedSuite(n), '--reporter', 'json', '--out', dir], {
    cwd: ROOT,
    reject: false,
    env: { CI: '1' },
  });
  return { plan: join(dir, 'plan.txt'), dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * What the Wine target's watch over the driver hosts costs (lab-monitor, driver/monitor/): the same plan
 * run by floor.sh without and with it, on 1 case (the session's fixed cost: the anchor host, the attach)
 * and on 1,000 (the cost per case: every DbgPrint is a debug event); and from a crash to the next case
 * (the crash-on-length mutant: the monitor's report of the host's end to the next case's begin marker).
 */
async function monitorSection(): Promise<Record<string, unknown>> {
  const template = await ensureTemplate({ cacheDir: labCacheDir() });
  const floor = async (plan: string, watched: boolean) => {
    const start = performance.now();
    await execa(join(ROOT, 'lab', 'bench', 'floor.sh'), [template, plan, BUILD, join(BUILD, 'objdev.sys'), ...(watched ? ['objdev'] : [])]);
    return performance.now() - start;
  };
  const sized: Record<number, { bare: number; watched: number }> = {};
  for (const n of [1, 1000]) {
    const { plan, dispose } = await planOf(n);
    const bare: number[] = [];
    const watched: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(await floor(plan, false));
      watched.push(await floor(plan, true));
    }
    await dispose();
    sized[n] = { bare: median(bare), watched: median(watched) };
  }
  const fixedMs = sized[1]!.watched - sized[1]!.bare;
  const perCaseUs = ((sized[1000]!.watched - sized[1000]!.bare - fixedMs) * 1000) / 999;

  const gaps: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = await mkdtemp(join(tmpdir(), 'lab-bench-crash-'));
    await execa(
      'node',
      [
        join(ROOT, 'lab', 'bin', 'lab.js'),
        'run',
        'suites/echo.yaml',
        '--driver',
        join(BUILD, 'mutants', 'crash-on-length.sys'),
        '--reporter',
        'json',
        '--out',
        out,
      ],
      { cwd: ROOT, reject: false, env: { CI: '1' } },
    );
    const lines = (await readFile(join(out, 'dbgview.log'), 'utf8')).split('\n');
    await rm(out, { recursive: true, force: true });
    const at = (line: string | undefined) => {
      const [h, m, sec] = (line?.split('\t')[1] ?? '').split(':').map(Number);
      return ((h! * 60 + m!) * 60 + sec!) * 1000;
    };
    // The next case that counts is the one after the crashed case, in the session after the revert: its
    // last begin marker (the dead session's runner may have begun it too).
    const crash = lines.findIndex((l) => l.includes('is ending:'));
    const crashed = [
      ...lines
        .slice(0, crash)
        .join('\n')
        .matchAll(/ lab: case-begin (\d+) /g),
    ].at(-1)?.[1];
    const next = lines.findLastIndex((l) => l.includes(` lab: case-begin ${Number(crashed) + 1} `));
    if (crash >= 0 && crashed !== undefined && next > crash) gaps.push(at(lines[next]) - at(lines[crash]));
  }
  const crashToNextMs = median(gaps);
  process.stdout.write(
    [
      `| floor.sh (objdev, REFLECT + READ per case), median of ${RUNS} | without lab-monitor | with it | difference |`,
      '|---|---:|---:|---:|',
      `| 1 case | ${s(sized[1]!.bare)} | ${s(sized[1]!.watched)} | ${fixedMs.toFixed(0)} ms |`,
      `| 1,000 cases | ${s(sized[1000]!.bare)} | ${s(sized[1000]!.watched)} | ${(sized[1000]!.watched - sized[1000]!.bare).toFixed(0)} ms |`,
      '',
      `per session: ${fixedMs.toFixed(0)} ms; per case: ${perCaseUs.toFixed(0)} µs; from a crash to the next case: ${s(crashToNextMs)} (median of ${gaps.length})`,
      '',
    ].join('\n'),
  );
  return { runs: RUNS, sized, sessionMs: fixedMs, perCaseUs, crashToNextMs, crashToNextRunsMs: gaps };
}

const SECTIONS: Record<string, () => Promise<Record<string, unknown>>> = {
  echo: echoSection,
  workers: workersSection,
  scale: scaleSection,
  monitor: monitorSection,
  interrupt: interruptSection,
  build: buildSection,
  fuzz: fuzzSection,
  decode: decodeSection,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(SECTIONS);
  const outDir = join(ROOT, 'reports', 'bench');
  await mkdir(outDir, { recursive: true });
  for (const name of names) {
    const section = SECTIONS[name];
    if (!section) throw new Error(`unknown bench section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.stdout.write(`\n## ${name}\n\n`);
    const figures = await section();
    await writeFile(join(outDir, `${name}.json`), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, ...figures }, null, 2)}\n`);
  }
}

try {
  await main();
} finally {
  if (suitesDir) await rm(suitesDir, { recursive: true, force: true });
}
