import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import { createTarget } from '../targets/create-target.js';
import { labCacheDir } from '../targets/wine/cache-dir.js';
import { qemuPids } from '../targets/qemu/qemu-reaper.js';
import { BUILD, readReport, ROOT } from './run-lab.js';
import { qemuSkipReason, reactosEnv } from './reactos-image.js';
import { spawnLab } from './spawn-lab.js';

const statusOf = (report: RunReport) => Object.fromEntries(report.cases.filter((c) => c.status !== 'passed').map((c) => [c.id, c.status]));
const runsRoot = () => join(labCacheDir(), 'qemu', 'runs');

/**
 * The QEMU target against a real NT-compatible kernel: the ReactOS live CD under QEMU (TCG here). The
 * first test boots it once to the cached snapshot (about a minute); every later run starts from that
 * snapshot in seconds, so the whole file shares one boot.
 */
describe.skipIf(qemuSkipReason !== undefined)('the QEMU target on the ReactOS live CD', () => {
  const dirs: string[] = [];
  const out = async (name: string) => {
    const dir = await mkdtemp(join(tmpdir(), `lab-qemu-${name}-`));
    dirs.push(dir);
    return join(dir, 'run');
  };
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const live = spawnLab(args, { ...reactosEnv, ...env });
    const { exitCode } = await live.exited;
    return { exitCode, output: live.output() };
  };

  beforeAll(async () => {
    // The bugcheck fixture and the hang mutant, for i686 too.
    const made = await execa('make', ['-s', '-C', join(ROOT, 'driver'), 'fixtures', 'mutants'], { reject: false });
    expect(made.exitCode, made.stderr).toBe(0);
  }, 300_000);
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('boots once to a snapshot, answers through its agent, and a revert takes back what a run wrote', async () => {
    process.env.LAB_REACTOS_IMAGE = reactosEnv.LAB_REACTOS_IMAGE;
    const ref = await createTarget.resolve('reactos');
    expect(ref).toMatchObject({ kind: 'qemu', machine: 'i686', exclusiveMachine: false, observes: ['reactos'] });
    const runId = `qemu-test-${process.pid}`;
    const target = createTarget(ref, { runId, keep: false, toolsDir: BUILD });
    const local = join(await mkdtemp(join(tmpdir(), 'lab-qemu-put-')), 'hello.txt');
    dirs.push(join(local, '..'));
    await writeFile(local, 'written by the test\n'.repeat(100));
    try {
      await target.prepare();
      expect(target.describe()).toMatchObject({ accelerator: expect.stringMatching(/^(tcg|kvm) /), machine: 'i386, 1024 MiB, 1 CPU' });
      const guest = target.guestPath('hello.txt');
      await target.put(local, guest);
      expect((await target.readGuestFile(guest))?.toString()).toBe(await readFile(local, 'utf8'));
      expect((await target.readGuestFile(guest, 20, 39))?.toString()).toBe('written by the test');
      await target.revert();
      expect(await target.readGuestFile(guest)).toBeUndefined();
      expect(target.describe().lastRevert).toMatch(/^loadvm lab-clean and the agent's answer in \d+ ms$/);
    } finally {
      await target.dispose();
    }
    // This run's QEMU only: other runs (another lab, another test file) may share the cache.
    expect(qemuPids(join(runsRoot(), runId))).toEqual([]);
  }, 600_000);

  it('runs the echo suite: every case passes but the one ReactOS cannot show, which is skipped with why', async () => {
    const dir = await out('echo');
    const { exitCode, output } = await run(['run', 'suites/echo.yaml', '--target', 'reactos', '--out', dir]);
    expect(exitCode, output).toBe(0);
    const report = await readReport(dir);
    expect(report.summary).toMatchObject({ total: 60, passed: 59, skipped: 1, failed: 0, crashed: 0, hung: 0, error: 0 });
    expect(statusOf(report)).toEqual({ 'echo/second-instance-is-refused': 'skipped' });
    const dbgview = await readFile(join(dir, 'dbgview.log'), 'utf8');
    expect(dbgview).toMatch(/\tlab: case-begin 0 echo\/seed-exchange/);
    expect(dbgview).toMatch(/\tobjdev: IOCTL/);
    expect(dbgview).toMatch(/\t\[target\] reactos: /);
  }, 600_000);

  /** The echo suite against a driver that stops the machine on one case: only that case may be `crashed`. */
  const crashes = async (name: string, driver: string, caseId: string) => {
    const dir = await out(name);
    const { exitCode, output } = await run(['run', 'suites/echo.yaml', '--target', 'reactos', '--out', dir, '--driver', driver]);
    expect(exitCode, output).toBe(1);
    const report = await readReport(dir);
    expect(statusOf(report)).toEqual({ [caseId]: 'crashed', 'echo/second-instance-is-refused': 'skipped' });
    return report.cases.find((c) => c.status === 'crashed')!;
  };

  it("a bugcheck: only its case is crashed, with the kernel's report; every other case passes after the revert", async () => {
    const crashed = await crashes('bugcheck', join(BUILD, 'i686', 'fixtures', 'bugcheck-on-length.sys'), 'echo/reflect-length-far-past-the-buffer[len=2048]');
    expect(crashed.message).toMatch(/bugcheck in bugcheck-on-length\.sys/);
    expect(crashed.evidence?.backtrace).toMatch(/KeBugCheckEx/);
    expect(crashed.evidence?.backtrace).toMatch(/faulting module: bugcheck-on-length\.sys:[0-9a-f]+/);
  }, 600_000);

  it('a page fault in the driver: kdb stops on the unhandled exception, the case is crashed with its code', async () => {
    const crashed = await crashes('crash', join(BUILD, 'i686', 'mutants', 'crash-on-length.sys'), 'echo/reflect-length[len=666]');
    expect(crashed.message).toMatch(/unhandled kernel exception 0xC0000005 \(Page Fault\) in crash-on-length\.sys/);
  }, 600_000);

  it('a hang is bounded by the case timeout, then the machine is reverted and the rest pass', async () => {
    const dir = await out('hang');
    const { exitCode, output } = await run([
      'run',
      'suites/echo.yaml',
      '--target',
      'reactos',
      '--out',
      dir,
      '--timeout-case',
      '5000',
      '--driver',
      join(BUILD, 'i686', 'mutants', 'hang-on-length.sys'),
    ]);
    expect(exitCode, output).toBe(1);
    expect(statusOf(await readReport(dir))).toEqual({ 'echo/reflect-length[len=777]': 'hung', 'echo/second-instance-is-refused': 'skipped' });
  }, 600_000);

  it('Ctrl-C while cases run leaves no QEMU behind and the report interrupted', async () => {
    const dir = await out('int-cases');
    const live = spawnLab(
      ['run', 'suites/echo.yaml', '--target', 'reactos', '--out', dir, '--driver', join(BUILD, 'i686', 'mutants', 'hang-on-length.sys')],
      reactosEnv,
    );
    await live.waitFor(/cases done/, 300_000);
    live.child.kill('SIGINT');
    expect((await live.exited).exitCode).toBe(130);
    const report = await readReport(dir);
    expect(qemuPids(join(runsRoot(), report.runId))).toEqual([]);
    expect(report.status).toBe('interrupted');
  }, 600_000);

  it('Ctrl-C while the live CD boots leaves no QEMU behind and no half-made snapshot', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'lab-qemu-cold-'));
    dirs.push(cache);
    const dir = await out('int-boot');
    const live = spawnLab(['run', 'suites/echo.yaml', '--target', 'reactos', '--out', dir], { ...reactosEnv, LAB_CACHE_DIR: cache });
    await live.waitFor(/booting livecd-lab/, 300_000);
    await new Promise((r) => setTimeout(r, 3000));
    live.child.kill('SIGINT');
    expect((await live.exited).exitCode).toBe(130);
    expect(qemuPids(cache)).toEqual([]);
    const clean = await execa('find', [join(cache, 'qemu', 'clean'), '-name', 'disk.qcow2'], { reject: false });
    expect(clean.stdout.trim()).toBe('');
  }, 600_000);
});
