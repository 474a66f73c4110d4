import { writeFile, open, rm } from 'node:fs/promises';
import { execa } from 'execa';

const DISK_BYTES = 64 * 1024 * 1024;
const FIRST_SECTOR = 2048;

/**
 * The live CD's C: drive: a 64 MiB qcow2 with one FAT16 partition holding \lab\boot.cmd (the CD's logon
 * hook calls it) and the agent. It is also what makes snapshots possible: internal snapshots live in a
 * qcow2 file, and the CD is read-only. Made with mtools (no root, no loop devices).
 */
export async function makeDataDisk(qcow2: string, files: Array<{ name: string; local?: string; text?: string }>): Promise<void> {
  const raw = `${qcow2}.raw`;
  try {
    await writeFile(raw, mbr());
    const handle = await open(raw, 'r+');
    await handle.truncate(DISK_BYTES);
    await handle.close();
    const image = `${raw}@@${FIRST_SECTOR * 512}`;
    const sectors = DISK_BYTES / 512 - FIRST_SECTOR;
    await tool('mformat', ['-i', image, '-T', String(sectors), '-h', '16', '-s', '63', '-H', String(FIRST_SECTOR), '-v', 'LAB', '::']);
    await tool('mmd', ['-i', image, '::/lab']);
    for (const file of files) {
      if (file.local) await tool('mcopy', ['-i', image, file.local, `::/lab/${file.name}`]);
      else {
        const local = `${qcow2}.${file.name}`;
        await writeFile(local, file.text ?? '');
        await tool('mcopy', ['-i', image, local, `::/lab/${file.name}`]).finally(() => rm(local, { force: true }));
      }
    }
    await tool('qemu-img', ['convert', '-O', 'qcow2', raw, qcow2]);
  } finally {
    await rm(raw, { force: true });
  }
}

/** A master boot record with one active FAT16 (LBA) partition from sector 2048 to the end. */
function mbr(): Buffer {
  const sector = Buffer.alloc(512);
  const entry = 446;
  sector[entry] = 0x80;
  sector.set([0xfe, 0xff, 0xff], entry + 1);
  sector[entry + 4] = 0x06;
  sector.set([0xfe, 0xff, 0xff], entry + 5);
  sector.writeUInt32LE(FIRST_SECTOR, entry + 8);
  sector.writeUInt32LE(DISK_BYTES / 512 - FIRST_SECTOR, entry + 12);
  sector.write('LAB1', 440, 'latin1');
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

async function tool(file: string, args: string[]): Promise<void> {
  const result = await execa(file, args, { reject: false, stdin: 'ignore', env: { MTOOLS_SKIP_CHECK: '1' } });
  if (result.exitCode !== 0) {
    const missing = result.failed && result.exitCode === undefined;
    throw new Error(
      missing
        ? `${file} is not installed. Fix: sudo apt-get install -y mtools qemu-utils`
        : `${file} ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`,
    );
  }
}
