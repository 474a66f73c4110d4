import { describeCase } from '../../suite/describe-case.js';
import { createTarget } from '../../targets/create-target.js';
import { loadCases } from '../load-cases.js';
import { visible } from '../../text/visible.js';

export interface ListFlags {
  target: string;
  filter?: string[];
  json?: boolean;
  shard?: string;
}

/** `lab list`: the expanded cases, their ids (and with --json their resolved steps, defaults written out), nothing run. */
export async function listCommand(suiteFile: string, flags: ListFlags): Promise<void> {
  const target = await createTarget.resolve(flags.target);
  const suite = await loadCases(suiteFile, { target, ...(flags.filter ? { filter: flags.filter } : {}), ...(flags.shard ? { shard: flags.shard } : {}) });
  if (flags.json) {
    const rows = suite.cases.map((c) => describeCase(c, suite));
    const files = suite.files.map((f) => ({ name: f.name, from: f.path }));
    const driver = { ...suite.driver, ...(suite.client ? { client: suite.client } : {}) };
    process.stdout.write(`${JSON.stringify({ suite: suite.name, target: target.name, driver, files, cases: rows }, null, 2)}\n`);
    return;
  }
  for (const c of suite.cases) {
    process.stdout.write(
      `${String(c.index).padStart(4)}  ${visible(`${c.id}${c.skip ? `  (skipped on ${target.name}: ${c.skip})` : ''}`, { oneLine: true })}\n`,
    );
  }
  const skipped = suite.cases.filter((c) => c.skip).length;
  process.stdout.write(`${suite.cases.length} cases in ${visible(suite.file)}${skipped ? `, ${skipped} skipped on ${target.name}` : ''}\n`);
}
