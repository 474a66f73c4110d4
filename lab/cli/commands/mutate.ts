import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../../errors/lab-error.js';
import { readCatalog } from '../../mutate/catalog.js';
import { killMatrix, toldApart } from '../../mutate/kill-matrix.js';
import { mutationMarkdown, writeMutationReport } from '../../mutate/mutation-report.js';
import { mapLimited, runAgainst } from '../../mutate/run-mutants.js';
import { createTarget } from '../../targets/create-target.js';
import { loadCases } from '../load-cases.js';
import { buildFor, forMachine } from '../machine-build.js';
import { packageRoot } from '../../package-root/package-root.js';
import { interruptSignal } from '../signals.js';
import { visible } from '../../text/visible.js';

export interface MutateFlags {
  target: string;
  out?: string;
  filter?: string[];
  jobs?: number;
}

/**
 * `lab mutate`: how good is the suite? Every mutant of the driver (one known defect each) runs the suite;
 * a mutant the suite cannot tell from the real driver survives. Prints and writes the kill matrix and the
 * score; exits 1 when a mutant this target can observe survives.
 */
export async function mutateCommand(suiteFile: string, flags: MutateFlags): Promise<void> {
  const targetRef = await createTarget.resolve(flags.target);
  const loaded = await loadCases(suiteFile, { target: targetRef, ...(flags.filter ? { filter: flags.filter } : {}) });
  const root = packageRoot();
  const built = await execa('make', ['-s', '-C', join(root, 'driver'), 'all', 'mutants'], { reject: false, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.failed) throw new HarnessError('LAB_BUILD_FAILED', 'building the mutants failed; see the lines above. Fix: run `lab doctor`.');
  const catalog = await readCatalog(join(root, 'driver'));
  const suite = await forMachine(loaded, targetRef);
  const build = buildFor(targetRef.machine);
  const outDir = resolve(flags.out ?? join('reports', `mutation-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  const guestRunner = join(build, 'lab-guest.exe');
  const interrupt = interruptSignal(() => undefined);
  const jobs = flags.jobs ?? Math.max(1, Math.min(2, cpus().length));
  const say = (line: string) => process.stdout.write(`${visible(line)}\n`);
  try {
    say(
      `lab mutate: ${catalog.length} mutants of ${suite.driver.image} against ${suite.file} (${suite.cases.length} cases) on ${targetRef.name}, ${jobs} at a time`,
    );
    const baseline = await runAgainst(suite, suite.driver.image, targetRef, join(outDir, 'driver'), guestRunner, interrupt.signal);
    const passed = new Set(baseline.cases.filter((c) => c.status === 'passed').map((c) => c.id));
    say(
      `  driver itself: ${passed.size} of ${baseline.cases.length} cases pass ` +
        `(${(baseline.durationMs / 1000).toFixed(1)} s)${passed.size < baseline.cases.length ? ': only those can kill mutants' : ''}`,
    );
    const runs = await mapLimited(catalog, jobs, async (mutant) => {
      const run = await runAgainst(
        suite,
        join(build, 'mutants', `${mutant.name}.sys`),
        targetRef,
        join(outDir, 'mutants', mutant.name),
        guestRunner,
        interrupt.signal,
      );
      const bad = run.cases.filter((c) => passed.has(c.id) && toldApart(c)).length;
      say(
        `  ${mutant.name}: ${bad ? `killed by ${bad} case${bad === 1 ? '' : 's'}` : 'not told apart from the driver'} (${(run.durationMs / 1000).toFixed(1)} s)`,
      );
      return { mutant, ...run };
    });
    if (interrupt.signal.aborted) {
      process.exitCode = 130;
      return;
    }
    const matrix = killMatrix(targetRef.observes, passed, runs);
    await writeMutationReport(outDir, suite.name, targetRef.name, matrix);
    say(`\n${mutationMarkdown(suite.name, targetRef.name, matrix)}\n\nreports: ${outDir}/mutation.md (mutation.json, one run folder per mutant)`);
    process.exitCode = matrix.rows.some((r) => r.fate === 'survived') ? 1 : 0;
  } finally {
    interrupt.dispose();
  }
}
