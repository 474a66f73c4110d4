import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackSshd, type LoopbackServer } from '../testing/loopback-ssh/loopback-sshd.js';
import { BUILD, notPassed, readReport, ROOT } from './run-lab.js';
import { tempDir } from '../testing/temp-dir.js';

/**
 * The Hyper-V target's whole state machine (restore, boot, ready, deploy, run, crash, teardown, boot
 * timeout, a simulated bugcheck) driven against a Hyper-V host DOUBLE served over the loopback OpenSSH
 * server. Hyper-V itself is not exercised here: the double answers lab's generated PowerShell from a
 * simulated VM, and the VM's guest is the same Wine-backed loopback machine the SSH tests use.
 */
describe('Hyper-V target against the host double (not Hyper-V)', () => {
  let server: LoopbackServer;
  let inventory: string;
  let dir: string;
  // A VM name that would break out of any quoting lab got wrong: PowerShell quotes (curly too), a wildcard, cmd operators.
  const VM = "lab-win11 'x' \u2019; Stop-VM * -TurnOff; \u2018 & %PATH% $(id)";
  const lab = (args: string[]) =>
    execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), ...args], {
      cwd: ROOT,
      reject: false,
      timeout: 240_000,
      env: { CI: '1', FORCE_COLOR: '0', LAB_INVENTORY: inventory, LAB_CACHE_DIR: join(dir, 'cache') },
    });
  const ops = async () => (await server.double()).ops.map((o) => o.op);

  beforeAll(async () => {
    server = await startLoopbackSshd({ dbgview: 'C:\\Tools\\Dbgview.exe' });
    dir = await tempDir('hyperv-double');
    const guest = { ...server.connection(), dbgview: 'C:\\Tools\\Dbgview.exe', cleanPaths: ['C:\\objdev.log'] };
    delete (guest as Record<string, unknown>).reconnect;
    const vmEntry = (vm: string, extra: Record<string, unknown> = {}) => ({
      kind: 'hyperv',
      hypervHost: 'double',
      vm,
      checkpoint: 'lab-clean',
      bootTimeoutMs: 20_000,
      pollMs: 100,
      rebootTimeoutMs: 20_000,
      guest,
      ...extra,
    });
    inventory = await server.writeInventory({
      hypervHosts: { double: { ssh: { host: '127.0.0.1', ...server.connection() } } },
      targets: {
        vm: vmEntry(VM, { verifier: { flags: '0x9bb' } }),
        'vm-never-boots': vmEntry('never-boots', { bootTimeoutMs: 1500 }),
        'vm-no-checkpoint': vmEntry('lab-win10', { checkpoint: 'nope' }),
      },
    });
  }, 120_000);
  afterAll(async () => server?.stop());

  const play = () => server.playHyperv([{ name: VM, heartbeatAfterPolls: 3 }, { name: 'never-boots', neverBoots: true }, { name: 'lab-win10' }]);

  it('restores the checkpoint, boots, waits for heartbeat and address, turns Driver Verifier on, runs the echo suite, and tears down', async () => {
    await play();
    const out = join(dir, 'echo');
    const result = await lab(['run', 'suites/echo.yaml', '--target', 'vm', '--out', out]);
    const report = await readReport(out);
    expect(result.stderr).toMatch(/restoring VM .* to checkpoint 'lab-clean'/);
    expect(notPassed(report)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(report.targetKind).toBe('hyperv');
    expect(report.targetInfo).toMatchObject({ vm: VM, checkpoint: 'lab-clean', guestAddress: '127.0.0.1', verifierFlags: '0x9bb' });

    const double = await server.double();
    expect(double.ops[0]).toMatchObject({ op: 'restore', vm: VM, checkpoint: 'lab-clean' });
    expect(double.ops.map((o) => o.op)).toEqual(['restore', 'start', 'status', 'status', 'status', 'restore', 'turn-off']);
    const calls = await server.calls();
    const verifier = calls.findIndex((c) => c.argv?.[0]?.[0] === 'verifier');
    const runner = calls.findIndex((c) => c.argv?.[0]?.[0]?.endsWith('lab-guest.exe'));
    expect(calls[verifier]?.argv?.[0]).toEqual(['verifier', '/volatile', '/flags', '0x9bb', '/adddriver', 'objdev.sys']);
    expect(verifier).toBeGreaterThan(-1);
    expect(verifier).toBeLessThan(runner);
    // Every script the double received was lab's, sent as -EncodedCommand; the VM name came back intact from its literal.
    const scripts = calls.filter((c) => c.kind === 'powershell');
    expect(scripts.length).toBe(double.ops.length);
  }, 300_000);

  it('a simulated bugcheck: host sees event 18590 and a lost heartbeat, the guest reboots, event 1001 names the dump, which is copied before the checkpoint restore', async () => {
    await play();
    const suite = join(dir, 'crash.yaml');
    await writeFile(
      suite,
      `suite: crash
driver: { image: ${JSON.stringify(join(BUILD, 'objdev.sys'))}, service: objdev, device: '\\\\.\\object_device', log: 'C:\\objdev.log' }
ioctls: { REFLECT: { function: 0x801, method: buffered, access: read-write } }
cases:
  - { name: first, steps: [{ ioctl: REFLECT, input: { text: one }, expect: { error: 0 } }] }
  - { name: crash here, steps: [{ ioctl: REFLECT, input: { repeat: 0x41, length: 666 }, expect: { error: 0 } }] }
  - { name: after, steps: [{ ioctl: REFLECT, input: { text: three }, expect: { error: 0 } }] }
`,
    );
    const out = join(dir, 'crash');
    const result = await lab(['run', suite, '--target', 'vm', '--out', out, '--driver', join(BUILD, 'mutants', 'crash-on-length.sys')]);
    const report = await readReport(out);
    const byName = Object.fromEntries(report.cases.map((c) => [c.name, c]));
    expect(byName.first?.status).toBe('passed');
    const crashed = byName['crash here']!;
    expect(crashed).toMatchObject({ status: 'crashed', blame: 'product' });
    expect(crashed.message).toMatch(/the driver crashed during this case: bugcheck 0x50 \(0x0, 0x2, 0x[0-9A-F]+, 0x2\)/);
    expect(crashed.evidence?.backtrace).toMatch(/Hyper-V-Worker event 18590 at .*; System event 1001 \(record \d+/);
    expect(await readFile(crashed.evidence!.dumpPath!, 'utf8')).toMatch(/^PAGEDU64 lab loopback shim/);
    expect(byName.after?.status).toBe('passed');
    expect(result.exitCode).toBe(1);
    const sequence = (await ops()).join(' ');
    // Boot; the crash seen from the host (status + events), the reboot awaited; the revert restores; teardown.
    expect(sequence).toMatch(/^restore start (status ){3}status worker-events (status ){2,}restore start (status ){3}restore turn-off$/);
  }, 300_000);

  it('a VM that never reports a heartbeat: exit 3 after bootTimeoutMs, naming the VM, what it saw and the fix; the VM is turned off', async () => {
    await play();
    const result = await lab(['run', 'suites/echo.yaml', '--target', 'vm-never-boots', '--out', join(dir, 'never')]);
    if (process.env.LAB_DEBUG_E2E) console.log(result.stdout, result.stderr);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(
      /lab could not finish the run: VM 'never-boots' on double \(.*\) was not ready after restoring 'lab-clean' within 1500 ms \(state Running, heartbeat NoContact, no IPv4 address\)\. Fix: check the VM in Hyper-V Manager/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect((await ops()).slice(-2)).toEqual(['restore', 'turn-off']);
  }, 120_000);

  it("a checkpoint the VM does not have: exit 3 with the host's answer", async () => {
    await play();
    const result = await lab(['run', 'suites/echo.yaml', '--target', 'vm-no-checkpoint', '--out', join(dir, 'nocp')]);
    expect(result.exitCode).toBe(3);
    expect(`${result.stdout}${result.stderr}`).toMatch(
      /Hyper-V host double \(.*\): restoring checkpoint 'nope' of VM 'lab-win10' failed: expected one checkpoint named 'nope' on VM 'lab-win10', found 0/,
    );
  }, 120_000);

  it('Ctrl-C in the middle of a run: status interrupted, exit 130, and the VM is restored and turned off', async () => {
    await play();
    const suite = join(dir, 'slow.yaml');
    await writeFile(
      suite,
      `suite: slow
driver: { image: ${JSON.stringify(join(BUILD, 'objdev.sys'))}, service: objdev, device: '\\\\.\\object_device' }
cases:
  - { name: first, steps: [{ sleep: 1 }] }
  - { name: slow, steps: [{ sleep: 20000 }], timeoutMs: 60000 }
`,
    );
    const out = join(dir, 'slow');
    const run = lab(['run', suite, '--target', 'vm', '--out', out]);
    for (let i = 0; i < 600 && !(await readFile(join(out, 'results.jsonl'), 'utf8').catch(() => '')).includes('"index":0,'); i++)
      await new Promise((r) => setTimeout(r, 50));
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode).toBe(130);
    expect((await readReport(out)).status).toBe('interrupted');
    expect((await ops()).slice(-2)).toEqual(['restore', 'turn-off']);
  }, 120_000);

  it('a second Ctrl-C quits at once, and a detached process still restores the VM and turns it off', async () => {
    await play();
    const out = join(dir, 'forced');
    const run = lab(['run', join(dir, 'slow.yaml'), '--target', 'vm', '--out', out]);
    for (let i = 0; i < 600 && !(await readFile(join(out, 'results.jsonl'), 'utf8').catch(() => '')).includes('"index":0,'); i++)
      await new Promise((r) => setTimeout(r, 50));
    run.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode).toBe(130);
    let last: string[] = [];
    for (let i = 0; i < 100 && last.join() !== 'restore,turn-off'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      last = (await ops()).slice(-2);
    }
    expect(last).toEqual(['restore', 'turn-off']);
  }, 120_000);

  it('lab doctor --target vm checks the host, the VM settings, and the running guest', async () => {
    await play();
    await server.updateDouble((s) => {
      const vm = s.vms.find((v) => v.name === VM)!;
      Object.assign(vm, { state: 'Running', polls: 10, secureBoot: 'On' });
    });
    const result = await lab(['doctor', '--target', 'vm']);
    expect(result.stdout).toMatch(/✓ Hyper-V host reachable over SSH/);
    expect(result.stdout).toMatch(/✓ VM 'lab-win11 .*': generation 2, Running/);
    expect(result.stdout).toMatch(/✗ Secure Boot: On\n\s+fix: with the VM off: `Set-VMFirmware -VMName/);
    expect(result.stdout).toMatch(/✓ checkpoint type: Standard/);
    expect(result.stdout).toMatch(/✓ checkpoint 'lab-clean': present/);
    expect(result.stdout).toMatch(/✓ guest reachable over SSH: .*@127\.0\.0\.1/);
    expect(result.stdout).toMatch(/✓ guest test signing: on/);
    expect(result.exitCode).toBe(3);
  }, 120_000);
});
