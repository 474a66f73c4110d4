import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const MAX_DEPTH = 3;

/**
 * Every report.json under `root` (the folder itself and up to three levels down, e.g. reports/<run-id>/
 * or reports/nightly/<run-id>/), skipping hidden folders and node_modules. Order is not meaningful.
 */
export async function findReports(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isFile() && e.name === 'report.json') found.push(join(dir, e.name));
      else if (e.isDirectory() && depth < MAX_DEPTH && !e.name.startsWith('.') && e.name !== 'node_modules') await walk(join(dir, e.name), depth + 1);
    }
  };
  await walk(root, 0);
  return found;
}
