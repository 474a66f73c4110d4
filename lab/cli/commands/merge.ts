import { resolve } from 'node:path';
import { mergeReports } from '../../merge/merge-reports.js';
import { selectReporters } from '../../reporters/select-reporters.js';
import { claimRunFolder } from '../../files/run-folder.js';
import { visible } from '../../text/visible.js';

export interface MergeFlags {
  out: string;
  reporter?: string[];
  allowPartial?: boolean;
}

/** `lab merge <dirs...> --out <dir>`: shard runs joined into one run's reports; exits like that run would. */
export async function mergeCommand(dirs: string[], flags: MergeFlags): Promise<void> {
  const outDir = resolve(flags.out);
  const reporters = selectReporters(flags.reporter ?? ['junit', 'html', 'summary', 'json']);
  // An input given as --out is named as such by mergeReports, before the folder is claimed as not empty.
  const inputs = dirs.map((d) => resolve(d));
  const folder = claimRunFolder(outDir, { what: 'lab merge: --out', resume: inputs.includes(outDir), fix: 'give a new --out folder for the merged run.' });
  try {
    const { header, exitCode } = await mergeReports(dirs, outDir, reporters, { allowPartial: Boolean(flags.allowPartial) });
    const s = header.summary;
    process.stdout.write(visible(`lab merge: ${dirs.length} runs of ${header.suite} → ${outDir}: ${header.status}, ${s.total} cases (${s.passed} passed)\n`));
    process.exitCode = exitCode;
  } finally {
    folder.release();
  }
}
