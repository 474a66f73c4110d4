/**
 * lab fuzz under real Wine, against the project's driver and its mutants (driver/kernel/mutants.json): the
 * defects are found from a fixed seed within a 30 s budget and shrunk to their one call, the case written
 * for each fails on the mutant and passes on the driver, the driver itself gives no finding, and --replay
 * sends the same calls again byte for byte.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FuzzReport } from '../fuzz/fuzz-report.js';
import { tempDir } from '../testing/temp-dir.js';
import { BUILD, lab } from './run-lab.js';

let work: string;
beforeAll(async () => {
  work = await tempDir('fuzz-e2e');
});

const mutant = (name: string) => join(BUILD, 'mutants', `${name}.sys`);
const readFuzz = async (out: string) => JSON.parse(await readFile(join(out, 'fuzz.json'), 'utf8')) as FuzzReport;

async function fuzz(name: string, args: string[]) {
  const out = join(work, name);
  const r = await lab(['fuzz', 'suites/echo.yaml', '--out', out, ...args], { timeoutMs: 300_000 });
  return { out, r, report: await readFuzz(out).catch(() => undefined) };
}

/** The single call of a minimized case, as findings.yaml writes it. */
function onlyCall(yaml: string): { ioctl: string; inLength?: number; outLength?: number } {
  const calls = yaml.match(/- ioctl: /g) ?? [];
  expect(calls, yaml).toHaveLength(1);
  const ioctl = /- ioctl: (\S+)/.exec(yaml)![1]!;
  const inLength = /input: \{ (?:[^}]*, )?length: (\d+) \}/.exec(yaml)?.[1];
  const outLength = /outLength: (\d+)/.exec(yaml)?.[1];
  return { ioctl, ...(inLength ? { inLength: Number(inLength) } : {}), ...(outLength ? { outLength: Number(outLength) } : {}) };
}

