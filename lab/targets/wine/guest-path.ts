import { lstat, readdir, readlink } from 'node:fs/promises';
import { isAbsolute, join, normalize, posix } from 'node:path';
import { UsageError } from '../../errors/lab-error.js';

/**
 * A Windows path inside a prefix → its Linux path: `C:\lab\x.sys` → `<prefix>/drive_c/lab/x.sys`.
 * Only drive C: exists in a lab prefix; anything else (another drive, `..`, a UNC path) is refused so a
 * suite cannot make lab read or write outside the prefix.
 */
export function hostPathOf(prefix: string, guestPath: string): string {
  return join(prefix, 'drive_c', ...guestParts(guestPath));
}

function guestParts(guestPath: string): string[] {
  const m = /^[cC]:[\\/](.*)$/.exec(guestPath);
  if (!m) throw new UsageError('LAB_GUEST_PATH', `only C:\\ paths exist in a Wine prefix, got ${guestPath}`);
  const parts = (m[1] ?? '').split(/[\\/]+/).filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) throw new UsageError('LAB_GUEST_PATH', `a guest path may not contain . or .. parts: ${guestPath}`);
  return parts;
}

const MAX_LINKS = 40;

/**
 * Where a guest path really leads, as Wine would open it: names matched without regard to case, symbolic
 * links followed (a prefix's profile folders may link to the user's home; a link can point anywhere).
 * `prefix` is the prefix as Wine sees it; `host` maps such a path to one this process can open. Returns the
 * host path of the file, or undefined when it does not exist; a path that leads outside the prefix's
 * drive C: is refused, so lab never reads (or copies into a run folder) a file of the host.
 */
export async function resolveGuestPath(prefix: string, guestPath: string, host: (path: string) => string): Promise<string | undefined> {
  const drive = join(prefix, 'drive_c');
  let current = drive;
  const todo = guestParts(guestPath);
  let links = 0;
  while (todo.length > 0) {
    const part = todo.shift()!;
    const name = await matchName(host(current), part);
    if (name === undefined) return undefined;
    const next = join(current, name);
    const info = await lstat(host(next)).catch(() => undefined);
    if (!info) return undefined;
    if (!info.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) throw outside(guestPath, `more than ${MAX_LINKS} symbolic links`);
    const target = await readlink(host(next));
    const resolved = normalize(isAbsolute(target) ? target : join(current, target));
    if (resolved !== drive && !resolved.startsWith(`${drive}/`)) throw outside(guestPath, resolved);
    // Go on from the drive's root along the link's target, then the parts still to walk.
    todo.unshift(...posix.relative(drive, resolved).split('/').filter(Boolean));
    current = drive;
  }
  return host(current);
}

function outside(guestPath: string, where: string): UsageError {
  return new UsageError(
    'LAB_GUEST_PATH_OUTSIDE',
    `the guest path ${guestPath} leads outside the Wine prefix's drive C: (to ${where}), ` +
      `through a symbolic link in the prefix; lab reads and writes guest files only inside the guest. ` +
      `Fix: point the suite's driver.log (or the path) at a file in C:\\ itself, e.g. C:\\driver.log.`,
  );
}

/** Wine matches file names without regard to case; so does lab. */
async function matchName(dir: string, want: string): Promise<string | undefined> {
  try {
    const names = await readdir(dir);
    if (names.includes(want)) return want;
    const lower = want.toLowerCase();
    return names.find((n) => n.toLowerCase() === lower);
  } catch {
    return undefined;
  }
}
