import { join } from 'node:path';

export type QemuArch = 'i386' | 'x86_64';

export interface QemuMachineConfig {
  arch: QemuArch;
  memoryMiB: number;
  cpus: number;
  accelerator: 'kvm' | 'tcg';
  /** A live CD (booted from, read-only), absent for an installed system on the disk. */
  iso?: string;
  /** The qcow2 disk: the live CD's writable C: (with the agent and the snapshot), or the installed system. */
  disk: string;
  /** Folder of the sockets and FIFOs (COM1: the kernel's debug port, COM2: the agent, QMP). */
  socketDir: string;
  /** Start from this internal snapshot of the disk instead of booting. */
  loadvm?: string;
}

/** COM1 and QMP are unix sockets; the agent's COM2 is a pair of FIFOs, `agent.in` (to the guest) and `agent.out`. */
export const sockets = (dir: string) => ({ com1: join(dir, 'com1.sock'), agent: join(dir, 'agent'), qmp: join(dir, 'qmp.sock') });

/**
 * QEMU's command line for a lab machine. It starts paused (-S): lab connects the serial ports before the
 * guest runs, since output to a port nobody reads is lost (and the kernel's polled debug port would stall).
 * No network, no display, no reboot (a bugcheck must stay on screen, at kdb:> on ReactOS), and a pvpanic
 * device, whose GUEST_PANICKED event tells lab of a Windows bugcheck.
 *
 * The agent's port is a FIFO pair, not a socket: QEMU writes what the guest sends one byte per write(),
 * and a unix socket charges each one-byte write hundreds of bytes of its buffer, so it fills, QEMU holds
 * the byte back, and ReactOS's serial.sys turns on its transmit-empty interrupt. That driver serves one
 * interrupt cause per (edge-triggered) interrupt, so a pending transmit-empty cause can hide received data
 * for good: the guest stops hearing lab. A FIFO packs bytes into pages and does not fill that way.
 */
export function qemuArgv(config: QemuMachineConfig): string[] {
  const s = sockets(config.socketDir);
  return [
    '-machine',
    `pc,accel=${config.accelerator}`,
    '-m',
    String(config.memoryMiB),
    '-smp',
    String(config.cpus),
    ...(config.iso ? ['-drive', `file=${driveFile(config.iso)},format=raw,if=ide,index=2,media=cdrom,readonly=on`] : []),
    '-drive',
    `file=${driveFile(config.disk)},format=qcow2,if=ide,index=0`,
    '-boot',
    config.iso ? 'd' : 'c',
    '-display',
    'none',
    '-vga',
    'std',
    '-nic',
    'none',
    '-no-reboot',
    '-device',
    'pvpanic',
    '-chardev',
    `socket,id=com1,path=${s.com1},server=on,wait=off`,
    '-serial',
    'chardev:com1',
    '-chardev',
    `pipe,id=com2,path=${s.agent}`,
    '-serial',
    'chardev:com2',
    '-qmp',
    `unix:${s.qmp},server=on,wait=off`,
    '-S',
    ...(config.loadvm ? ['-loadvm', config.loadvm] : []),
  ];
}

export function qemuBinary(arch: QemuArch): string {
  return `qemu-system-${arch}`;
}

/** -drive splits its value at commas; a comma in a path is written twice. */
function driveFile(path: string): string {
  return path.replace(/,/g, ',,');
}
