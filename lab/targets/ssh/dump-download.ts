import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RemoteFiles } from './remote-files.js';
import { windowsBasename } from './windows-path.js';

/** Dumps larger than this stay on the guest (a full MEMORY.DMP can be the size of the guest's RAM). */
export const MAX_DUMP_BYTES = 256 * 1024 * 1024;

/**
 * Copies a crash dump off the guest into a local folder (before a revert throws it away), or says why not.
 * Returns the local path, or the guest path with a note when it was left there.
 */
export async function downloadDump(files: RemoteFiles, guestPath: string, localDir: string): Promise<{ path: string; note?: string }> {
  const info = await files.stat(guestPath);
  if (!info) return { path: guestPath, note: 'the dump file named by event 1001 does not exist on the guest' };
  if (info.size > MAX_DUMP_BYTES)
    return {
      path: guestPath,
      note: `left on the guest: ${(info.size / 1024 ** 2).toFixed(0)} MiB is more than lab copies (${MAX_DUMP_BYTES / 1024 ** 2} MiB); use a minidump (CrashDumpEnabled=3) or copy it by hand`,
    };
  await mkdir(localDir, { recursive: true });
  const local = join(localDir, `${Date.now()}-${windowsBasename(guestPath)}`);
  await files.get(guestPath, local);
  return { path: local };
}
