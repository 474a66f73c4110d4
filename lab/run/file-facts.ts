import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * What report.json says about a driver image: its SHA-256, and whether it carries an Authenticode
 * signature (a non-empty security directory in the PE header). Whether the signature verifies is
 * `lab build`'s and the target's business; this only tells a reader that one is there.
 */
export async function fileFacts(path: string): Promise<{ sha256: string; signed: boolean }> {
  const bytes = await readFile(path);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), signed: hasSecurityDirectory(bytes) };
}

export function hasSecurityDirectory(bytes: Buffer): boolean {
  if (bytes.length < 0x40 || bytes.readUInt16LE(0) !== 0x5a4d) return false;
  const pe = bytes.readUInt32LE(0x3c);
  if (pe + 24 > bytes.length || bytes.readUInt32LE(pe) !== 0x00004550) return false;
  const optional = pe + 24;
  const magic = bytes.readUInt16LE(optional);
  // The data directories start at 96 (PE32) or 112 (PE32+); the security directory is entry 4.
  const directories = optional + (magic === 0x20b ? 112 : 96);
  const entry = directories + 4 * 8;
  if (entry + 8 > bytes.length) return false;
  return bytes.readUInt32LE(entry + 4) > 0;
}
