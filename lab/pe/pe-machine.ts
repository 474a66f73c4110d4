import { open } from 'node:fs/promises';

/** The CPU a Windows image (PE file: .sys, .exe) is built for, from its COFF header. */
export type PeMachine = 'x86_64' | 'i686' | 'arm64' | 'other';

const MACHINES: Record<number, PeMachine> = { 0x8664: 'x86_64', 0x14c: 'i686', 0xaa64: 'arm64' };

/**
 * Reads only what it needs (the DOS header's e_lfanew, the PE signature and the machine field); undefined
 * for a file that is not a PE image. A small reader for picking the right build; load diagnosis has its own.
 */
export async function peMachine(path: string): Promise<PeMachine | undefined> {
  const file = await open(path, 'r');
  try {
    const dos = Buffer.alloc(64);
    if ((await file.read(dos, 0, 64, 0)).bytesRead < 64 || dos.toString('latin1', 0, 2) !== 'MZ') return undefined;
    const at = dos.readUInt32LE(60);
    if (at > 1 << 20) return undefined;
    const head = Buffer.alloc(6);
    if ((await file.read(head, 0, 6, at)).bytesRead < 6 || head.toString('latin1', 0, 4) !== 'PE\0\0') return undefined;
    return MACHINES[head.readUInt16LE(4)] ?? 'other';
  } finally {
    await file.close();
  }
}
