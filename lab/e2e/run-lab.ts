import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildDir, packageRoot } from '../package-root/package-root.js';
import type { RunReport } from '../report/run-report.js';

export const ROOT = packageRoot();
export const BUILD = buildDir();

/** Runs the real CLI as a user would, from the repository root. */
export async function lab(args: string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}) {
  return execa('node', [join(ROOT, 'lab', 'bin', 'lab.js'), ...args], {
    cwd: ROOT,
    reject: false,
    timeout: options.timeoutMs ?? 240_000,
    env: { CI: '1', FORCE_COLOR: '0', ...options.env },
  });
}

export async function readReport(outDir: string): Promise<RunReport> {
  return JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8')) as RunReport;
}

export function notPassed(report: RunReport): string[] {
  return report.cases.filter((c) => c.status !== 'passed').map((c) => c.id);
}
