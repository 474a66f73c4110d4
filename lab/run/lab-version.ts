import { readFileSync } from 'node:fs';

let version: string | undefined;

/** lab's own version, from package.json, for reports. */
export function labVersion(): string {
  if (version) return version;
  try {
    version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    version = 'unknown';
  }
  return version;
}
