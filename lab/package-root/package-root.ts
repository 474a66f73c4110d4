import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (where package.json is), from the compiled lab/dist/package-root/ or the sources in lab/package-root/. */
export function packageRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes(`${join('lab', 'dist')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');
}

export function buildDir(): string {
  return join(packageRoot(), 'driver', 'build');
}
