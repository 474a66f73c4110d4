import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The inventory file: LAB_INVENTORY when set (tests, CI, a second lab), else infra/targets.yaml in the
 * repository lab runs from (found from this file's place, compiled or not).
 */
export function inventoryPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAB_INVENTORY) return env.LAB_INVENTORY;
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = here.includes(join('lab', 'dist')) ? join(here, '..', '..', '..', '..') : join(here, '..', '..', '..');
  return join(root, 'infra', 'targets.yaml');
}