describe.concurrent('lab fuzz on Wine', () => {
  it('finds the READ over-read of the original demo within 30 s, as one READ at about the shortest output that crashes; the case fails on it and passes on objdev', async () => {
    const { out, r, report } = await fuzz('original-demo', ['--driver', mutant('original-demo'), '--seed', '7', '--budget', '30s']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    const f = report!.findings.find((x) => x.kind === 'crash' && /- ioctl: READ/.test(x.minimized.yaml));
    expect(f, JSON.stringify(report!.findings.map((x) => x.summary))).toBeDefined();
    expect(f!.confirmed).toBe(true);
    expect(report!.seed).toBe(7);
    const call = onlyCall(f!.minimized.yaml);
    expect(call.inLength ?? 0).toBe(0);
    const edge = call.outLength!;
    expect(edge).toBeGreaterThan(1024);
    expect(edge).toBeLessThan(65536);
    // The case as written fails on the mutant and passes once the defect is fixed (the project's driver).
    const findings = join(out, 'findings.yaml');
    const onMutant = await lab(['run', findings, '--out', join(work, 'od-run-mutant'), '--reporter', 'json']);
    expect(onMutant.exitCode).toBe(1);
    const onDriver = await lab(['run', findings, '--driver', join(BUILD, 'objdev.sys'), '--out', join(work, 'od-run-driver'), '--reporter', 'json']);
    expect(onDriver.exitCode, onDriver.stdout).toBe(0);
    // About the shortest: one byte less does not crash.
    const shorter = join(work, 'shorter.yaml');
    await writeFile(
      shorter,
      (await readFile(findings, 'utf8'))
        .replace(`outLength: ${edge}\n`, `outLength: ${edge - 1}\n`)
        .replace(/image: "([^"]+)"/, (_, p: string) => `image: "${join(out, p)}"`),
    );
    const below = await lab(['run', shorter, '--filter', f!.id, '--out', join(work, 'od-run-shorter'), '--reporter', 'json']);
    expect(below.exitCode, below.stdout).toBe(0);
    // The report shows it.
    const html = await readFile(join(out, 'fuzz.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
  }, 400_000);

  it('finds crash-on-length and shrinks it to one REFLECT of 666 bytes', async () => {
    const { r, report } = await fuzz('crash-on-length', ['--driver', mutant('crash-on-length'), '--seed', '7', '--budget', '30s']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    const crashes = report!.findings.filter((x) => x.kind === 'crash');
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.site).toMatch(/^crash-on-length\.sys\+0x[0-9a-f]+$/);
    expect(onlyCall(crashes[0]!.minimized.yaml)).toEqual({ ioctl: 'REFLECT', inLength: 666 });
    expect(crashes[0]!.confirmed).toBe(true);
  }, 400_000);

  it('finds hang-on-length and shrinks it to one REFLECT of 777 bytes', async () => {
    const { r, report } = await fuzz('hang-on-length', ['--driver', mutant('hang-on-length'), '--seed', '7', '--budget', '30s']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    const hangs = report!.findings.filter((x) => x.kind === 'hang');
    expect(hangs).toHaveLength(1);
    expect(onlyCall(hangs[0]!.minimized.yaml)).toEqual({ ioctl: 'REFLECT', inLength: 777 });
    expect(hangs[0]!.minimized.yaml).toMatch(/timeoutMs: \d+/);
    expect(hangs[0]!.confirmed).toBe(true);
  }, 400_000);

  it("on the project's driver, a 30 s budget ends with no finding and exit 0", async () => {
    const { out, r, report } = await fuzz('objdev', ['--seed', '7', '--budget', '30s']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(report!.status).toBe('clean');
    expect(report!.findings).toEqual([]);
    // How far 30 s get depends on the machine; the first batch (the suite's own calls) always runs: REFLECT
    // answered success on the read-write handle, and the I/O manager refused it on the read-only one.
    const reflect = report!.coverage.find((c) => c.code === 0x22e004 && c.handle === 'rw')!;
    expect(reflect.name).toBe('REFLECT');
    expect(reflect.answers['0x00000000']).toBeGreaterThan(0);
    expect(report!.coverage.find((c) => c.code === 0x22e004 && c.handle === 'r')!.answers['0xC0000022']).toBeGreaterThan(0);
    await expect(readFile(join(out, 'findings.yaml'))).rejects.toThrowError(/ENOENT/);
    expect(r.stdout).toMatch(/lab fuzz: CLEAN: [\d,]+ calls in [\d.]+ s \([\d,]+\/s\), [\d,]+ codes, 0 findings; seed 7/);
  }, 400_000);

  it('a driver image that is not a driver: one warning saying why, no finding, exit 1 (as lab run)', async () => {
    const image = join(work, 'not-a-driver.sys');
    await writeFile(image, await readFile(join(BUILD, 'objdev-echo.exe')));
    const { r, report } = await fuzz('no-load', ['--driver', image, '--seed', '1', '--budget', '5s']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(report!.status).toBe('error');
    expect(report!.error?.code).toBe('LAB_FUZZ_NO_LOAD');
    expect(report!.findings).toEqual([]);
    expect(r.stdout.match(/warning:/g)).toHaveLength(1);
    expect(r.stdout).toMatch(/is not a kernel driver/);
    expect(report!.error?.message).toMatch(/the --driver or the suite is wrong/);
  }, 120_000);

  it("--replay sends the same calls again byte for byte: the guest runner's results and the driver's log are the same", async () => {
    const first = await fuzz('replay-a', ['--seed', '11', '--budget', '3000 calls', '--no-threads']);
    expect(first.r.exitCode, first.r.stdout + first.r.stderr).toBe(0);
    const again = await fuzz('replay-b', ['--replay', first.out]);
    expect(again.r.exitCode, again.r.stdout + again.r.stderr).toBe(0);
    expect(again.report!.replayOf).toBeDefined();
    expect(again.report!.exploration.chunks).toEqual(first.report!.exploration.chunks);
    expect(again.report!.planDigest).toBe(first.report!.planDigest);
    const results = async (dir: string) =>
      (await readFile(join(dir, 'guest-output.jsonl'), 'utf8'))
        .split('\n')
        .filter((l) => l.startsWith('{"t":"case"'))
        // Times are the only thing that may differ.
        .map((l) => l.replace(/,"us":[\d.]+/g, ''));
    const a = await results(first.out);
    expect(a.length).toBeGreaterThan(10);
    expect(await results(again.out)).toEqual(a);
    expect(await readFile(join(again.out, 'collected', 'objdev.log'))).toEqual(await readFile(join(first.out, 'collected', 'objdev.log')));
    // Another seed is not a replay of that run.
    const wrong = await lab(['fuzz', 'suites/echo.yaml', '--seed', '12', '--replay', first.out, '--out', join(work, 'replay-c')]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/--seed 12: .* ran with seed 11/);
  }, 400_000);
});
