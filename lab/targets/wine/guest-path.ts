import { join } from 'node:path';

/**
 * A Windows path inside a prefix → its Linux path: `C:\lab\x.sys` → `<prefix>/drive_c/lab/x.sys`.
 * Only drive C: exists in a lab prefix; anything else (another drive, `..`, a UNC path) is refused so a
 * suite cannot make lab read or write outside the prefix.
 */
export function hostPathOf(prefix: string, guestPath: string): string {
  const m = /^[cC]:[\\/](.*)$/.exec(guestPath);
  if (!m) throw new Error(`only C:\\ paths exist in a Wine prefix, got ${guestPath}`);
  const parts = (m[1] ?? '').split(/[\\/]+/).filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) throw new Error(`a guest path may not contain . or .. parts: ${guestPath}`);
  return join(prefix, 'drive_c', ...parts);
}
