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
