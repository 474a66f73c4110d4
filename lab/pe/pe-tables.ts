/** The import and export tables of a PE image (read-pe.ts reads the headers and hands the view over). */
import type { PeView } from './read-pe.js';

export interface ImportedModule {
  /** The DLL's name as written in the image (e.g. `ntoskrnl.exe`, `WDFLDR.SYS`). */
  dll: string;
  /** Functions by name; by ordinal as `#<n>`. */
  functions: string[];
}

const MAX_MODULES = 256;
const MAX_FUNCTIONS = 65536;

type Dir = { rva: number; size: number };

export function readImports(v: PeView, rva: (r: number) => number, dir: Dir, pe32Plus: boolean): ImportedModule[] {
  const modules: ImportedModule[] = [];
  if (!dir.rva) return modules;
  let at = rva(dir.rva);
  if (at < 0) return modules;
  const thunkSize = pe32Plus ? 8 : 4;
  let total = 0;
  for (; modules.length < MAX_MODULES; at += 20) {
    const lookup = v.u32(at);
    const name = v.u32(at + 12);
    const first = v.u32(at + 16);
    if (!lookup && !name && !first) break;
    const nameAt = rva(name);
    const functions: string[] = [];
    let thunk = rva(lookup || first);
    for (; thunk >= 0 && total < MAX_FUNCTIONS; thunk += thunkSize, total++) {
      const value = pe32Plus ? v.u64(thunk) : BigInt(v.u32(thunk));
      if (value === 0n) break;
      const byOrdinal = pe32Plus ? value >> 63n === 1n : (value & 0x80000000n) !== 0n;
      if (byOrdinal) functions.push(`#${Number(value & 0xffffn)}`);
      else {
        const hint = rva(Number(value & 0x7fffffffn));
        functions.push(hint >= 0 ? v.cstring(hint + 2) : '?');
      }
    }
    modules.push({ dll: nameAt >= 0 ? v.cstring(nameAt) : '?', functions });
  }
  return modules;
}

export function readExports(v: PeView, rva: (r: number) => number, dir: Dir): string[] {
  if (!dir.rva) return [];
  const at = rva(dir.rva);
  if (at < 0) return [];
  const count = Math.min(v.u32(at + 24), MAX_FUNCTIONS);
  const names = rva(v.u32(at + 32));
  const out: string[] = [];
  for (let i = 0; names >= 0 && i < count; i++) {
    const name = rva(v.u32(names + i * 4));
    if (name >= 0) out.push(v.cstring(name));
  }
  return out;
}
