import { join } from 'node:path';
import type { KillMatrix } from './kill-matrix.js';
import { writeFileAtomic } from '../files/atomic-file.js';

/** mutation.json (for machines) and mutation.md (for people and CI step summaries). */
export async function writeMutationReport(outDir: string, suite: string, target: string, matrix: KillMatrix): Promise<void> {
  const json = {
    suite,
    target,
    score: matrix.score,
    killed: matrix.killed,
    observable: matrix.observable,
    mutants: matrix.rows.map((r) => ({
      name: r.mutant.name,
      defect: r.mutant.defect,
      fate: r.fate,
      killedBy: r.killedBy,
      durationMs: r.durationMs,
      ...(r.fate === 'not-observable' ? { why: r.why } : {}),
    })),
  };
  writeFileAtomic(join(outDir, 'mutation.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileAtomic(join(outDir, 'mutation.md'), `${mutationMarkdown(suite, target, matrix)}\n`);
}

export function mutationMarkdown(suite: string, target: string, matrix: KillMatrix): string {
  const lines = [
    `## Mutation score of ${suite} on ${target}: ${(matrix.score * 100).toFixed(0)}% (${matrix.killed} of ${matrix.observable} observable mutants killed)`,
    '',
    '| mutant | defect | fate | killed by |',
    '|---|---|---|---|',
  ];
  for (const r of matrix.rows) {
    const by =
      r.fate === 'not-observable'
        ? (r.why ?? '')
        : r.killedBy.length
          ? `${r.killedBy.length} case${r.killedBy.length === 1 ? '' : 's'}: ${r.killedBy
              .slice(0, 3)
              .map((k) => `\`${k.id}\` (${k.status})`)
              .join(', ')}${r.killedBy.length > 3 ? ', …' : ''}`
          : '';
    lines.push(`| ${r.mutant.name} | ${r.mutant.defect ?? '-'} | ${r.fate} | ${by.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}
