import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';

/** `wine --version`, e.g. "wine-8.0 (Debian 8.0~repack-4)". A template is made per version. */
export async function wineVersion(): Promise<string> {
  try {
    const { stdout } = await execa('wine', ['--version'], { timeout: 30_000, env: { WINEDEBUG: '-all' } });
    return stdout.trim();
  } catch (cause) {
    throw new HarnessError(
      'LAB_WINE_MISSING',
      'wine is not installed or does not start. Fix: sudo apt-get install -y --no-install-recommends wine wine64 (or run `lab doctor`).',
      { cause },
    );
  }
}

/** A file-name-safe form of the version string. */
export function versionSlug(version: string): string {
  return version.replace(/[^A-Za-z0-9.+-]+/g, '_').replace(/^_+|_+$/g, '');
}

/**
 * The version, without starting Wine when the `wine` on PATH is the same file as last time (its path,
 * size and mtime are the key): `wine --version` costs a tenth of a second on every run otherwise.
 */
export async function cachedWineVersion(cacheDir: string): Promise<string> {
  const file = join(cacheDir, 'wine', 'version.json');
  const binary = await findOnPath('wine');
  const key = binary
    ? await stat(binary).then(
        (s) => `${binary}:${s.size}:${s.mtimeMs}`,
        () => undefined,
      )
    : undefined;
  if (key) {
    const cached = await readFile(file, 'utf8').then(
      (t) => JSON.parse(t) as { key: string; version: string },
      () => undefined,
    );
    if (cached?.key === key) return cached.version;
  }
  const version = await wineVersion();
  if (key) {
    await mkdir(join(cacheDir, 'wine'), { recursive: true });
    await writeFile(file, JSON.stringify({ key, version }));
  }
  return version;
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}
