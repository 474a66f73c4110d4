import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInventory, resolveTarget } from '../inventory/load-inventory.js';
import { chooseAccelerator } from './accelerator.js';
import { qemuArgv } from './qemu-command.js';

const dirs: string[] = [];
async function inventoryFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lab-qemu-inventory-'));
  dirs.push(dir);
  const file = join(dir, 'targets.yaml');
  await writeFile(file, text);
  return file;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('a qemu entry in the inventory', () => {
  it("resolves with defaults, the image found from the inventory's folder unless its variable names another", async () => {
    const file = await inventoryFile(
      'version: 1\ntargets:\n  ros:\n    kind: qemu\n    image: ../images/live.iso.xz\n    imageEnv: LAB_TEST_ROS_IMAGE\n    machine: { arch: i386 }\n    guestOs: reactos\n',
    );
    const inventory = await loadInventory(file);
    delete process.env.LAB_TEST_ROS_IMAGE;
    expect(resolveTarget(inventory, 'ros')).toEqual({
      kind: 'qemu',
      name: 'ros',
      image: { path: join(inventory.dir, '..', 'images', 'live.iso.xz'), kind: 'iso', from: expect.stringMatching(/targets\.ros\.image$/) },
      machine: { arch: 'i386', memoryMiB: 1024, cpus: 1 },
      accelerator: 'auto',
      guestOs: 'reactos',
      snapshot: 'lab-clean',
      bootTimeoutMs: 300_000,
      guestDir: 'C:\\lab',
    });
    process.env.LAB_TEST_ROS_IMAGE = '/elsewhere/win.qcow2';
    try {
      expect(resolveTarget(inventory, 'ros')).toMatchObject({ image: { path: '/elsewhere/win.qcow2', kind: 'qcow2', from: '$LAB_TEST_ROS_IMAGE' } });
    } finally {
      delete process.env.LAB_TEST_ROS_IMAGE;
    }
  });

  it('refuses an image that is neither a live CD nor a qcow2, and an unknown machine, at their lines', async () => {
    const file = await inventoryFile('version: 1\ntargets:\n  vm:\n    kind: qemu\n    image: disk.vmdk\n    machine: { arch: arm64, cpu: 2 }\n');
    const text = await loadInventory(file).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(text).toMatch(/targets\.yaml:5:12: targets\.vm\.image: expected an image ending in \.iso, \.iso\.xz \(a live CD\) or \.qcow2/);
    expect(text).toMatch(/targets\.vm\.machine\.arch: expected one of "i386", "x86_64"/);
    expect(text).toMatch(/targets\.vm\.machine\.cpu: unknown field `cpu`; did you mean `cpus`\?/);
  });

  it('ships a `reactos` entry that needs nothing but the image beside the repository', async () => {
    const { inventoryPath } = await import('../inventory/inventory-path.js');
    const inventory = await loadInventory(inventoryPath({}));
    expect(resolveTarget(inventory, 'reactos')).toMatchObject({ kind: 'qemu', machine: { arch: 'i386' }, guestOs: 'reactos', image: { kind: 'iso' } });
  });
});

describe("QEMU's command line and the accelerator", () => {
  it('starts paused, without network, display or reboot, with pvpanic, COM1 a socket and COM2 a FIFO pair', () => {
    const argv = qemuArgv({
      arch: 'i386',
      memoryMiB: 512,
      cpus: 2,
      accelerator: 'tcg',
      iso: '/c/live,cd.iso',
      disk: '/r/disk.qcow2',
      socketDir: '/r',
      loadvm: 'lab-clean',
    });
    const text = argv.join(' ');
    expect(argv.slice(0, 6)).toEqual(['-machine', 'pc,accel=tcg', '-m', '512', '-smp', '2']);
    expect(text).toContain('file=/c/live,,cd.iso,format=raw,if=ide,index=2,media=cdrom,readonly=on');
    expect(text).toContain('-nic none -no-reboot -device pvpanic');
    expect(text).toContain('-chardev socket,id=com1,path=/r/com1.sock,server=on,wait=off -serial chardev:com1');
    expect(text).toContain('-chardev pipe,id=com2,path=/r/agent -serial chardev:com2');
    expect(argv.slice(-3)).toEqual(['-S', '-loadvm', 'lab-clean']);
  });

  it('says which accelerator runs and why; TCG when asked, never KVM without vmx or svm', async () => {
    expect(await chooseAccelerator('tcg')).toEqual({ accelerator: 'tcg', reason: 'tcg (asked for in the inventory)' });
    const auto = await chooseAccelerator('auto');
    expect(auto.reason).toMatch(/^(kvm|tcg) \(/);
    const { readFile } = await import('node:fs/promises');
    const flags = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
    if (!/\b(vmx|svm)\b/.test(flags)) expect(auto).toMatchObject({ accelerator: 'tcg' });
  });
});
