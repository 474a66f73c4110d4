/**
 * Reads what lab needs of a PE image (a .sys, .dll or .exe) from its bytes: the machine, the subsystem,
 * the entry point, the image base, the sections, and through pe-tables.ts its imports and exports. Every
 * offset and count is checked against the buffer, so a truncated or hostile file gives a `problem`, never
 * an exception or a read past the end. A leaf module: it imports nothing of lab.
 */
import { readExports, readImports, type ImportedModule } from './pe-tables.js';

export interface PeSection {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
}

export interface PeImage {
  /** IMAGE_FILE_HEADER.Machine (0x8664 x64, 0x14c x86). */
  machine: number;
  /** PE32+ (a 64-bit optional header). */
  pe32Plus: boolean;
  subsystem: number;
  /** RVA of the entry point; 0 when the image has none. */
  entryPoint: number;
  imageBase: bigint;
  sections: PeSection[];
  imports: ImportedModule[];
  /** Exported names (forwarders included). */
  exports: string[];
}

export type PeRead = { ok: true; image: PeImage } | { ok: false; problem: string };

const PE32 = 0x10b;
const PE32_PLUS = 0x20b;
const MAX_SECTIONS = 96;

/** A bounds-checked view: every read past the end throws PeBounds, turned into a `problem` by readPe. */
export class PeView {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u16(at: number): number {
    this.need(at, 2);
    return this.view.getUint16(at, true);
  }

  u32(at: number): number {
    this.need(at, 4);
    return this.view.getUint32(at, true);
  }

  u64(at: number): bigint {
    this.need(at, 8);
    return this.view.getBigUint64(at, true);
  }

  /** A NUL-terminated ASCII string of at most `max` bytes. */
  cstring(at: number, max = 512): string {
    this.need(at, 1);
    let end = at;
    while (end < this.bytes.length && end - at < max && this.bytes[end] !== 0) end++;
    return String.fromCharCode(...this.bytes.subarray(at, end));
  }

  private need(at: number, n: number): void {
    if (!Number.isInteger(at) || at < 0 || at + n > this.bytes.length) throw new PeBounds(at);
  }
}

export class PeBounds extends Error {
  constructor(readonly at: number) {
    super(`the file ends before offset ${at}`);
  }
}

export function readPe(bytes: Uint8Array): PeRead {
  const v = new PeView(bytes);
  if (bytes.length < 64 || v.u16(0) !== 0x5a4d) return { ok: false, problem: 'it does not start with the MZ header of a Windows executable' };
  try {
    const pe = v.u32(0x3c);
    const noSignature = { ok: false as const, problem: 'it has an MZ header but no PE signature (an MS-DOS program, or a damaged file)' };
    if (pe + 4 > bytes.length) return noSignature;
    if (v.u32(pe) !== 0x00004550) return noSignature;
    v.u32(pe + 20); // the file header is all there
    const machine = v.u16(pe + 4);
    const nsections = v.u16(pe + 6);
    const optSize = v.u16(pe + 20);
    const opt = pe + 24;
    const magic = v.u16(opt);
    if (magic !== PE32 && magic !== PE32_PLUS) return { ok: false, problem: `its optional header has the unknown magic 0x${magic.toString(16)}` };
    const pe32Plus = magic === PE32_PLUS;
    const entryPoint = v.u32(opt + 16);
    const imageBase = pe32Plus ? v.u64(opt + 24) : BigInt(v.u32(opt + 28));
    const subsystem = v.u16(opt + 68);
    const dirs = opt + (pe32Plus ? 112 : 96);
    const ndirs = Math.min(v.u32(dirs - 4), 16);
    const dir = (i: number) =>
      i < ndirs && dirs + i * 8 + 8 <= opt + optSize ? { rva: v.u32(dirs + i * 8), size: v.u32(dirs + i * 8 + 4) } : { rva: 0, size: 0 };
    if (nsections > MAX_SECTIONS) return { ok: false, problem: `it claims ${nsections} sections` };
    const sections: PeSection[] = [];
    for (let i = 0, at = opt + optSize; i < nsections; i++, at += 40) {
      sections.push({
        name: v.cstring(at, 8),
        virtualSize: v.u32(at + 8),
        virtualAddress: v.u32(at + 12),
        rawSize: v.u32(at + 16),
        rawOffset: v.u32(at + 20),
      });
    }
    const rva = (r: number) => rvaToOffset(sections, r);
    const imports = readImports(v, rva, dir(1), pe32Plus);
    const exports = readExports(v, rva, dir(0));
    return { ok: true, image: { machine, pe32Plus, subsystem, entryPoint, imageBase, sections, imports, exports } };
  } catch (error) {
    if (error instanceof PeBounds) return { ok: false, problem: `it is cut short: ${error.message}` };
    throw error;
  }
}

/** The file offset of an RVA, or -1 when no section holds it. */
export function rvaToOffset(sections: PeSection[], rva: number): number {
  for (const s of sections) {
    const size = Math.max(s.virtualSize, s.rawSize);
    if (rva >= s.virtualAddress && rva < s.virtualAddress + size) {
      const delta = rva - s.virtualAddress;
      return delta < s.rawSize ? s.rawOffset + delta : -1;
    }
  }
  return -1;
}
