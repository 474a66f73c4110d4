import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { mergeReports } from '../../merge/merge-reports.js';
import { selectReporters } from '../../reporters/select-reporters.js';
import { visible } from '../../text/visible.js';

export interface MergeFlags {
  out: string;
  reporter?: string[];
}

/** `lab merge <dirs...> --out <dir>`: shard runs joined into one run's reports; exits like that run would. */
export async function mergeCommand(dirs: string[], flags: MergeFlags): Promise<void> {
  const outDir = resolve(flags.out);
  await mkdir(outDir, { recursive: true });
  const reporters = selectReporters(flags.reporter ?? ['junit', 'html', 'summary', 'json']);
  const { header, exitCode } = await mergeReports(dirs, outDir, reporters);
  const s = header.summary;
  process.stdout.write(visible(`lab merge: ${dirs.length} runs of ${header.suite} → ${outDir}: ${header.status}, ${s.total} cases (${s.passed} passed)\n`));
  process.exitCode = exitCode;
}
