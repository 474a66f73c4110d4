import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackSshd, type LoopbackServer } from '../testing/loopback-ssh/loopback-sshd.js';
import { BUILD, readReport, ROOT } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

/**
 * Faults over SSH, as a user meets them: the connection dropping in the middle of a case, a driver crash
 * (which the loopback machine turns into a bugcheck: event 1001, a dump, a dropped connection), a target
 * that cannot be reached. Nothing that already finished may be lost.
 */
describe('SSH target faults (loopback OpenSSH server, Wine guest)', () => {
  let server: LoopbackServer;
  let inventory: string;
  let dir: string;
  const lab = (args: string[], env: Record<string, string> = {}) =>
    execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), ...args], {
      cwd: ROOT,
      reject: false,
      timeout: 240_000,
      env: { CI: '1', FORCE_COLOR: '0', LAB_INVENTORY: inventory, LAB_CACHE_DIR: join(dir, 'cache'), ...env },
    });

  const suite = async (name: string, middle: string, firstSteps = '      - { ioctl: REFLECT, input: { text: one }, expect: { error: 0 } }') => {
    const file = join(dir, `${name}.yaml`);
    await writeFile(
      file,
      `suite: ${name}
driver: { image: ${JSON.stringify(join(BUILD, 'objdev.sys'))}, service: objdev, device: '\\\\.\\object_device', log: 'C:\\objdev.log' }
ioctls:
  REFLECT: { function: 0x801, method: buffered, access: read-write }
  READ: { function: 0x802, method: buffered, access: read-write }
defaults: { timeoutMs: 30000 }
cases:
  - name: first
    steps:
${firstSteps}
${middle}
  - name: after
    steps:
      - { ioctl: REFLECT, input: { text: three }, expect: { error: 0 } }
      - { ioctl: READ, outLength: 16, expect: { error: 0, bytesReturned: 5, output: { text: three } } }
`,
    );
    return file;
  };

  /** Resolves once results.jsonl holds a result for this case index. */
  const caseDone = async (out: string, index: number) => {
    for (let i = 0; i < 600; i++) {
      const text = await readFile(join(out, 'results.jsonl'), 'utf8').catch(() => '');
      if (text.split('\n').some((l) => l.includes(`"index":${index},`))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`case ${index} never finished`);
  };

  beforeAll(async () => {
    server = await startLoopbackSshd({ dbgview: 'C:\\Tools\\Dbgview.exe' });
    dir = await tempDir('ssh-faults');
    inventory = await server.writeInventory({
      targets: {
        loopback: { kind: 'ssh', host: '127.0.0.1', ...server.connection(), dbgview: 'C:\\Tools\\Dbgview.exe', cleanPaths: ['C:\\objdev.log'] },
        patient: {
          kind: 'ssh',
          host: '127.0.0.1',
          ...server.connection({ reconnect: { attempts: 20, delayMs: 250 } }),
          dbgview: 'C:\\Tools\\Dbgview.exe',
          cleanPaths: ['C:\\objdev.log'],
        },
        nowhere: { kind: 'ssh', host: '127.0.0.1', ...server.connection({ port: 1 }) },
      },
    });
  }, 120_000);
  afterAll(async () => server?.stop());

  it('a connection dropped in the middle of a case: that case is a harness error, the one before stays passed, the one after runs on a cleaned machine', async () => {
    const file = await suite('drop', '  - name: slow\n    steps:\n      - { sleep: 8000 }');
    const out = join(dir, 'drop');
    const run = lab(['run', file, '--target', 'loopback', '--out', out]);
    await caseDone(out, 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(await server.dropRunnerConnections()).toBe(1);
    const result = await run;
    if (process.env.LAB_DEBUG_E2E) console.log(result.stderr, result.stdout, (await server.calls()).map((c) => `${c.time} ${c.line}`).join('\n'));
    const report = await readReport(out);
    const byName = Object.fromEntries(report.cases.map((c) => [c.name, c]));
    expect(byName.first?.status).toBe('passed');
    expect(byName.slow).toMatchObject({ status: 'error', blame: 'harness' });
    expect(byName.slow?.log?.debug.join('\n')).toMatch(/the SSH connection to .* was lost during the session.*\n.*no bugcheck since the run began/);
    expect(byName.after?.status).toBe('passed');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 120_000);

  it('a driver crash: the machine bugchecks, lab reconnects, finds event 1001, marks the case crashed with the stop code and copies the dump', async () => {
    const file = await suite(
      'crash',
      '  - name: crash here\n    steps:\n      - { ioctl: REFLECT, input: { repeat: 0x41, length: 666 }, expect: { error: 0 } }',
    );
    const out = join(dir, 'crash');
    const result = await lab(['run', file, '--target', 'loopback', '--out', out, '--driver', join(BUILD, 'mutants', 'crash-on-length.sys')]);
    if (process.env.LAB_DEBUG_E2E)
      console.log(result.exitCode, result.stderr, result.stdout, (await server.calls()).map((c) => `${c.time} ${c.line}`).join('\n'));
    const report = await readReport(out);
    const byName = Object.fromEntries(report.cases.map((c) => [c.name, c]));
    if (process.env.LAB_DEBUG_E2E)
      console.log(
        result.stderr,
        result.stdout,
        JSON.stringify(
          report.cases.map((c) => [c.name, c.status, c.message, c.log?.debug]),
          null,
          1,
        ),
        (await server.calls()).map((c) => `${c.time} ${c.line}`).join('\n'),
      );
    expect(byName.first?.status).toBe('passed');
    const crashed = byName['crash here']!;
    expect(crashed).toMatchObject({ status: 'crashed', blame: 'product' });
    expect(crashed.message).toMatch(/the driver crashed during this case: bugcheck 0x00000050 \(0x0000000000000000, 0x0000000000000002, /);
    expect(crashed.evidence?.backtrace).toMatch(/System event 1001 \(record \d+.*\) after the reboot/);
    expect(crashed.evidence?.dumpPath).toMatch(/MEMORY\.DMP$/);
    expect(await readFile(crashed.evidence!.dumpPath!, 'utf8')).toMatch(/^PAGEDU64 lab loopback shim: a simulated bugcheck's dump\nwine: Unhandled page fault/);
    expect(byName.after?.status).toBe('passed');
    expect(result.exitCode).toBe(1);
  }, 120_000);

  it('a crash while the DbgView log trails the guest: the crash goes to the case the log shows it in, never to the case before (lab read the log to its end first)', async () => {
    // The log reaches the file 700 ms late, so lab's last read before the machine went down showed the
    // first case open (it sleeps 1.5 s); its end marker and the next case's begin were written as the
    // machine stopped. Judged on that last read, the crash went to `first`.
    const file = await suite(
      'trailing',
      '  - name: crash here\n    steps:\n      - { ioctl: REFLECT, input: { repeat: 0x41, length: 666 }, expect: { error: 0 } }',
      '      - { ioctl: REFLECT, input: { text: one }, expect: { error: 0 } }\n      - { sleep: 1500 }',
    );
    const out = join(dir, 'trailing');
    await server.setDbgViewLag(700);
    const result = await lab(['run', file, '--target', 'loopback', '--out', out, '--driver', join(BUILD, 'mutants', 'crash-on-length.sys')]).finally(() =>
      server.setDbgViewLag(0),
    );
    const report = await readReport(out);
    if (process.env.LAB_DEBUG_E2E)
      console.log(
        result.stderr,
        result.stdout,
        JSON.stringify(
          report.cases.map((c) => [c.name, c.status, c.message, c.log?.debug]),
          null,
          1,
        ),
      );
    expect(report.cases.map((c) => `${c.name}:${c.status}`)).toEqual(['first:passed', 'crash here:crashed', 'after:passed']);
    const crashed = report.cases[1]!;
    expect(crashed.message).toMatch(/the driver crashed during this case: bugcheck 0x00000050 /);
    expect(crashed.log?.debug.join('\n')).toMatch(/lab: case-begin 1 trailing\/crash-here[\s\S]*the SSH connection .* was lost during the session/);
    expect(report.cases[0]!.log?.debug.join('\n')).not.toMatch(/bugcheck|was lost/);
    expect(result.exitCode).toBe(1);
  }, 120_000);

  it('the server itself away for a moment after the drop: lab retries (bounded), gets back in, and goes on', async () => {
    const file = await suite('pause', '  - name: slow\n    steps:\n      - { sleep: 8000 }');
    const out = join(dir, 'pause');
    const run = lab(['run', file, '--target', 'patient', '--out', out]);
    await caseDone(out, 0);
    await new Promise((r) => setTimeout(r, 500));
    await server.pauseListener();
    expect(await server.dropRunnerConnections()).toBe(1);
    await new Promise((r) => setTimeout(r, 1500));
    await server.resumeListener();
    const result = await run;
    const report = await readReport(out);
    expect(result.stderr).toMatch(/reconnecting \(attempt 1 of 20\)/);
    expect(report.cases.map((c) => `${c.name}:${c.status}`)).toEqual(['first:passed', 'slow:error', 'after:passed']);
  }, 120_000);

  it('a target that cannot be reached: exit 3, one line naming the host, the inventory entry and the fix', async () => {
    const result = await lab(['run', 'suites/echo.yaml', '--target', 'nowhere', '--out', join(dir, 'nowhere')]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      /127\.0\.0\.1:1 \(.*targets\.nowhere\): connection refused: nothing listens on port 1\. Fix: check host and port in the inventory/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }, 60_000);

  it('a target name the inventory does not have: exit 2, naming the targets it has', async () => {
    const result = await lab(['run', 'suites/echo.yaml', '--target', 'nosuch']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--target nosuch: expected `wine` or a target named in .*\(wine, loopback, patient, nowhere\)/);
  }, 60_000);
});
