import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../report/run-report.js';
import { startLoopbackSshd, type LoopbackServer } from '../testing/loopback-ssh/loopback-sshd.js';
import { notPassed, readReport, ROOT } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

const HOSTILE_DIR = "C:\\lab dir\\it's & (weird) ^! $(x) `id` ;,=";
const SECRET = 'pw-Secr3t-\'"&|%PATH%-never-logged';

/** `lab run suites/echo.yaml --target <ssh entry>` as a user runs it, against the loopback OpenSSH server. */
describe('lab run suites/echo.yaml --target loopback (SSH)', () => {
  let server: LoopbackServer;
  let inventory: string;
  const lab = (args: string[], env: Record<string, string> = {}) =>
    execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), ...args], {
      cwd: ROOT,
      reject: false,
      timeout: 240_000,
      env: { CI: '1', FORCE_COLOR: '0', LAB_INVENTORY: inventory, ...env },
    });

  beforeAll(async () => {
    server = await startLoopbackSshd({ dbgview: 'C:\\Tools\\Dbgview.exe', debugPrintFilter: true });
    inventory = await server.writeInventory({
      targets: {
        loopback: { kind: 'ssh', host: '127.0.0.1', ...server.connection(), dbgview: 'C:\\Tools\\Dbgview.exe', cleanPaths: ['C:\\objdev.log'] },
        // Every character cmd.exe, PowerShell or a POSIX shell would act on that a Windows folder name allows.
        hostile: {
          kind: 'ssh',
          host: '127.0.0.1',
          ...server.connection(),
          guestDir: HOSTILE_DIR,
          dbgview: 'C:\\Tools\\Dbgview.exe',
          cleanPaths: ['C:\\objdev.log'],
        },
        secret: {
          kind: 'ssh',
          host: '127.0.0.1',
          ...server.connection({ auth: { keyFile: server.userKeyFile, passwordEnv: 'LAB_LOOPBACK_PASSWORD' } }),
          cleanPaths: ['C:\\objdev.log'],
        },
        'secret-unreachable': { kind: 'ssh', host: '127.0.0.1', ...server.connection({ port: 1, auth: { passwordEnv: 'LAB_LOOPBACK_PASSWORD' } }) },
      },
    });
  }, 120_000);
  afterAll(async () => server?.stop());

  it('passes every case over SSH, with the DbgView stream and the driver log sliced per case', async () => {
    const out = join(await tempDir('ssh-e2e'), 'run');
    const started = Date.now();
    const result = await lab(['run', 'suites/echo.yaml', '--target', 'loopback', '--out', out]);
    const wallMs = Date.now() - started;
    const report: RunReport = await readReport(out).catch(() => ({}) as RunReport);
    console.log(`echo suite over SSH: ${wallMs} ms wall, report durationMs ${report.durationMs}, timings ${JSON.stringify(report.timings)}`);
    if (process.env.LAB_DEBUG_E2E) {
      console.log((await server.calls()).map((c) => `${c.time} ${c.kind} ${c.line.slice(0, 150)}`).join('\n'));
      console.log(result.stderr, (await readFile(join(out, 'dbgview.log'), 'utf8').catch(() => 'no dbgview.log')).slice(0, 3000));
    }
    expect(result.stderr).toBe('');
    expect(notPassed(report)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(report.target).toBe('loopback');
    expect(report.targetKind).toBe('ssh');
    expect(report.targetInfo).toMatchObject({ host: '127.0.0.1', port: String(server.port), hostKey: `ssh-ed25519 ${server.hostKeyFingerprint}` });
    const seed = report.cases[0]!;
    expect(seed.log?.debug.join('\n')).toMatch(/\[\d+\] lab: case-begin 0 echo\/seed-exchange\n.*objdev: .*REFLECT.*\n.*objdev: .*READ.*\n.*lab: case-end 0/);
    expect(seed.log?.driverLog).toHaveLength(2);
    expect(await readFile(join(out, 'dbgview.log'), 'utf8')).toMatch(/objdev: DriverEntry/);
  }, 300_000);

  it('deploys and runs from a folder named with every shell-special character Windows allows: no injection anywhere', async () => {
    const out = join(await tempDir('ssh-hostile'), 'run');
    const result = await lab(['run', 'suites/echo.yaml', '--target', 'hostile', '--out', out, '--filter', 'seed-*', 'reflect-length[len=11]', 'unload*']);
    const report = await readReport(out);
    if (process.env.LAB_DEBUG_E2E)
      console.log(result.stdout, result.stderr, JSON.stringify(report.cases.slice(0, 2), null, 1), (await server.calls()).slice(-8));
    expect(result.stderr).toBe('');
    expect(notPassed(report)).toEqual([]);
    expect(report.summary.total).toBeGreaterThanOrEqual(3);
    expect(result.exitCode).toBe(0);
    const calls = await server.calls();
    const runner = calls.find((c) => c.argv?.[0]?.[0]?.endsWith('lab-guest.exe') && c.argv[0][0].startsWith('C:\\lab dir'));
    expect(runner?.argv?.[0]).toEqual([`${HOSTILE_DIR}\\lab-guest.exe`, `${HOSTILE_DIR}\\plan.txt`]);
    // The shim refuses any line where cmd.exe would have seen an operator or expanded a variable.
    expect(calls.filter((c) => c.kind === 'exec').every((c) => c.argv && c.argv.length >= 1)).toBe(true);
  }, 300_000);

  it('never writes a password from the environment into a report, a log or the terminal', async () => {
    const out = join(await tempDir('ssh-secret'), 'run');
    const ok = await lab(['run', 'suites/echo.yaml', '--target', 'secret', '--out', out, '--filter', 'seed-*'], { LAB_LOOPBACK_PASSWORD: SECRET });
    expect(ok.exitCode).toBe(0);
    const failed = await lab(['run', 'suites/echo.yaml', '--target', 'secret-unreachable', '--out', join(out, 'failed')], { LAB_LOOPBACK_PASSWORD: SECRET });
    expect(failed.exitCode).toBe(3);
    const doctor = await lab(['doctor', '--target', 'secret'], { LAB_LOOPBACK_PASSWORD: SECRET });
    const texts = [ok.stdout, ok.stderr, failed.stdout, failed.stderr, doctor.stdout, doctor.stderr];
    for (const file of await readdir(out, { recursive: true, withFileTypes: true })) {
      if (file.isFile()) texts.push(await readFile(join(file.parentPath, file.name), 'latin1'));
    }
    expect(texts.length).toBeGreaterThan(8);
    for (const text of texts) expect(text).not.toContain(SECRET);
  }, 300_000);

  it('forwards nothing of its own environment to the remote machine', async () => {
    const out = join(await tempDir('ssh-env'), 'run');
    const before = (await server.calls()).length;
    const run = await lab(['run', 'suites/echo.yaml', '--target', 'loopback', '--out', out, '--filter', 'seed-*'], {
      LAB_LEAK_PROBE: SECRET,
      LC_LAB_PROBE: SECRET,
    });
    expect(run.exitCode).toBe(0);
    const calls = (await server.calls()).slice(before);
    expect(calls.length).toBeGreaterThan(2);
    for (const call of calls) expect(call.env).not.toEqual(expect.arrayContaining(['LAB_LEAK_PROBE']));
    for (const call of calls) expect(call.env).not.toEqual(expect.arrayContaining(['LC_LAB_PROBE']));
    // Not vacuous: a client that sends a variable (OpenSSH's SendEnv) gets it through this server.
    const sent = await execa(
      'ssh',
      [
        '-i',
        server.userKeyFile,
        '-p',
        String(server.port),
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'SendEnv=LAB_LEAK_PROBE',
        `${server.user}@127.0.0.1`,
        'ver',
      ],
      { reject: false, env: { LAB_LEAK_PROBE: 'x' } },
    );
    expect(sent.exitCode).toBe(0);
    expect((await server.calls()).at(-1)?.env).toEqual(expect.arrayContaining(['LAB_LEAK_PROBE']));
  }, 300_000);

  it('lab doctor --target loopback: reachable, host key, test signing, Debug Print Filter, DbgView, folder, disk', async () => {
    const result = await lab(['doctor', '--target', 'loopback']);
    if (process.env.LAB_DEBUG_E2E) console.log(result.stdout, result.stderr);
    expect(result.stdout).toMatch(/lab doctor: target loopback \(ssh\)/);
    for (const line of [
      /✓ machine reachable over SSH: .*@127\.0\.0\.1:\d+/,
      new RegExp(`✓ machine host key: ssh-ed25519 ${server.hostKeyFingerprint.replace(/[+/]/g, '\\$&')} \\(matches the pinned fingerprint\\)`),
      /✓ machine Windows: Microsoft Windows/,
      /✓ machine test signing: on/,
      /✓ machine Debug Print Filter: DEFAULT = 0xffffffff/,
      /✓ machine cmd\.exe delayed expansion: off/,
      /✓ machine DbgView: C:\\Tools\\Dbgview\.exe/,
      /✓ machine guest folder: C:\\lab is writable/,
      /✓ machine free disk: [\d.]+ GB free on C:/,
    ])
      expect(result.stdout).toMatch(line);
    expect(result.exitCode).toBe(0);
  }, 120_000);
});
